import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { ApiError, errors } from './errors.js';
import { fieldErrors } from './validation.js';

/** Maps any failure, ours or the framework's, to the contract's envelope. */
export function toApiError(error: FastifyError | ApiError, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    // A malformed path id names no user, exactly like a missing one.
    if (error.validationContext === 'params') return errors.userNotFound();
    return errors.validation(fieldErrors(error.validation));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return errors.payloadTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return errors.unsupportedMediaType();
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    request.log.debug({ code: error.code }, 'client error');
    return new ApiError(status, 'api_invalid_error', status === 400 ? 'Bad Request' : 'Invalid Request');
  }
  request.log.error({ err: error }, 'unhandled error');
  return errors.server();
}

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.statusCode).headers(error.headers).send(error.body());
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => sendApiError(reply, toApiError(error, request)));
  app.setNotFoundHandler((_request, reply) => sendApiError(reply, errors.routeNotFound()));
}

/** Framework-level failures (malformed URL) that never reach a route. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  sendApiError(reply, new ApiError(400, 'api_invalid_error', 'Bad Request'));
  request.log.debug({ code: error.code }, 'framework error');
}

function writeJsonAndClose(socket: Socket, status: number, reason: string, message: string) {
  const body = JSON.stringify({ error_type: 'api_invalid_error', error_message: message });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Requests too broken for HTTP parsing (bad header bytes, oversized headers) still get JSON. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (!socket.writable) return socket.destroy();
  if (error.code === 'HPE_HEADER_OVERFLOW') return writeJsonAndClose(socket, 431, 'Request Header Fields Too Large', 'Request Header Fields Too Large');
  writeJsonAndClose(socket, 400, 'Bad Request', 'Bad Request');
}

/** CONNECT never reaches the router (Node hands over the socket): refuse it in JSON too. */
export function rejectConnect(_request: unknown, socket: Socket) {
  writeJsonAndClose(socket, 405, 'Method Not Allowed', 'Method Not Allowed');
}
