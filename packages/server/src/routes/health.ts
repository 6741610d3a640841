import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';
import { boundedMap } from '../store/bounded-map.js';
import { SERVER_VERSION } from '../version.js';

/**
 * `GET /v1/health`: the reference's `HealthResponse` (status, version, project, projects,
 * executions_active, uptime_seconds), with `read_only` and `token_required` added.
 *
 * @example
 * app.register(healthRoutes(context));
 */
export function healthRoutes(context: ServerContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/v1/health', async () => {
      const { items } = await context.reader.search({ kind: 'Execution', limit: 200, include_hidden: true });
      const statuses = await boundedMap(items, async (row) => (await context.reader.runMarkers(row)).status);
      const active = statuses.filter((status) => status === 'live').length;
      return {
        status: 'ok',
        version: SERVER_VERSION,
        project: context.project.directory,
        projects: [context.project.directory],
        executions_active: active,
        uptime_seconds: (Date.now() - context.startedAt) / 1000,
        read_only: context.launcher === undefined,
        token_required: context.token !== undefined,
      };
    });
  };
}
