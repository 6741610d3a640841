/**
 * A `Storage` kept in memory, for index tests that must not depend on @machinable/storage-fs.
 * Locations are `mem:<root>/<uuid>` inside storage; anything else is "outside" (see `place`).
 */
import { randomUUID } from 'node:crypto';

import {
  CorruptRecordError,
  RECORD_FORMAT,
  type RecordId,
  type RecordModel,
  type Storage,
  type StoredRecord,
} from '@machinable/core';

interface Held {
  record: StoredRecord;
  files: Map<string, Buffer>;
  /** When set, `find()` throws `CorruptRecordError` with this reason. */
  corrupt?: string;
}

export class MemoryStorage implements Storage {
  readonly root: string;
  private readonly records = new Map<string, Held>();
  /** Records at locations outside storage (a colleague's directory), by location. */
  private readonly outside = new Map<string, StoredRecord>();

  constructor(root = 'mem:store') {
    this.root = root;
  }

  create(id: RecordId, model: RecordModel, files: ReadonlyMap<string, Uint8Array> = new Map(), createdAt = new Date().toISOString()): StoredRecord {
    if (this.records.has(id.uuid)) throw new Error(`record ${id.uuid} exists`);
    const record: StoredRecord = { id, model, location: this.directory(id.uuid), createdAt };
    this.records.set(id.uuid, {
      record,
      files: new Map([...files].map(([path, data]) => [path, Buffer.from(data)])),
    });
    return record;
  }

  find(uuid: string): StoredRecord | undefined {
    const held = this.records.get(uuid);
    if (held?.corrupt) throw new CorruptRecordError(`${this.directory(uuid)}/model.json`, held.corrupt);
    return held?.record;
  }

  read(location: string): StoredRecord {
    const inside = this.insideUuid(location);
    const record = inside === undefined ? this.outside.get(location) : this.find(inside);
    if (!record) throw new Error(`no record at ${location}`);
    return record;
  }

  list(): Iterable<string> {
    return this.records.keys();
  }

  directory(uuid: string): string {
    return `${this.root}/${uuid}`;
  }

  writeFile(uuid: string, path: string, data: Uint8Array | string): void {
    this.held(uuid).files.set(path, Buffer.from(data));
  }

  readFile(uuid: string, path: string): Buffer | undefined {
    return this.held(uuid).files.get(path);
  }

  appendLine(uuid: string, path: string, line: string): void {
    const files = this.held(uuid).files;
    files.set(path, Buffer.concat([files.get(path) ?? Buffer.alloc(0), Buffer.from(`${line}\n`)]));
  }

  adopt(location: string): StoredRecord {
    const inside = this.insideUuid(location);
    if (inside !== undefined) return this.read(location);
    const record = this.read(location);
    // Like a directory copy onto an existing name: what storage holds wins, the caller compares.
    return this.find(record.id.uuid) ?? this.create(record.id, record.model, new Map(), record.createdAt);
  }

  remove(uuid: string): void {
    this.records.delete(uuid);
  }

  /** Puts a record at a location outside storage, to be read or adopted from there. */
  place(location: string, record: Omit<StoredRecord, 'location'>): void {
    this.outside.set(location, { ...record, location });
  }

  /** Makes `find(uuid)` throw `CorruptRecordError`, as a half-broken `model.json` would. */
  corrupt(uuid: string, reason = 'not valid JSON'): void {
    this.held(uuid).corrupt = reason;
  }

  private held(uuid: string): Held {
    const held = this.records.get(uuid);
    if (!held) throw new Error(`no record ${uuid}`);
    return held;
  }

  private insideUuid(location: string): string | undefined {
    const prefix = `${this.root}/`;
    return location.startsWith(prefix) ? location.slice(prefix.length) : undefined;
  }
}

/** A record's id and model with test defaults; override what the test is about. */
export function makeRecord(
  fields: Partial<Omit<RecordId, 'format'>> & { module?: string; createdAt?: string } = {},
): { id: RecordId; model: RecordModel; createdAt: string } {
  const id: RecordId = {
    format: RECORD_FORMAT,
    uuid: fields.uuid ?? randomUUID(),
    kind: fields.kind ?? 'Interface',
    identity_key: fields.identity_key ?? 'a'.repeat(24),
    predicate_key: fields.predicate_key ?? 'b'.repeat(24),
    parent: fields.parent ?? null,
  };
  const model: RecordModel = {
    module: fields.module ?? 'train',
    config: { default: {}, version: [], update: {}, resolved: {} },
    version: [],
    predicate: {},
    context: {},
    inherits: ['Interface'],
  };
  return { id, model, createdAt: fields.createdAt ?? new Date().toISOString() };
}
