import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopback, offeredToken, sameToken, TOKEN_COOKIE } from './token.js';

/** The answer a refused request gets, as the reference's API words its 401. */
function refuse(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify({ detail }));
}

/** The host name of a `Host` header (`127.0.0.1:8000` → `127.0.0.1`, `[::1]:8000` → `::1`). */
export function hostName(header: string | undefined): string {
  if (!header) return '';
  if (header.startsWith('[')) return header.slice(1, header.indexOf(']'));
  return header.replace(/:\d+$/, '');
}

/**
 * The check every request passes before a route sees it:
 * - without a token (a loopback server), the `Host` header must name a loopback address, so a
 *   web page that rebinds its own domain to 127.0.0.1 (DNS rebinding) reads nothing;
 * - with a token, the request must offer it (`Authorization: Bearer`, `X-Machinable-Token`, or
 *   the cookie); `/?token=<token>`, the address printed at start, sets the cookie (HttpOnly,
 *   SameSite=Strict) and redirects to `/`;
 * - a request that changes something (not GET or HEAD) sent by a page of another origin is
 *   refused (the `Origin` header must match the `Host`).
 *
 * @example
 * app.addHook('onRequest', guard(token));
 */
export function guard(token: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const host = request.headers.host;
    if (token === undefined && !isLoopback(hostName(host))) {
      return refuse(reply, 403, `Host '${host ?? ''}' is not this machine: a server without a token answers requests for localhost only (start it with a token to reach it by another name)`);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== 'null') {
        let originHost = '';
        try {
          originHost = new URL(origin).host;
        } catch {
          // unreadable origin: refused below
        }
        if (originHost !== host) return refuse(reply, 403, `a request from the page of another site (${origin}) is refused`);
      } else if (origin === 'null') {
        return refuse(reply, 403, 'a request from an opaque origin is refused');
      }
    }
    if (token === undefined) return undefined;
    const url = new URL(request.url, 'http://localhost');
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && request.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      if (!sameToken(fromQuery, token)) return refuse(reply, 401, 'Unauthorized: the token in the address is not this server\'s; open the address printed when the server started');
      reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.redirect('/', 302);
    }
    if (!sameToken(offeredToken(request.headers), token)) {
      return refuse(reply, 401, 'Unauthorized: this server asks for its token (printed when it started): open the address printed then, or send Authorization: Bearer <token>');
    }
    return undefined;
  };
}
