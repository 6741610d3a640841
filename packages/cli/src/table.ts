import { visible } from './visible.js';

/** The widest a table cell gets before it is cut (with `…`); a value longer than that is for `--json`. */
export const MAX_CELL_WIDTH = 60;

/**
 * A plain-text table: a header row, then one line per row, columns padded to their widest cell.
 * A cell is one line of at most `maxWidth` characters: longer ones end in `…`; line breaks,
 * escape sequences and other characters a terminal acts on are written out (`\n`, `\x1b`; see
 * {@link visible}), so no stored value can retitle the window, clear the screen or break a row,
 * and one record with a huge value (a version of 10,000 keys) cannot widen every row.
 */
export function formatTable(columns: readonly string[], rows: readonly (readonly string[])[], maxWidth = MAX_CELL_WIDTH): string {
  const clip = (cell: string): string => {
    const flat = visible(cell);
    return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 1)}…` : flat;
  };
  columns = columns.map(visible);
  const cells = rows.map((row) => row.map((cell) => clip(cell ?? '')));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    values
      .map((cell, i) => (i === values.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}
