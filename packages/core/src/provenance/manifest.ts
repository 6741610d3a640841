import type { JsonValue } from '../json/json.js';
import type { JsonObject } from '../format/model.js';
import { Interface } from '../interface/interface.js';
import type { ManifestEntry } from './code-state.js';

/**
 * The code state a run used, as a record of kind `Manifest` (the reference's): its `entries`
 * name the git commit (and a fingerprint of uncommitted changes) and the installed package
 * versions. Its identity is the entries' tokens, so every run at one code state uses one
 * manifest record; a run record points at it with a `uses` edge.
 */
export class Manifest extends Interface<Record<string, unknown>> {
  static override kind = 'Manifest';
  static override module = 'machinable.manifest';
  static override readonly frameworkModule: string = 'machinable.manifest';

  #entries: readonly ManifestEntry[] = [];

  /** The captured entries (`{ provider, component, token, meta }`). */
  get entries(): readonly ManifestEntry[] {
    const stored = this.record;
    return stored ? ((stored.model.extra['entries'] ?? []) as unknown as ManifestEntry[]) : this.#entries;
  }

  /** Sets the entries of a manifest not stored yet. @internal */
  setEntries(entries: readonly ManifestEntry[]): this {
    this.#entries = entries;
    return this;
  }

  /** Content-addressed by the tokens alone: a branch name or a remote never splits a code state. */
  override onComputePredicate(): Record<string, unknown> {
    return { entries: this.entries.map(({ provider, component, token }) => ({ provider, component, token })) as JsonValue[] };
  }

  /** One line per entry: `git 1a2b3c4d (dirty)`, `npm 12 packages`. */
  describe(): string[] {
    return this.entries.map((entry) => {
      const token = entry.token as JsonObject;
      if (entry.provider === 'git' && typeof token['commit'] === 'string') return `git ${token['commit'].slice(0, 8)}${token['dirty'] === true ? ' (dirty)' : ''}`;
      if (entry.provider === 'npm') return `npm ${Object.keys((token['packages'] ?? {}) as JsonObject).length} packages`;
      return `${entry.provider} ${JSON.stringify(token)}`;
    });
  }
}
