import { deepMerge } from '../config/layers.js';
import type { PlainObject } from '../config/plain.js';
import { KIND_FIELDS, type JsonObject } from '../format/model.js';
import { typedConfig } from '../identity/typed-config.js';
import type { JsonValue } from '../json/json.js';
import type { RecordDraft } from '../ports/store.js';
import { Element, resolutionOf, type ElementClass } from './element.js';
import { HANDLE } from './handle.js';
import type { Interface } from './interface.js';

/**
 * What a new record of an interface is made of, as the store needs it: its kind, module, keys,
 * predicate and contexts, its config layers (typed for the format), the modules it inherits from
 * and its kind's own fields (an execution's seed, nickname, resources). `moduleOf` names a class
 * as the project registered it.
 *
 * @example
 * await store.materialize(slot, draftOf(run, (cls) => modules.moduleOf(cls)));
 */
export function draftOf(instance: Interface<object>, moduleOf: (cls: ElementClass) => string, base: ElementClass): RecordDraft {
  const resolution = resolutionOf(instance);
  const { schema } = resolution;
  const { slot } = instance[HANDLE];
  const cls = instance.constructor as ElementClass;
  return {
    kind: cls.kind,
    module: instance.module,
    identityKey: instance.identityKey,
    predicateKey: instance.predicateKey,
    predicate: slot.predicate ?? {},
    context: (slot.context ?? []) as unknown as JsonValue[],
    version: resolution.version as JsonValue[],
    config: {
      default: typedConfig(resolution.defaults, schema) as JsonObject,
      version: resolution.version as JsonValue[],
      update: resolution.layers.reduce<PlainObject>(deepMerge, {}) as JsonObject,
      resolved: typedConfig(resolution.resolved, schema) as JsonObject,
    },
    inherits: inheritsOf(cls, moduleOf, base),
    extra: kindFields(instance, cls.kind),
  };
}

/** Base modules of a class, nearest first, up to machinable's `Interface` (`base`). */
function inheritsOf(cls: Function, moduleOf: (cls: ElementClass) => string, base: ElementClass): string[] {
  const out: string[] = [];
  for (let parent = Object.getPrototypeOf(cls) as Function; parent && parent !== Element && parent !== Function.prototype; parent = Object.getPrototypeOf(parent) as Function) {
    out.push(frameworkModuleOf(parent) ?? registeredModule(parent as ElementClass, moduleOf) ?? parent.name);
    if (parent === base) break;
  }
  return out;
}

function registeredModule(cls: ElementClass, moduleOf: (cls: ElementClass) => string): string | undefined {
  const module = moduleOf(cls);
  return module === cls.name ? undefined : module;
}

/** The module name machinable's own classes declare for `inherits` (`machinable.interface`), not inherited. */
function frameworkModuleOf(cls: Function): string | undefined {
  return Object.hasOwn(cls, 'frameworkModule') ? String((cls as { frameworkModule?: unknown }).frameworkModule) : undefined;
}

/** The fields a kind adds to the model (an execution's seed, nickname, resources; a manifest's entries). */
function kindFields(instance: Interface<object>, kind: string): JsonObject {
  const fields = KIND_FIELDS[kind];
  if (!fields) return {};
  const source = instance as unknown as Record<string, unknown>;
  const out: JsonObject = {};
  for (const field of fields) out[field] = (source[field] ?? null) as JsonValue;
  return out;
}
