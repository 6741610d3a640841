import { FindQuery } from '../find/find.js';
import type { FindRequest } from '../ports/index.js';
import { Project } from '../project/project.js';

/**
 * A find over the current project's index: the reference's `FindRequest` (keys as the reference
 * spells them), refined with the builder's calls. See `FindQuery`.
 *
 * @example
 * const { items, total } = await find({ module: 'train', label: 'baseline' });
 * const best = await find({ module: 'train' }).where('lr>0.01').sort('result.json:loss').limit(5).rows(['id', 'config.lr', 'result.json:loss']);
 */
export function find(request: FindRequest = {}): FindQuery {
  return Project.current().find(request);
}
