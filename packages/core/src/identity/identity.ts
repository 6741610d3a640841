import { sha256Hex } from '../kernel/sha256.js';
import type { PlainObject } from '../config/plain.js';
import type { ConfigSchema } from '../config/schema.js';
import { canonicalConfig } from './canonical.js';
import { canonicalJson } from '../json/canonical-json.js';
import { typedConfig } from './typed-config.js';

/** Length of an identity key: the first 24 hex characters of the sha256. */
export const IDENTITY_KEY_LENGTH = 24;

/**
 * `sha256(canonicalJson({ module, config }))`, first 24 hex characters: the key that makes asking
 * for the same run twice find the stored one. `config` is already canonical (and typed).
 *
 * @example
 * identityKey('train', { seed: new PyFloat(1) }); // 24 hex chars, equal to Python's
 */
export function identityKey(module: string, canonical: PlainObject): string {
  return sha256Hex(canonicalJson({ module, config: canonical })).slice(0, IDENTITY_KEY_LENGTH);
}


/** The identity of a resolved config of a module. */
export interface ConfigIdentity {
  /** The canonical config, typed for hashing (float fields as `PyFloat`). */
  readonly canonical: PlainObject;
  /** The exact text that was hashed. */
  readonly json: string;
  readonly key: string;
}

/**
 * Canonicalises a resolved config against its schema's defaults and exclusions and hashes it.
 *
 * @example
 * const { resolved, schema } = resolveConfig(TrainConfig, { seed: 1 });
 * configIdentity('train', resolved, schema).key;
 */
export function configIdentity(module: string, resolved: PlainObject, schema: ConfigSchema): ConfigIdentity {
  const canonical = typedConfig(canonicalConfig(resolved, schema.defaults, schema.excluded), schema);
  const json = canonicalJson({ module, config: canonical });
  return { canonical, json, key: sha256Hex(json).slice(0, IDENTITY_KEY_LENGTH) };
}
