import type { StoredRecord } from '../format/record.js';
import type { RecordSlot } from '../ports/store.js';

/** A fresh slot: nothing stored, nothing asked for yet. */
export function newSlot(): RecordSlot {
  return { parentId: null, pending: new Map() };
}

/** Points a slot at a stored record: its id, parent and predicate become the record's. */
export function bindSlot(slot: RecordSlot, stored: StoredRecord): void {
  slot.stored = stored;
  slot.id = stored.header.uuid;
  slot.parentId = stored.header.parent;
  slot.predicate = stored.model.predicate;
  slot.pending.clear();
}

