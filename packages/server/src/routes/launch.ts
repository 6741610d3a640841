import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import type { ServerContext } from '../server-context.js';

/**
 * `POST /v1/executions`: launches a run (the reference's dispatch route and `DispatchRequest`),
 * only on a server started with `allowLaunch`; otherwise a 403 saying how to allow it.
 * `POST /v1/executions/{uuid}/cancel` cancels a run record that has not finished (core's
 * `cancel()`) and answers 204 as the reference does; cancelling one cancelled before is a 204
 * too. Both only with `allowLaunch`.
 *
 * @example
 * app.register(launchRoutes(context));
 */
export function launchRoutes(context: ServerContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/v1/executions', async (request) => {
      if (!context.launcher) throw new HttpError(403, 'this server is read-only; start it with --allow-launch (serve({ allowLaunch: true })) to launch runs from the page');
      return context.launcher.launch(request.body);
    });
    app.post<{ Params: { uuid: string } }>('/v1/executions/:uuid/cancel', async (request, reply) => {
      if (!context.launcher) throw new HttpError(403, 'this server is read-only; start it with --allow-launch to launch or cancel runs from the page');
      await context.launcher.cancel(request.params.uuid);
      return reply.code(204).send();
    });
  };
}
