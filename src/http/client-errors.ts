/**
 * Requests Node's HTTP parser refuses before any route sees them: headers over the size limit
 * (431), a request that took too long (408), bytes that are not HTTP (400). Fastify's own answer
 * is its generic JSON; these answer problem+json like every other error of the native API. The
 * path is unknown at this point, so a façade client gets the native shape too; its own libraries
 * read the status.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERRORS, type ErrorCode, PROBLEM_BASE } from '../core/vocabulary/errors.ts';
import { newId } from '../lib/ids.ts';

const BY_PARSER_CODE: Record<string, { code: ErrorCode; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    code: 'GW_HEADERS_TOO_LARGE',
    detail: 'The request headers are over the server limit (16 KiB by default)',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'GW_REQUEST_TIMEOUT',
    detail: 'The request did not arrive in full within the request timeout',
  },
};

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = error.code ? BY_PARSER_CODE[error.code] : undefined;
  const code: ErrorCode = known?.code ?? 'GW_BAD_REQUEST';
  const { status, title } = ERRORS[code];
  const body = JSON.stringify({
    type: PROBLEM_BASE + code.toLowerCase().replace(/^gw_/, '').replace(/_/g, '-'),
    title,
    status,
    detail: known?.detail ?? 'The request is not valid HTTP',
    code,
    request_id: newId('req'),
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
