import type { FastifyRequest } from 'fastify';

/** The caller's address for rate limiting: the socket address (no proxy headers are trusted). */
export function clientAddress(request: FastifyRequest): string {
  return request.ip;
}
