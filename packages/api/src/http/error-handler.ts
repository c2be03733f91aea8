import { redactUrl } from '@gatehouse/common';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { ERROR_CODES } from '../errors/error-codes.js';
import { bearerChallenge } from './www-authenticate.js';

/**
 * One place that turns every failure into `{"error","error_description"}` with the right status, adds the
 * RFC 6750 challenge on 401, and writes one redacted line for the operator (never a code, token or secret:
 * URLs go through redactUrl, and only our own detail strings are logged).
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((raw: FastifyError | ApiError | Error, request, reply) => {
    const error = toApiError(raw);
    const line = {
      reqId: request.id,
      error: error.code,
      status: error.status,
      method: request.method,
      url: redactUrl(request.url),
      detail: error.detail,
    };
    if (error.status >= 500)
      request.log.error(
        { ...line, err: error.code === 'internal_error' ? raw : undefined },
        'request failed',
      );
    else request.log.warn(line, 'request refused');
    if (error.status === 401)
      reply.header('www-authenticate', bearerChallenge('invalid_token', error.message));
    const description = error.expose ? error.message : ERROR_CODES[error.code][1];
    return reply.status(error.status).send({ error: error.code, error_description: description });
  });
}

function toApiError(error: FastifyError | ApiError | Error): ApiError {
  if (error instanceof ApiError) return error;
  const status = (error as FastifyError).statusCode;
  if (
    (error as FastifyError).validation !== undefined ||
    (status !== undefined && status >= 400 && status < 500)
  ) {
    if (status === 404) return new ApiError('not_found');
    // Fastify's FST_ERR_CTP_BODY_TOO_LARGE (declared or streamed past the body limit): too big, not malformed.
    if (status === 413) return new ApiError('request_too_large', { detail: (error as FastifyError).code });
    if (status === 429) return new ApiError('rate_limited');
    return new ApiError('invalid_request', {
      description: `Invalid request: ${error.message.slice(0, 200)}`,
      detail: (error as FastifyError).code,
    });
  }
  return new ApiError('internal_error', { detail: error.message, cause: error });
}
