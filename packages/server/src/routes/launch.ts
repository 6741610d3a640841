import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import type { ServerContext } from '../server-context.js';

/**
 * `POST /v1/executions`: launches a run (the reference's dispatch route and `DispatchRequest`),
 * only on a server started with `allowLaunch`; otherwise a 403 saying how to allow it.
 * `POST /v1/executions/{uuid}/cancel` is a 501: core cannot cancel a run yet.
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
    app.post('/v1/executions/:uuid/cancel', async () => {
      if (!context.launcher) throw new HttpError(403, 'this server is read-only; start it with --allow-launch to launch runs from the page');
      throw new HttpError(501, 'cancelling a run is not supported yet (machinable core has no cancel); stop its process instead');
    });
  };
}
