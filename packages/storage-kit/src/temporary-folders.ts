import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Local folders a case makes (`machinable-kit-*` in the system's temporary folder), removed after it. */
export class TemporaryFolders {
  readonly #made: string[] = [];

  /** A fresh, empty folder. */
  make(): string {
    const folder = mkdtempSync(join(tmpdir(), 'machinable-kit-'));
    this.#made.push(folder);
    return folder;
  }

  /** Removes every folder made so far. */
  removeAll(): void {
    for (const folder of this.#made.splice(0)) rmSync(folder, { recursive: true, force: true });
  }
}
