import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import { executionInfo, OUTPUT_FILE } from '../views/execution-info.js';
import { safeRecordFile } from '../security/safe-path.js';
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
 * (launch) is in `launchRoutes`.
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
      const rows = reader.search({ kind: 'Execution', ...(parent ? { parent_id: parent } : {}), limit, include_hidden: true }).items;
      const infos = rows.map((row) => executionInfo(reader, row));
      const active = request.query.active;
      return active === undefined ? infos : infos.filter((info) => info.is_active === (active === 'true' || active === '1'));
    });

    app.get<{ Params: UuidParams }>('/v1/executions/:uuid', async (request) => {
      const row = reader.rowOrThrow(request.params.uuid, 'Execution');
      if (row.kind !== 'Execution') throw new HttpError(404, `Execution not found: ${request.params.uuid} is a record of kind ${row.kind}`);
      return executionInfo(reader, row);
    });

    app.get<{ Params: UuidParams; Querystring: { offset?: string; tail?: string; limit?: string } }>('/v1/executions/:uuid/output', async (request): Promise<OutputChunk> => {
      const row = reader.rowOrThrow(request.params.uuid, 'Execution');
      if (row.kind !== 'Execution') throw new HttpError(404, `Execution not found: ${request.params.uuid} is a record of kind ${row.kind}`);
      const limit = Math.min(boundedInt(request.query.limit, 65_536, 1, Number.MAX_SAFE_INTEGER), OUTPUT_WINDOW_MAX);
      if (!reader.hasFile(row, OUTPUT_FILE)) return { output: null, offset: 0, size: 0 };
      const path = safeRecordFile(reader.storageRoot, reader.directory(row), OUTPUT_FILE);
      return readWindow(path, request.query.offset === undefined ? undefined : boundedInt(request.query.offset, 0, 0, Number.MAX_SAFE_INTEGER), request.query.tail === undefined ? undefined : boundedInt(request.query.tail, 0, 0, Number.MAX_SAFE_INTEGER), limit);
    });
  };
}

/** A window of a file: from `offset` on, or its last `tail` bytes, else its last `limit` bytes; never more than `limit`. */
export function readWindow(path: string, offset: number | undefined, tail: number | undefined, limit: number): OutputChunk {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = offset !== undefined ? Math.min(offset, size) : Math.max(0, size - Math.min(tail ?? limit, limit));
    const length = Math.min(limit, size - start);
    const buffer = Buffer.alloc(length);
    const read = length > 0 ? readSync(fd, buffer, 0, length, start) : 0;
    return { output: buffer.subarray(0, read).toString('utf8'), offset: start, size };
  } finally {
    closeSync(fd);
  }
}
