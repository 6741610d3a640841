import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { expectBytes, walked } from '../answers.js';
import type { DefineCase } from '../case-context.js';
import { recordFiles } from '../record-files.js';

/** File names beyond ASCII: accents, CJK, emoji (astral, joined, with a variation selector). */
const UNICODE_FILES: Readonly<Record<string, string>> = {
  'résumé/naïve café.txt': 'crème brûlée',
  '日本語/データ.json': '{"値": "テスト"}',
  'emoji-🚀🧪.txt': '🚀 launched 🧪 tested 👩‍🔬 ❤️',
  'Ελληνικά и кириллица.md': 'αβγ где',
};

/** Names, contents and sizes an adapter must carry unchanged. */
export function namesAndSizesCases(define: DefineCase): void {
  define('unicode: non-ASCII and emoji file names and contents round-trip through create, writeFile, appendFile and createFile', async ({ storage }) => {
    const location = storage.locate(['kit', 'record']);
    await storage.create(location, recordFiles(UNICODE_FILES));
    await storage.writeFile(location, 'écrit/🚀.txt', 'écrit 🚀');
    await storage.appendFile(location, 'journal-日誌.log', 'ligne ①\n');
    await storage.appendFile(location, 'journal-日誌.log', 'ligne ② 🧪\n');
    assert.equal(await storage.createFile(location, 'réclamé-✋', 'à moi'), true);
    const expected = { ...UNICODE_FILES, 'écrit/🚀.txt': 'écrit 🚀', 'journal-日誌.log': 'ligne ①\nligne ② 🧪\n', 'réclamé-✋': 'à moi' };
    for (const [path, text] of Object.entries(expected)) expectBytes(await storage.readFile(location, path), text, path);
    assert.deepEqual(await storage.files(location), [...recordFiles(expected).keys()].sort());
  });

  define('unicode: a record at non-ASCII and emoji segments is created, walked, read and removed', async ({ storage, record }) => {
    const location = await record(['ünïcödé', '🚀-記録'], { 'result.json': 'ok' });
    const child = await record(['子ども-👶'], {}, location);
    assert.equal(await storage.exists(location), true);
    expectBytes(await storage.readFile(location, 'result.json'), 'ok', 'result.json');
    assert.deepEqual(await walked(storage), [{ location, sentinel: true }, { location: child, sentinel: true }]);
    await storage.remove(location);
    assert.deepEqual(await walked(storage), []);
  });

  define('long names: a long file name and a long segment round-trip', async ({ storage, record, options }) => {
    const long = 'n'.repeat(options.longNameLength - 4) + '.txt';
    const segment = 's'.repeat(options.longNameLength);
    const location = await record(['kit', segment], { [long]: 'created' });
    assert.equal(await storage.exists(location), true);
    expectBytes(await storage.readFile(location, long), 'created', 'a long name created');
    await storage.writeFile(location, long, 'written');
    expectBytes(await storage.readFile(location, long), 'written', 'a long name written');
    await storage.appendFile(location, `dir/${long}`, 'appended');
    assert.equal(await storage.createFile(location, `claims/${long}`, 'claimed'), true);
    const files = await storage.files(location);
    for (const path of [long, `dir/${long}`, `claims/${long}`]) assert.ok(files.includes(path), `files() is missing the long name ${path.length} characters`);
    assert.deepEqual(await walked(storage), [{ location, sentinel: true }]);
  });

  define('large files: a large file round-trips byte for byte through create, writeFile, createFile and appendFile', async ({ storage, options }) => {
    const size = options.largeFileBytes;
    const location = storage.locate(['kit', 'record']);
    const created = randomBytes(size);
    await storage.create(location, recordFiles({ 'large/created.bin': created }));
    expectBytes(await storage.readFile(location, 'large/created.bin'), created, 'a large file create() wrote');
    const written = randomBytes(size + 1);
    await storage.writeFile(location, 'large/created.bin', written);
    expectBytes(await storage.readFile(location, 'large/created.bin'), written, 'a large file writeFile() replaced');
    const claimed = randomBytes(size);
    assert.equal(await storage.createFile(location, 'large/claimed.bin', claimed), true);
    expectBytes(await storage.readFile(location, 'large/claimed.bin'), claimed, 'a large file createFile() wrote');
    // Text of every width of UTF-8 (1 to 4 bytes a character), twice.
    const text = 'a-é-€-😀\n'.repeat(Math.ceil(size / 2 / 12));
    await storage.appendFile(location, 'large/appended.txt', text);
    await storage.appendFile(location, 'large/appended.txt', text);
    expectBytes(await storage.readFile(location, 'large/appended.txt'), text + text, 'a large text appended twice');
  });
}
