import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';

/**
 * The dashboard: the built page (`index.html` and its hashed assets) at `/`, served by
 * `@fastify/static` from the package's `dist/web` (made by `npm run build`; no build step for a
 * user). A checkout that was not built answers `/` with how to build it.
 *
 * @example
 * app.register(dashboardRoutes(context));
 */
export function dashboardRoutes(context: ServerContext) {
  return async (app: FastifyInstance): Promise<void> => {
    if (!existsSync(join(context.webRoot, 'index.html'))) {
      app.get('/', async (_request, reply) =>
        reply.code(503).type('text/plain; charset=utf-8').send(`The dashboard is not built (no ${join(context.webRoot, 'index.html')}): run npm run build in the repository. The JSON API under /v1 works.`),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root: context.webRoot,
      prefix: '/',
      index: ['index.html'],
      dotfiles: 'deny',
      cacheControl: true,
      maxAge: 0,
      setHeaders: (res) => {
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
      },
    });
  };
}
