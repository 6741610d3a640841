import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';
import { search } from '../views/search.js';

/**
 * `POST /v1/interfaces/search`: the reference's search (body: `FindRequest`, answer:
 * `SearchResponse`), with `columns` for values read from each hit's files.
 *
 * @example
 * app.register(searchRoutes(context));
 */
export function searchRoutes(context: ServerContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/v1/interfaces/search', async (request) => search(context.reader, request.body ?? {}));
  };
}
