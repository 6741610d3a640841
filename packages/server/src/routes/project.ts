import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';

/**
 * `GET /v1/project`: the reference's `ProjectIndex` (`project`, `modules` with `module`, `kind`,
 * `doc`, `widget`), where the modules are those the store holds records of (so a store written by
 * Python lists its modules too), each with `count`, how many records it has.
 *
 * @example
 * app.register(projectRoutes(context));
 */
export function projectRoutes(context: ServerContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/v1/project', async () => ({
      project: context.project.directory,
      storage: context.reader.store.storage.root,
      modules: (await context.modules.modules())
        .filter((entry) => entry.kind !== 'Execution' && entry.kind !== 'Project')
        .map((entry) => ({ module: entry.module, kind: entry.kind, doc: null, widget: false, count: entry.count })),
    }));
  };
}
