import { LOGIN_CHALLENGE_HEADER } from '@gatehouse/contract';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';

// A base64url SHA-256: 32 bytes, 43 characters without padding.
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The login challenge of an SPA login (docs/security.md 51): required, since a login without one could be finished
 * by a planted transaction cookie alone. Node joins a repeated header with commas, which the pattern refuses.
 */
export function readLoginChallenge(request: FastifyRequest): string {
  const value = request.headers[LOGIN_CHALLENGE_HEADER];
  if (typeof value !== 'string' || !CHALLENGE.test(value)) {
    throw new ApiError('invalid_request', {
      description: `GET /api/login needs a ${LOGIN_CHALLENGE_HEADER} header: the base64url SHA-256 of a random login verifier the page keeps in sessionStorage (the @gatehouse/browser SDK sends it).`,
    });
  }
  return value;
}
