import { CorruptRecordError } from '../kernel/errors.js';
import { checkHeader, type RecordHeader } from './header.js';
import { JsonSyntaxError, parseJson, type JsonValue } from '../json/json.js';
import { HEADER_FILE, MODEL_FILE } from './layout.js';
import { checkModel, type JsonObject, type RecordModel } from './model.js';
import { timestampNs } from './timestamp.js';

/** A record as read back from its directory. */
export interface StoredRecord {
  readonly header: RecordHeader;
  readonly model: RecordModel;
  /** `model.json` as parsed, unknown fields included: what a label change rewrites. */
  readonly modelJson: JsonObject;
  /** Where it lives (a storage location, e.g. `file:///abs/dir`). */
  readonly location: string;
  /** `updated_at`, in epoch nanoseconds; undefined when the record has none. */
  readonly updatedAtNs: bigint | undefined;
}

/** The texts of a record's format files; undefined for a missing file. */
export interface RecordTexts {
  readonly header: string | undefined;
  readonly model: string | undefined;
  readonly updatedAt?: string | undefined;
}

/**
 * Reads a record from its format files, checked as the reference checks them: a header and a
 * model that parse, have the format's shape, and name the same record id. Every problem is a
 * `CorruptRecordError` naming the file (`where` is the directory, for the message).
 */
export function readRecord(texts: RecordTexts, location: string, where: string = location): StoredRecord {
  const headerFile = `${where}/${HEADER_FILE}`;
  const modelFile = `${where}/${MODEL_FILE}`;
  if (texts.header === undefined) throw new CorruptRecordError(headerFile, 'missing: a format-v1 record has an id.json header');
  if (texts.model === undefined) throw new CorruptRecordError(modelFile, 'missing: a record has a model.json');
  const header = checkHeader(parse(texts.header, headerFile), headerFile);
  const modelJson = parse(texts.model, modelFile);
  const model = checkModel(modelJson, modelFile);
  if (model.uuid !== header.uuid) {
    throw new CorruptRecordError(where, `id.json uuid '${header.uuid}' does not match model.json uuid '${model.uuid}'`);
  }
  return {
    header,
    model,
    modelJson: modelJson as JsonObject,
    location,
    updatedAtNs: texts.updatedAt === undefined ? undefined : timestampNs(texts.updatedAt),
  };
}

function parse(text: string, file: string): JsonValue {
  try {
    return parseJson(text);
  } catch (error) {
    const reason = error instanceof JsonSyntaxError ? error.message : String(error);
    throw new CorruptRecordError(file, `not valid JSON (${reason})`);
  }
}
