// A storage adapter as a plugin author writes one: record directories in a folder, through
// node:fs/promises, so every method answers with a promise (what an adapter over a remote service
// does). The rules it keeps are the `Storage` contract of @machinable/core/storage; the
// conformance suite of @machinable/storage-kit checks them (folder-storage.conformance.test.mjs).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, cp, link, mkdir, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { RecordExistsError, RecordNotFoundError, RecordPathError, HEADER_FILE, SENTINEL_FILE, TEMPORARY_PREFIX } from '@machinable/core/storage';

/** @typedef {import('@machinable/core/storage').Storage} Storage */

const PREFIX = 'folder://';

/** @implements {Storage} */
export class FolderStorage {
  /** @param {{ root: string }} options */
  constructor(options) {
    this.root = resolve(options.root);
    this.id = 'folder';
  }

  locate(segments, parent) {
    for (const segment of segments) {
      if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment) || segment.startsWith(TEMPORARY_PREFIX)) {
        throw new RecordPathError(segment, 'a record path segment must be one plain name');
      }
    }
    const base = parent === undefined ? this.root : this.path(parent);
    return PREFIX + join(base, ...segments);
  }

  directory(location) {
    return this.path(location);
  }

  async create(location, files) {
    const target = this.path(location);
    await mkdir(dirname(target), { recursive: true });
    // Everything goes into a hidden sibling first, renamed into place in one step: all or nothing.
    const temporary = join(dirname(target), `${TEMPORARY_PREFIX}${randomBytes(6).toString('hex')}`);
    await mkdir(temporary);
    try {
      const ordered = [...files.keys()].sort((a, b) => Number(a === SENTINEL_FILE) - Number(b === SENTINEL_FILE));
      for (const path of ordered) {
        const file = join(temporary, this.relative(path));
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, files.get(path));
      }
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      if (['EEXIST', 'ENOTEMPTY', 'ENOTDIR'].includes(error?.code)) throw new RecordExistsError(location);
      throw error;
    }
  }

  async readFile(location, path) {
    try {
      return await readFile(join(this.path(location), this.relative(path)));
    } catch (error) {
      if (error?.code === 'ENOENT' || error?.code === 'ENOTDIR' || error?.code === 'EISDIR') return undefined;
      throw error;
    }
  }

  async hasFile(location, path) {
    return stat(join(this.path(location), this.relative(path))).then((found) => found.isFile(), () => false);
  }

  async copyIn(directory, location) {
    const target = this.path(location);
    await mkdir(dirname(target), { recursive: true });
    const temporary = join(dirname(target), `${TEMPORARY_PREFIX}${randomBytes(6).toString('hex')}`);
    try {
      await cp(directory, temporary, { recursive: true, errorOnExist: true, force: false });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      if (['EEXIST', 'ENOTEMPTY', 'ENOTDIR'].includes(error?.code)) throw new RecordExistsError(location);
      throw error;
    }
  }

  async writeFile(location, path, data) {
    const file = await this.writable(location, path, true);
    // Temporary file and rename: a reader sees the old bytes or the new.
    const temporary = join(dirname(file), `${TEMPORARY_PREFIX}${randomBytes(6).toString('hex')}`);
    await writeFile(temporary, data);
    await rename(temporary, file);
  }

  async appendFile(location, path, text) {
    // One append call: the lines of concurrent appenders stay whole.
    await appendFile(await this.writable(location, path, false), text);
  }

  async createFile(location, path, data) {
    const file = await this.writable(location, path, false);
    const temporary = join(dirname(file), `${TEMPORARY_PREFIX}${randomBytes(6).toString('hex')}`);
    await writeFile(temporary, data);
    try {
      await link(temporary, file); // fails if the name exists, atomically, across processes
      return true;
    } catch (error) {
      if (error?.code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  async removeFile(location, path) {
    try {
      await unlink(join(this.path(location), this.relative(path)));
      return true;
    } catch (error) {
      if (['ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(error?.code)) return false;
      throw error;
    }
  }

  async files(location) {
    const out = [];
    const walk = async (directory, prefix) => {
      let entries;
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (entry.name.startsWith(TEMPORARY_PREFIX)) continue;
        const full = join(directory, entry.name);
        if (entry.isDirectory()) {
          if (!existsSync(join(full, SENTINEL_FILE))) await walk(full, `${prefix}${entry.name}/`);
        } else out.push(`${prefix}${entry.name}`);
      }
    };
    await walk(this.path(location), '');
    return out.sort();
  }

  async exists(location) {
    return stat(join(this.path(location), SENTINEL_FILE)).then(() => true, () => false);
  }

  async *walk(location) {
    const start = location === undefined ? this.root : this.path(location);
    const stack = [start];
    while (stack.length > 0) {
      const directory = stack.pop();
      let entries;
      try {
        entries = readdirSync(directory, { withFileTypes: true });
      } catch {
        continue;
      }
      const names = new Set(entries.map((entry) => entry.name));
      if ((directory !== this.root || location !== undefined) && (names.has(SENTINEL_FILE) || names.has(HEADER_FILE))) {
        yield { location: PREFIX + directory, sentinel: names.has(SENTINEL_FILE) };
      }
      const children = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith(TEMPORARY_PREFIX) && entry.name !== 'related').map((entry) => entry.name).sort();
      for (let i = children.length - 1; i >= 0; i--) stack.push(join(directory, children[i]));
    }
  }

  async remove(location) {
    const target = this.path(location);
    const doomed = join(dirname(target), `${TEMPORARY_PREFIX}${randomBytes(6).toString('hex')}`);
    try {
      await rename(target, doomed);
    } catch (error) {
      if (error?.code === 'ENOENT') return;
      throw error;
    }
    await rm(doomed, { recursive: true, force: true });
  }

  /** The folder of a location. */
  path(location) {
    if (!location.startsWith(PREFIX)) throw new RecordPathError(location, `not a location of this storage (${PREFIX}…)`);
    return location.slice(PREFIX.length);
  }

  /** A file path of a record, checked: relative, inside the record, no temporary entry. */
  relative(path) {
    const parts = path.split('/');
    if (path === '' || path.startsWith('/') || parts.some((part) => part === '' || part === '.' || part === '..' || part.startsWith(TEMPORARY_PREFIX))) {
      throw new RecordPathError(path, 'a file of a record is a relative path inside it, without "..", empty or temporary parts');
    }
    return parts.join(sep);
  }

  /** Where a write goes; an error unless a record is there (a write never makes a record appear). */
  async writable(location, path, replacing) {
    const relative = this.relative(path);
    if (replacing && (relative === SENTINEL_FILE || relative === HEADER_FILE)) throw new RecordPathError(path, `${relative} is fixed when a record is created`);
    if (relative === SENTINEL_FILE || relative === HEADER_FILE) throw new RecordPathError(path, `${relative} is fixed when a record is created`);
    const directory = this.path(location);
    if (!(await this.exists(location))) throw new RecordNotFoundError(`cannot write ${path}: there is no record at ${directory}`);
    const file = join(directory, relative);
    await mkdir(dirname(file), { recursive: true });
    return file;
  }
}

/** What a child process of the conformance suite opens (see the test). */
export function openStorage(root) {
  return new FolderStorage({ root });
}
