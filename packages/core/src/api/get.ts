import type { VersionSpec } from '../config/version.js';
import type { GetQuery } from '../find/get-query.js';
import type { Element } from '../interface/element.js';
import { Interface } from '../interface/interface.js';
import type { Target } from '../interface/session.js';
import { Project } from '../project/project.js';

/**
 * Finds the stored record with the same module, config and predicate in the current project, or
 * returns a fresh, unmaterialized interface configured with `version`.
 *
 * @example
 * const run = await get('train', ['~adam', { seed: 1 }]);
 * await run.launch(); // computes once; later get()s reload it
 */
export function get<T extends Element<object> = Interface>(target: Target<T>, version?: VersionSpec): GetQuery<T> {
  return Project.current().get(target, version);
}

/** Loads a stored interface of the current project by record id. */
get.byId = function byId<T extends Interface<object> = Interface>(id: string): Promise<T> {
  return Project.current().byId<T>(id);
};

/** Loads the record stored in a directory. */
get.fromDirectory = (path: string): Promise<Interface> => Interface.fromDirectory(path);
