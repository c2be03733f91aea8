import { addressBucket, type TrustedProxies } from '@gatehouse/common';
import type { FastifyRequest } from 'fastify';

/**
 * The caller's address for rate limiting, as its bucket (an IPv6 address by its /64, a port dropped): the socket
 * address, or behind a trusted proxy (`API_TRUST_PROXY`) the last X-Forwarded-For entry, the one the proxy
 * appended (docs/security.md 37). Read from the socket and the header here, not from `request.ip`, so it does not
 * depend on the Fastify instance's own `trustProxy` (a team's app embedding the routes may set its own, and
 * Fastify's `true` takes the FIRST entry, which the client wrote).
 */
export function clientAddressFor(trust: TrustedProxies): (request: FastifyRequest) => string {
  return (request) =>
    addressBucket(trust.clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for']));
}
