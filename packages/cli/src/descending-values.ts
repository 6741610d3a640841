/**
 * oclif takes a flag's value that looks like one of the command's flags for a missing value:
 * `--sort=-created` reads as `--sort` followed by `-c` (`--columns`) and fails with "Flag --sort
 * expects a value". A descending sort term starts with `-` by design, so such values are wrapped
 * before oclif parses the command line and unwrapped after.
 */

/** Marks a value that began with `-`; no sort term holds it (it is not printable text). */
const MARK = '\u0000desc\u0000';

/**
 * The command line with each `--<flag>=-value` and `--<flag> -value` of the named flags written so
 * that oclif reads `-value` as the value; {@link unwrapDescending} gives the value back.
 *
 * @example
 * wrapDescending(['--sort=-created'], ['sort']); // ['--sort=\u0000desc\u0000created']
 */
export function wrapDescending(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = flags.find((flag) => arg === `--${flag}` || arg.startsWith(`--${flag}=-`));
    if (name !== undefined && arg === `--${name}` && argv[i + 1]?.startsWith('-') && argv[i + 1] !== '-' && !argv[i + 1]!.startsWith('--')) {
      out.push(`--${name}=${MARK}${argv[i + 1]!.slice(1)}`);
      i++;
    } else if (name !== undefined && arg.startsWith(`--${name}=-`)) {
      out.push(`--${name}=${MARK}${arg.slice(name.length + 4)}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * A value as the user wrote it: `-created` again for one {@link wrapDescending} wrapped.
 *
 * @example
 * unwrapDescending('\u0000desc\u0000created'); // '-created'
 */
export function unwrapDescending(value: string): string {
  return value.startsWith(MARK) ? `-${value.slice(MARK.length)}` : value;
}
