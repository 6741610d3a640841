import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';

/** How often an idle event stream gets a comment line, so proxies and browsers keep it open. */
const KEEP_ALIVE_MS = 15_000;

/**
 * `GET /v1/events`: the live feed as Server-Sent Events (`text/event-stream`), one `data:` line
 * of JSON per {@link StatusEvent}. It starts with a `ready` event. (The reference has no such
 * route: its live channel is a WebSocket protocol for driving interfaces; a one-way feed of
 * status changes is what a dashboard needs, and `EventSource` reconnects by itself.)
 *
 * @example
 * new EventSource('/v1/events').onmessage = (e) => console.log(JSON.parse(e.data));
 */
export function eventRoutes(context: ServerContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/v1/events', (request, reply) => {
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      out.write(`retry: 2000\ndata: ${JSON.stringify({ type: 'ready' })}\n\n`);
      const unsubscribe = context.feed.subscribe((event) => out.write(`data: ${JSON.stringify(event)}\n\n`));
      const keepAlive = setInterval(() => out.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      const end = (): void => {
        clearInterval(keepAlive);
        unsubscribe();
      };
      request.raw.on('close', end);
      out.on('close', end);
    });
  };
}
