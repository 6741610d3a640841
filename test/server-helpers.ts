/** Helpers for the server and dashboard specs: a project with a small sweep, raw HTTP, event streams, store snapshots. */
import { request as httpRequest } from 'node:http';
import { cpSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkPackages, runScript, temporaryDirectory } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/dashboard/', import.meta.url));

/** The sweep of the dashboard specs: lr × seed, the largest lr with another optimizer, one run labelled `baseline`. */
export const SWEEP = `
import { get } from '@machinable/core';
for (const lr of [0.01, 0.05, 0.1, 0.2]) for (const seed of [0, 1]) {
  const run = await get('train', { lr, seed, ...(lr > 0.1 ? { optimizer: { name: 'adam' } } : {}) });
  await run.launch();
  if (lr === 0.05 && seed === 0) run.setLabel('baseline');
}
`;

/** A project with the dashboard fixture's modules (`train`, `slow`) and, unless `sweep` is false, the sweep launched (8 runs). */
export async function sweepProject(sweep = true): Promise<string> {
  const dir = temporaryDirectory('dash');
  for (const file of ['train.ts', 'slow.ts']) cpSync(join(FIXTURE, file), join(dir, file));
  linkPackages(dir);
  if (sweep) {
    const result = await runScript(dir, SWEEP);
    if (result.code !== 0) throw new Error(`the sweep failed: ${result.stderr}`);
  }
  return dir;
}

/** An answer of {@link request}. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

/**
 * One HTTP request with the path sent exactly as given (no `..` folded away, no re-encoding, as
 * `fetch` would do), so path-escape attempts reach the server as an attacker sends them.
 */
export function request(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const url = new URL(base);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...(body !== undefined && typeof options.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, text: () => data.toString('utf8'), json: <T>() => JSON.parse(data.toString('utf8')) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** An open event stream: the events received so far, a wait for one, and `close()`. */
export interface EventStream {
  readonly events: unknown[];
  waitFor<T>(predicate: (event: T) => boolean, what: string, timeoutMs?: number): Promise<T>;
  close(): void;
}

/** Opens `GET /v1/events` and collects its `data:` events. */
export function events(base: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const url = new URL('/v1/events', base);
  return new Promise((resolve, reject) => {
    const received: unknown[] = [];
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of block.split('\n')) if (line.startsWith('data: ')) received.push(JSON.parse(line.slice(6)));
        }
      });
      res.on('error', () => undefined);
      resolve({
        events: received,
        async waitFor<T>(predicate: (event: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
          const found = await poll(() => (received as T[]).find(predicate), what, timeoutMs);
          return found;
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls `check` every 50 ms until it returns something other than undefined or false; fails after `timeoutMs` naming `what`. */
export async function poll<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every entry under a folder with its size and modification time (symlinks as links): what must not change by viewing. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const stat = lstatSync(path);
      out[path.slice(root.length)] = `${entry.isDirectory() ? 'dir' : entry.isSymbolicLink() ? 'link' : 'file'} ${stat.size} ${stat.mtimeMs}`;
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return out;
}
