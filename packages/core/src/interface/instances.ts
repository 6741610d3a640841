/**
 * Making interface instances, shared by `get()` and an interface's own relation methods
 * (`derive()`, `ancestor`, `uses()`, ...). Imports the Interface class as a type only, so
 * interface.ts can use it without an import cycle.
 */
import type { VersionSpec } from '../config/version.js';
import type { Index, IndexEntry } from '../index/index.js';
import type { Project } from '../project/project.js';
import type { StoredRecord } from '../record/record.js';
import type { Storage } from '../storage/storage.js';
import type { Element, ElementClass } from './element.js';
import type { Interface } from './interface.js';
import { BIND, CONFIGURE, HYDRATE } from './internal.js';

/** What `get()` and `derive()` accept: a module name or an interface class. */
export type Target<T extends Element> = string | ElementClass<T>;

/** A fresh instance of the target, configured with `version` (nothing looked up yet). */
export async function configured<T extends Element>(project: Project, target: Target<T>, version: VersionSpec): Promise<T> {
  const cls = typeof target === 'string' ? ((await project.load(target)) as ElementClass<T>) : target;
  const module = typeof target === 'string' ? target : project.moduleOf(cls);
  if (typeof target !== 'string') project.register(module, cls);
  return (await project.instantiate(cls))[CONFIGURE](module, version);
}

/** An instance of the record's module (its class loaded), bound to the record. */
export async function hydrated<T extends Interface = Interface>(project: Project, storage: Storage, index: Index, record: StoredRecord): Promise<T> {
  const cls = await project.load(record.model.module);
  const instance = (await project.instantiate(cls)) as unknown as T;
  instance[BIND](project, storage, index);
  return instance[HYDRATE](record, storage, index);
}

/** The stored record of an index entry; an entry whose directory was deleted is dropped from the index. */
export function storedOrForget(entry: IndexEntry, storage: Storage, index: Index): StoredRecord | undefined {
  const record = storage.find(entry.uuid);
  if (!record) index.remove(entry.uuid);
  return record;
}
