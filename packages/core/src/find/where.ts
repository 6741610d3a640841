import { parseLiteral } from '../config/literal.js';
import { parseScalar } from '../config/scalar.js';
import { FindRequestError } from '../kernel/errors.js';
import type { JsonValue } from '../json/json.js';
import type { ConfigOp } from '../ports/index.js';

/** One condition of a find, as a builder or the command line writes it. */
export interface WhereClause {
  /** A dotted path (`lr`, `optimizer.name`, `layers[0]`), optionally prefixed `config.` or `predicate.`, or a column (`module`, `label`, `kind`, `created_by`). */
  readonly path: string;
  readonly op: ConfigOp;
  readonly value: JsonValue;
}

/** Operator symbols of a condition and what they stand for (`in` is written as a word: `lr in [0.1, 0.01]`). */
export const WHERE_OPERATORS: ReadonlyArray<readonly [symbol: string, op: ConfigOp]> = [
  ['=', 'eq'],
  ['==', 'eq'],
  ['!=', 'ne'],
  ['<', 'lt'],
  ['<=', 'lte'],
  ['>', 'gt'],
  ['>=', 'gte'],
  ['~', 'contains'],
  ['~~', 'like'],
];

/** The characters operators are made of; a value starting with one must be quoted. */
const OPERATOR_CHARS = '<>=!~';
const PATH = /^\s*([A-Za-z0-9_$][\w$.\-[\]]*)/;
const OPERATOR_RUN = /^\s*([<>=!~]+)/;
const IN_WORD = /^\s+in(?:\s+|$)/;

/** The operators, as error messages list them. */
export function operatorList(): string {
  return `${WHERE_OPERATORS.map(([symbol, op]) => `${symbol} (${op})`).join(', ')}, and 'in' between spaces (in)`;
}

/**
 * Parses a condition by the grammar of `--where` (docs/find.md):
 *
 * ```text
 * condition = path, [ws], operator, [ws], value | path, ws, "in", ws, list ;
 * operator  = "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "~~" ;
 * ```
 *
 * The operator is the whole run of the characters `< > = ! ~` after the path, and must be one of
 * those listed: `lr<>0.1`, `lr=<0.1` or `lr=>0.1` are errors, not a comparison with the text
 * `">0.1"`. A value starting with one of those characters is quoted (`note='=x'`). Everything
 * after the operator is the value, so a value may hold `=`, `>` or spaces (`label=a=b`). It is
 * read as `key=value` values are: a literal when it starts with `[`, `{`, `'` or `"`, else a
 * number, boolean or null where it is one, else text.
 *
 * @example
 * parseWhere('lr>0.01');            // { path: 'lr', op: 'gt', value: 0.01 }
 * parseWhere('name=warm up = on'); // { path: 'name', op: 'eq', value: 'warm up = on' }
 * parseWhere('lr<>0.1');            // FindRequestError: unknown operator '<>' ...
 */
export function parseWhere(text: string): WhereClause {
  const pathMatch = PATH.exec(text);
  const example = "e.g. lr>0.01, optimizer.name=adam, 'note~warm up', 'lr in [0.1, 0.01]'";
  if (!pathMatch) {
    throw new FindRequestError('where', `cannot read '${text}': write <path><operator><value>, the path first (letters, digits, _ $ . - [ ]), ${example}`);
  }
  const path = pathMatch[1]!;
  const rest = text.slice(pathMatch[0].length);
  const inMatch = IN_WORD.exec(rest);
  if (inMatch) {
    const valueText = rest.slice(inMatch[0].length).trim();
    const value = valueText.startsWith('[') ? literal(valueText, text) : valueText === '' ? [] : valueText.split(',').map((part) => valueOf(part.trim(), text));
    if (!Array.isArray(value)) throw new FindRequestError('where', `'${text}': in takes a list, e.g. 'lr in [0.1, 0.01]'`);
    return { path, op: 'in', value: value as JsonValue[] };
  }
  const opMatch = OPERATOR_RUN.exec(rest);
  if (!opMatch) {
    throw new FindRequestError('where', `cannot read '${text}': no operator after the path '${path}'; write <path><operator><value> with an operator of ${operatorList()}; ${example}`);
  }
  const symbol = opMatch[1]!;
  const op = WHERE_OPERATORS.find(([s]) => s === symbol)?.[1];
  if (op === undefined) {
    throw new FindRequestError('where', `unknown operator '${symbol}' in '${text}': the operators are ${operatorList()}; quote a value that starts with one of ${[...OPERATOR_CHARS].join(' ')} (e.g. note='=x')`);
  }
  const valueText = rest.slice(opMatch[0].length).trim();
  if (valueText !== '' && OPERATOR_CHARS.includes(valueText[0]!)) {
    throw new FindRequestError(
      'where',
      `cannot read '${text}': the value after '${symbol}' starts with '${valueText[0]}', as a mistyped operator would; the operators are ${operatorList()}; quote a value that starts with one of ${[...OPERATOR_CHARS].join(' ')} (e.g. ${path}${symbol}'${valueText}')`,
    );
  }
  return { path, op, value: valueOf(valueText, text) };
}

/**
 * The request operator of a builder's `where(path, op, value)`: a symbol of {@link WHERE_OPERATORS},
 * `in`, or a request's name (`eq`, `contains`, `like`, ...). Anything else is a `FindRequestError`
 * listing them.
 *
 * @example
 * whereOperator('!='); // 'ne'
 * whereOperator('<>'); // FindRequestError
 */
export function whereOperator(op: string): ConfigOp {
  const bySymbol = WHERE_OPERATORS.find(([symbol]) => symbol === op)?.[1];
  if (bySymbol !== undefined) return bySymbol;
  const names = new Set<string>(WHERE_OPERATORS.map(([, name]) => name));
  names.add('in');
  if (names.has(op)) return op as ConfigOp;
  throw new FindRequestError('where', `unknown operator '${op}': use one of ${operatorList()}, or a request's name of one (${[...names].join(', ')})`);
}

function valueOf(text: string, clause: string): JsonValue {
  return (/^[[{'"]/.test(text) ? literal(text, clause) : parseScalar(text)) as JsonValue;
}

function literal(text: string, clause: string): JsonValue {
  try {
    return parseLiteral(text) as JsonValue;
  } catch (error) {
    throw new FindRequestError('where', `cannot read the value of '${clause}': ${(error as Error).message}`);
  }
}
