import type { TrustedProxies } from '@gatehouse/common';
import type { FastifyRequest } from 'fastify';

/**
 * The caller's address as the audit log records it: the socket's, or behind a trusted proxy (`API_TRUST_PROXY`)
 * the last X-Forwarded-For entry, the one the proxy appended (docs/security.md 37). Whole, unlike the rate
 * limits' bucket: an investigation wants the address itself.
 */
export function callerAddress(trust: TrustedProxies, request: FastifyRequest): string {
  return trust.clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for']);
}
