import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import { boundedMap } from '../store/bounded-map.js';
import { executionInfo, OUTPUT_FILE } from '../views/execution-info.js';
import { boundedInt } from './interfaces.js';

/** The most a single output window returns (the reference's cap). */
export const OUTPUT_WINDOW_MAX = 262_144;

/** The reference's `OutputChunk`: a byte window of a run's output log. */
export interface OutputChunk {
  readonly output: string | null;
  readonly offset: number;
  readonly size: number;
}

interface UuidParams {
  readonly uuid: string;
}

/**
 * The run record routes, under the reference's paths: `GET /v1/executions` (`?parent=`,
 * `?active=`, `?limit=`), `GET /v1/executions/{uuid}` (`ExecutionInfo`) and
 * `GET /v1/executions/{uuid}/output` (`OutputChunk`: `?offset=` reads on from a byte, `?tail=`
 * the last bytes; `output` is null while the run has recorded none). `POST /v1/executions`
 * (launch) is in `launchRoutes`. The log is read through the project's storage, whole (the
 * contract reads files whole), and the window cut from it.
 *
 * @example
 * app.register(executionRoutes(context));
 */
export function executionRoutes(context: ServerContext) {
  const { reader } = context;
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { parent?: string; active?: string; limit?: string } }>('/v1/executions', async (request) => {
      const limit = boundedInt(request.query.limit, 100, 1, 1000);
      const parent = request.query.parent;
      const rows = (await reader.search({ kind: 'Execution', ...(parent ? { parent_id: parent } : {}), limit, include_hidden: true })).items;
      const infos = await boundedMap(rows, (row) => executionInfo(reader, row));
      const active = request.query.active;
      return active === undefined ? infos : infos.filter((info) => info.is_active === (active === 'true' || active === '1'));
    });

    app.get<{ Params: UuidParams }>('/v1/executions/:uuid', async (request) => {
      const row = await reader.rowOrThrow(request.params.uuid, 'Execution');
      if (row.kind !== 'Execution') throw new HttpError(404, `Execution not found: ${request.params.uuid} is a record of kind ${row.kind}`);
      return executionInfo(reader, row);
    });

    app.get<{ Params: UuidParams; Querystring: { offset?: string; tail?: string; limit?: string } }>('/v1/executions/:uuid/output', async (request): Promise<OutputChunk> => {
      const row = await reader.rowOrThrow(request.params.uuid, 'Execution');
      if (row.kind !== 'Execution') throw new HttpError(404, `Execution not found: ${request.params.uuid} is a record of kind ${row.kind}`);
      const limit = Math.min(boundedInt(request.query.limit, 65_536, 1, Number.MAX_SAFE_INTEGER), OUTPUT_WINDOW_MAX);
      const offset = request.query.offset === undefined ? undefined : boundedInt(request.query.offset, 0, 0, Number.MAX_SAFE_INTEGER);
      const tail = request.query.tail === undefined ? undefined : boundedInt(request.query.tail, 0, 0, Number.MAX_SAFE_INTEGER);
      if (!(await reader.hasFile(row, OUTPUT_FILE))) return { output: null, offset: 0, size: 0 };
      return readWindow(await reader.shownFile(row, OUTPUT_FILE), offset, tail, limit);
    });
  };
}

/**
 * A window of a file's bytes: from `offset` on, or its last `tail` bytes, else its last `limit`
 * bytes; never more than `limit`.
 *
 * @example
 * readWindow(Buffer.from('line one\nline two\n'), 9, undefined, 65536); // { output: 'line two\n', offset: 9, size: 18 }
 */
export function readWindow(bytes: Uint8Array, offset: number | undefined, tail: number | undefined, limit: number): OutputChunk {
  const size = bytes.length;
  const start = offset !== undefined ? Math.min(offset, size) : Math.max(0, size - Math.min(tail ?? limit, limit));
  const length = Math.min(limit, size - start);
  return { output: Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('utf8'), offset: start, size };
}
