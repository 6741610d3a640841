import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { HttpError } from '../errors.js';

/** Name of the cookie that carries the token for the page (set from `/?token=…`). */
export const TOKEN_COOKIE = 'machinable_token';

/**
 * A new access token: 32 random bytes, base64url (43 characters).
 *
 * @example
 * const token = newToken(); // 'q3ZxM0bT9aKe…'
 */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * True for an address that only this machine reaches: `localhost`, 127.0.0.0/8, `::1`
 * (and `::ffff:127.x.x.x`). Anything else, `0.0.0.0` and `::` included, is reachable from outside.
 *
 * @example
 * isLoopback('127.0.0.1'); // true
 * isLoopback('0.0.0.0');   // false
 */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (address === 'localhost') return true;
  if (isIP(address) === 4) return address.startsWith('127.');
  if (isIP(address) === 6) return address === '::1' || /^::ffff:127\./.test(address);
  return false;
}

/**
 * Compares a token offered by a request with the server's, in constant time.
 *
 * @example
 * sameToken(request.headers['x-token'], token);
 */
export function sameToken(offered: string | undefined, token: string): boolean {
  if (offered === undefined) return false;
  const a = Buffer.from(offered);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token a request offers: `Authorization: Bearer <token>` (as the reference's API takes it),
 * `X-Machinable-Token: <token>`, or the `machinable_token` cookie (URI-decoded; a cookie that is
 * not URI-encoded text is an `HttpError` 400, not a server error).
 *
 * @example
 * offeredToken({ authorization: 'Bearer abc' }); // 'abc'
 */
export function offeredToken(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const authorization = single(headers['authorization']);
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim();
  const header = single(headers['x-machinable-token']);
  if (header) return header.trim();
  const cookie = single(headers['cookie']);
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== TOKEN_COOKIE) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      throw new HttpError(400, `the ${TOKEN_COOKIE} cookie is not URI-encoded text (a % not followed by two hex digits of UTF-8); clear the cookie, then open the address printed when the server started, or send Authorization: Bearer <token>`);
    }
  }
  return undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
