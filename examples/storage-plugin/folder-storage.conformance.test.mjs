// The conformance suite of @machinable/storage-kit against FolderStorage: `node --test` runs it.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeStorageConformance } from '@machinable/storage-kit';
import { FolderStorage } from './folder-storage.mjs';

describeStorageConformance(
  'FolderStorage',
  () => {
    const folder = mkdtempSync(join(tmpdir(), 'machinable-folder-'));
    const root = join(folder, 'records');
    return { storage: new FolderStorage({ root }), shared: root, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
  },
  {
    // Child processes open the same folder, for the cases that race several processes.
    processes: { module: new URL('./folder-storage.mjs', import.meta.url) },
    // A copy that skipped dot files: a record's files without its sentinel.
    sentinelless: async ({ storage }, location, files) => {
      for (const [path, data] of files) {
        const file = join(storage.directory(location), path);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, data);
      }
    },
  },
);
