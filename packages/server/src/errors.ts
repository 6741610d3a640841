/**
 * Errors of the server, each saying what was wrong and how to fix it. HTTP errors carry their
 * status code; the reply is `{ "detail": message }`, as the reference's API answers.
 */

/** Base class of the server's errors. */
export class ServerError extends Error {
  override name = 'ServerError';
}

/**
 * The port asked for is taken by another program.
 *
 * @example
 * throw new PortInUseError('127.0.0.1', 8000);
 */
export class PortInUseError extends ServerError {
  override name = 'PortInUseError';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is in use by another program; stop it, or pick another port with --port (e.g. --port ${port + 1}; --port 0 picks a free one)`);
  }
}

/**
 * A request the server answers with an error status: 400 bad input, 401 no or wrong token,
 * 403 not allowed (read-only), 404 no such record or file.
 *
 * @example
 * throw new HttpError(404, 'no record abc in this project');
 */
export class HttpError extends ServerError {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
