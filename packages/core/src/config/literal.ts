/**
 * Parses the small call language of versions and config methods: `name`, `name(0.1)`,
 * `name(lr=3e-4, layers=[1, 2], tag='a,b')`. Values are JSON-ish literals: numbers, quoted
 * strings, true/false (or True/False), null (or None), lists, objects; a bare word is a string.
 */
import { setEntry } from './plain.js';

export interface Call {
  readonly name: string;
  readonly args: unknown[];
  /** Keyword arguments, in order; `undefined` when the call had none. */
  readonly kwargs?: Record<string, unknown>;
}

const CALL = /^\s*([A-Za-z_$][\w$]*)\s*(?:\(([\s\S]*)\))?\s*$/;

/** Parses `name` or `name(args)`; returns undefined when the text is not of that form. */
export function parseCall(text: string): Call | undefined {
  const match = CALL.exec(text);
  if (!match) return undefined;
  const [, name, inner] = match;
  if (inner === undefined || inner.trim() === '') return { name: name!, args: [] };
  const parser = new Parser(inner);
  const args: unknown[] = [];
  let kwargs: Record<string, unknown> | undefined;
  do {
    const keyword = parser.keyword();
    const value = parser.value();
    if (keyword !== undefined) {
      kwargs ??= {};
      // Python refuses `f(lr=0.5, lr=0.6)` ("keyword argument repeated"), and so does this.
      if (Object.prototype.hasOwnProperty.call(kwargs, keyword)) {
        throw new SyntaxError(`keyword argument '${keyword}' is repeated in '${text}'; give each keyword once`);
      }
      setEntry(kwargs, keyword, value);
    } else if (kwargs) {
      throw new SyntaxError(`positional argument after keyword arguments in '${text}'`);
    } else {
      args.push(value);
    }
  } while (parser.comma());
  parser.end();
  return { name: name!, args, kwargs };
}

/** Parses one JSON-ish literal (`3`, `'a'`, `[1, 2]`, `true`, `adam`). */
export function parseLiteral(text: string): unknown {
  const parser = new Parser(text);
  const value = parser.value();
  parser.end();
  return value;
}

const NUMBER = /^[+-]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_$][\w$.\-]*/;
const WORDS: Record<string, unknown> = { true: true, True: true, false: false, False: false, null: null, None: null };

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  /** Consumes `name=` if it comes next and returns the name. */
  keyword(): string | undefined {
    this.skip();
    const match = /^([A-Za-z_$][\w$]*)\s*=(?!=)/.exec(this.rest());
    if (!match) return undefined;
    this.pos += match[0].length;
    return match[1];
  }

  value(): unknown {
    this.skip();
    const ch = this.text[this.pos];
    if (ch === '[') return this.list();
    if (ch === '{') return this.object();
    if (ch === '"' || ch === "'") return this.string(ch);
    const number = NUMBER.exec(this.rest());
    if (number && !/^[\w$]/.test(this.rest().slice(number[0].length))) {
      this.pos += number[0].length;
      return Number(number[0].replaceAll('_', ''));
    }
    const word = WORD.exec(this.rest());
    if (word) {
      this.pos += word[0].length;
      return Object.prototype.hasOwnProperty.call(WORDS, word[0]) ? WORDS[word[0]] : word[0];
    }
    throw this.error('a value');
  }

  comma(): boolean {
    this.skip();
    if (this.text[this.pos] !== ',') return false;
    this.pos += 1;
    return true;
  }

  end(): void {
    this.skip();
    if (this.pos < this.text.length) throw this.error('the end');
  }

  private list(): unknown[] {
    this.pos += 1;
    const items: unknown[] = [];
    this.skip();
    if (this.text[this.pos] === ']') {
      this.pos += 1;
      return items;
    }
    do items.push(this.value());
    while (this.comma() && !this.peek(']'));
    this.expect(']');
    return items;
  }

  private object(): Record<string, unknown> {
    this.pos += 1;
    const out: Record<string, unknown> = {};
    this.skip();
    if (this.text[this.pos] === '}') {
      this.pos += 1;
      return out;
    }
    do {
      this.skip();
      const key = this.value();
      if (typeof key !== 'string') throw this.error('an object key');
      this.skip();
      if (this.text[this.pos] !== ':' && this.text[this.pos] !== '=') throw this.error("':'");
      this.pos += 1;
      setEntry(out, key, this.value());
    } while (this.comma() && !this.peek('}'));
    this.expect('}');
    return out;
  }

  private string(quote: string): string {
    let out = '';
    for (this.pos += 1; this.pos < this.text.length; this.pos += 1) {
      const ch = this.text[this.pos]!;
      if (ch === quote) {
        this.pos += 1;
        return out;
      }
      if (ch === '\\') {
        this.pos += 1;
        const next = this.text[this.pos] ?? '';
        out += ESCAPES[next] ?? next;
      } else out += ch;
    }
    throw this.error(`a closing ${quote}`);
  }

  private peek(ch: string): boolean {
    this.skip();
    return this.text[this.pos] === ch;
  }

  private expect(ch: string): void {
    this.skip();
    if (this.text[this.pos] !== ch) throw this.error(`'${ch}'`);
    this.pos += 1;
  }

  private skip(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos += 1;
  }

  private rest(): string {
    return this.text.slice(this.pos);
  }

  private error(expected: string): SyntaxError {
    return new SyntaxError(`expected ${expected} at position ${this.pos} of '${this.text}'`);
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
