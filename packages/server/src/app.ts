import { FindRequestError, MachinableError, pyJson } from '@machinable/core';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { executionRoutes } from './routes/executions.js';
import { healthRoutes } from './routes/health.js';
import { interfaceRoutes } from './routes/interfaces.js';
import { launchRoutes } from './routes/launch.js';
import { projectRoutes } from './routes/project.js';
import { searchRoutes } from './routes/search.js';
import { guard } from './security/guard.js';
import type { ServerContext } from './server-context.js';

/**
 * The HTTP application over a project's store: the guard (host, token, origin) before every
 * route, the JSON API under `/v1` and the dashboard at `/`. Replies are JSON as Python's
 * machinable writes it (`1.0` stays a float, 64-bit integers keep their digits); errors are
 * `{ "detail": "…" }` with their status, as the reference's API answers.
 *
 * @example
 * const app = await createApp(context);
 * await app.listen({ port: 8000, host: '127.0.0.1' });
 */
export async function createApp(context: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1024 * 1024, routerOptions: { maxParamLength: 1000 } });
  app.setReplySerializer((payload) => pyJson(payload, { compact: true }));
  app.addHook('onRequest', guard(context.token));
  app.setErrorHandler((error: FastifyError | Error, _request, reply) => {
    const status = error instanceof HttpError ? error.statusCode : error instanceof FindRequestError ? 400 : error instanceof MachinableError ? 400 : 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    return reply.code(status).type('application/json').send(JSON.stringify({ detail: status === 500 ? `internal error: ${error.message}` : error.message }));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).type('application/json').send(JSON.stringify({ detail: `Not Found: ${request.method} ${request.url.split('?')[0]}` })));
  await app.register(healthRoutes(context));
  await app.register(projectRoutes(context));
  await app.register(searchRoutes(context));
  await app.register(interfaceRoutes(context));
  await app.register(executionRoutes(context));
  await app.register(launchRoutes(context));
  await app.register(eventRoutes(context));
  await app.register(dashboardRoutes(context));
  return app;
}
