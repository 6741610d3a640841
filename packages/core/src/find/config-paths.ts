import { closest } from '../config/suggest.js';
import { compileSchema } from '../config/schema.js';
import type { ConfigSchema } from '../config/schema-types.js';
import { describeType, type ValueType } from '../config/value-type.js';
import type { ConfigClass } from '../config/metadata.js';
import { FindRequestError } from '../kernel/errors.js';
import type { ConfigLayerName } from '../ports/index.js';

/** Keys every stored `resolved` config has besides the declared fields (the reference's bookkeeping of its layers). */
const LAYER_KEYS = ['_default_', '_version_', '_update_'];

/**
 * Checks that a config path of a find (`lr`, `optimizer.name`, `layers[0].width`) names a value
 * the module's config declares: a condition or sort term on a misspelt key would otherwise match
 * nothing (or sort by nothing) without a word. Below a free-form value (`type: 'json'`, a
 * record, a config with `extra: 'allow'`) any path is accepted. The `version` layer (a list of
 * what was given) is not checked. Throws a `FindRequestError` naming the path, the config and,
 * where one is close, the key that was meant.
 *
 * @example
 * checkConfigPath(TrainConfig, 'lrr', 'where lrr', 'train'); // FindRequestError: ... did you mean 'lr'?
 */
export function checkConfigPath(config: ConfigClass, path: string, where: string, module: string, layer: ConfigLayerName = 'resolved'): void {
  if (layer === 'version') return;
  const segments = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) => match[1] ?? Number(match[2]));
  if (layer === 'resolved' && typeof segments[0] === 'string' && LAYER_KEYS.includes(segments[0])) return;
  let schema: ConfigSchema | undefined = compileSchema(config);
  let type: ValueType | undefined;
  for (const [i, segment] of segments.entries()) {
    const walked = segments.slice(0, i).reduce<string>((text, s) => (typeof s === 'number' ? `${text}[${s}]` : text ? `${text}.${s}` : s), '');
    if (schema) {
      if (schema.extra === 'allow') return;
      const field = typeof segment === 'string' ? schema.fields.get(segment) : undefined;
      if (!field) {
        const declared = [...schema.fields.keys()];
        const near = typeof segment === 'string' ? closest(segment, declared) : undefined;
        const inside = walked ? `${walked} (config ${schema.name})` : `the config of ${module} (${schema.name})`;
        throw new FindRequestError(
          where,
          `${inside} declares no '${segment}'${near ? `; did you mean '${walked ? `${walked}.` : ''}${near}'?` : ''} (declared: ${declared.join(', ') || 'none'}); a condition on a key that is not there matches nothing. Result values are <file>:<path> (result.json:loss), columns and predicate.<path> are not checked`,
        );
      }
      type = field.type;
      schema = undefined;
    } else if (type && (type.kind === 'array' || type.kind === 'record')) {
      type = type.of;
    } else if (type && type.kind !== 'json') {
      throw new FindRequestError(where, `${walked} of ${module}'s config is a ${describeType(type)} and has no '${segment}'; write the path to a value it holds, or to the value itself`);
    }
    if (type?.kind === 'json') return;
    if (type?.kind === 'config') schema = compileSchema(type.target);
  }
}
