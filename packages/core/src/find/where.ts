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

/** Operator symbols, longest first, and what they stand for. */
export const WHERE_OPERATORS: ReadonlyArray<readonly [symbol: string, op: ConfigOp]> = [
  ['>=', 'gte'],
  ['<=', 'lte'],
  ['!=', 'ne'],
  ['==', 'eq'],
  ['=', 'eq'],
  ['>', 'gt'],
  ['<', 'lt'],
  ['~', 'contains'],
];

const CLAUSE = /^\s*([A-Za-z0-9_$][\w$.\-[\]]*?)\s*(>=|<=|!=|==|=|>|<|~|\s+in\s+)([\s\S]*)$/;

/**
 * Parses a condition `<path><op><value>`: `lr>0.01`, `optimizer.name=adam`, `note~warm up`,
 * `lr in [0.1, 0.01]` (or `lr in 0.1,0.01`). The operator is the first one after the path, so a
 * value may hold `=`, `>` or spaces (`label=a=b`). The value is read as `key=value` values are: a
 * literal when it starts with `[`, `{`, `'` or `"`, else a number, boolean or null where it is one,
 * else text.
 *
 * @example
 * parseWhere('lr>0.01');            // { path: 'lr', op: 'gt', value: 0.01 }
 * parseWhere('name=warm up = on'); // { path: 'name', op: 'eq', value: 'warm up = on' }
 */
export function parseWhere(text: string): WhereClause {
  const match = CLAUSE.exec(text);
  if (!match) {
    throw new FindRequestError(
      'where',
      `cannot read '${text}': write <path><op><value> with op one of ${WHERE_OPERATORS.map(([s]) => s).join(' ')} or ' in ', e.g. lr>0.01, optimizer.name=adam, 'lr in [0.1, 0.01]'`,
    );
  }
  const [, path = '', symbol = '', rest = ''] = match;
  const op = symbol.trim() === 'in' ? 'in' : WHERE_OPERATORS.find(([s]) => s === symbol)![1];
  const valueText = rest.trim();
  if (op === 'in') {
    const value = /^[[]/.test(valueText) ? literal(valueText, text) : valueText.split(',').map((part) => valueOf(part.trim(), text));
    if (!Array.isArray(value)) throw new FindRequestError('where', `'${text}': in takes a list, e.g. 'lr in [0.1, 0.01]'`);
    return { path, op, value: value as JsonValue[] };
  }
  return { path, op, value: valueOf(valueText, text) };
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
