import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpError } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import { boundedMap } from '../store/bounded-map.js';
import { executionInfo } from '../views/execution-info.js';
import { contentTypeOf, fileEntries, isImageType, isTextType, npySummary } from '../views/file-view.js';
import { provenance } from '../views/provenance.js';
import { recordPage } from '../views/record-page.js';
import { related } from '../views/related.js';

/** Files larger than this are not inlined as JSON (`?raw=1` sends any size the storage reads). */
export const INLINE_LIMIT = 8 * 1024 * 1024;

/** Headers of a record file sent as it is: no sniffing, and no script of a stored file runs on this origin. */
export const RAW_FILE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
};

interface UuidParams {
  readonly uuid: string;
}

/**
 * The record routes, under the reference's paths: `GET /v1/interfaces/{uuid}` (its
 * `InterfaceInfo`, with what the run page needs added), `/executions`, `/related`,
 * `/provenance`, `/files` and `/files/{path}`. File answers are the reference's (JSON parsed,
 * text as a JSON string) with `.npy` summarized (shape, dtype, first values) and images sent as
 * they are; `?raw=1` sends any file as it is, with its content type. Files are named and read
 * through the project's storage only (`StoreReader.shownFile`), whatever adapter it is.
 *
 * @example
 * app.register(interfaceRoutes(context));
 */
export function interfaceRoutes(context: ServerContext) {
  const { reader } = context;
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: UuidParams }>('/v1/interfaces/:uuid', async (request) => recordPage(reader, await reader.rowOrThrow(request.params.uuid)));

    app.get<{ Params: UuidParams; Querystring: { limit?: string } }>('/v1/interfaces/:uuid/executions', async (request) => {
      const row = await reader.rowOrThrow(request.params.uuid);
      const runs = await reader.runs(row.record_id, boundedInt(request.query.limit, 100, 1, 1000));
      return boundedMap(runs, (run) => executionInfo(reader, run));
    });

    app.get<{ Params: UuidParams }>('/v1/interfaces/:uuid/related', async (request) => related(reader, await reader.rowOrThrow(request.params.uuid)));

    app.get<{ Params: UuidParams; Querystring: { depth?: string } }>('/v1/interfaces/:uuid/provenance', async (request) => {
      const row = await reader.rowOrThrow(request.params.uuid);
      return provenance(reader, row, boundedInt(request.query.depth, 8, 0, 64));
    });

    app.get<{ Params: UuidParams }>('/v1/interfaces/:uuid/files', async (request) => {
      const row = await reader.rowOrThrow(request.params.uuid);
      const files = await reader.files(row);
      return { files, entries: await fileEntries(reader, row, files) };
    });

    app.get<{ Params: UuidParams & { '*': string }; Querystring: { raw?: string } }>('/v1/interfaces/:uuid/files/*', async (request, reply) => {
      const row = await reader.rowOrThrow(request.params.uuid);
      const requested = request.params['*'];
      const bytes = await reader.shownFile(row, requested);
      const type = contentTypeOf(requested);
      if (request.query.raw === '1' || request.query.raw === 'true' || (!isTextType(type) && type !== 'application/x-npy')) {
        return sendRaw(reply, bytes, type);
      }
      if (bytes.length > INLINE_LIMIT) throw new HttpError(413, `${requested} is larger than ${INLINE_LIMIT / 1024 / 1024} MB; ask for it with ?raw=1`);
      if (type === 'application/x-npy') return npySummary(bytes, requested);
      const text = bytes.toString('utf8');
      if (type === 'application/json') {
        try {
          return reply.type('application/json').send(text.trim() === '' ? 'null' : jsonText(text));
        } catch {
          return reply.type('application/json').send(JSON.stringify(text)); // not valid JSON: the text it is
        }
      }
      return reply.type('application/json').send(JSON.stringify(text));
    });
  };
}

function sendRaw(reply: FastifyReply, bytes: Buffer, type: string): FastifyReply {
  reply.headers(RAW_FILE_HEADERS);
  // An image is shown inline; anything else a browser would render (HTML, say) is text or a download.
  reply.type(isImageType(type) || isTextType(type) || type === 'application/pdf' ? type : 'application/octet-stream');
  return reply.send(bytes);
}

/**
 * A JSON file's text, sent as stored (big integers keep their digits) once it parses as JSON; a
 * file that does not (Python's `NaN`, say) throws, and is sent as a string of its text.
 */
function jsonText(text: string): string {
  JSON.parse(text);
  return text;
}

/** A query parameter as an integer within bounds (`fallback` when absent). */
export function boundedInt(text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new HttpError(400, `expected an integer from ${min} to ${max}, got '${text}'`);
  return value;
}
