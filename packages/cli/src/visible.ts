/**
 * Characters a terminal acts on rather than shows: C0 controls (ESC starts a sequence that can
 * retitle the window or clear the screen), DEL, C1 controls (U+0080–U+009F; U+009B is a
 * one-byte CSI), the line and paragraph separators, and the bidirectional controls that reorder
 * what follows them (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text as a terminal should print it in a table or a message: each character a terminal would act
 * on written out instead (`\n`, `\r`, `\t`, `\x1b`, `\x9b`, `\u202e`), everything else as it is.
 * For what a person reads (tables, one-line messages); `--json` and CSV keep values exact.
 *
 * @example
 * visible('a\u001b]0;pwned\u0007b'); // 'a\\x1b]0;pwned\\x07b'
 */
export function visible(text: string): string {
  return text.replace(ACTIVE, (char) => {
    const named = NAMED[char];
    if (named !== undefined) return named;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
