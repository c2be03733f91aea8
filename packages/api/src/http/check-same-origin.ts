import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';

/**
 * CSRF defence for the cookie-authenticated POSTs (/api/refresh, /api/logout), docs/security.md 20: the request
 * must prove it comes from our own origin (Origin equal to PUBLIC_URL's, or Sec-Fetch-Site: same-origin), no
 * header may say otherwise, and the body must be JSON (which a cross-site form cannot send without a CORS
 * preflight, which we never grant).
 */
export function checkSameOrigin(request: FastifyRequest, publicOrigin: string): void {
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    throw new ApiError('cross_site_request', { detail: `sec-fetch-site=${String(site)}` });
  }
  if (origin !== undefined && origin !== publicOrigin) {
    throw new ApiError('cross_site_request', { detail: 'foreign Origin' });
  }
  if (origin === undefined && site === undefined) {
    throw new ApiError('cross_site_request', {
      description:
        'Cross-site request refused: neither Origin nor Sec-Fetch-Site shows a same-origin request.',
    });
  }
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError('cross_site_request', {
      description: 'Refused: send the request with content-type: application/json.',
    });
  }
}
