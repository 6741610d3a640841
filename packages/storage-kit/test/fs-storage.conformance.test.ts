/**
 * The filesystem storage, the default adapter, against the whole contract: child processes open
 * the same root (`open-fs-storage.ts`), and a directory without a sentinel is one written with
 * node:fs, as a copy that skipped dot files leaves.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { FsStorage } from '@machinable/storage-fs';
import { describeStorageConformance } from '@machinable/storage-kit';

describeStorageConformance(
  'storage-fs',
  () => {
    const folder = mkdtempSync(join(tmpdir(), 'machinable-kit-'));
    const root = join(folder, 'storage');
    return { storage: new FsStorage({ root }), shared: root, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
  },
  {
    processes: { module: new URL('./open-fs-storage.js', import.meta.url) },
    sentinelless: ({ storage }, location, files) => {
      for (const [path, data] of files) {
        const file = join(storage.directory(location), path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, data);
      }
    },
  },
);
