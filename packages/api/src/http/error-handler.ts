import { describePostgresError, isDatabaseUnavailable, type Logger, redactUrl } from '@gatehouse/common';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { errorAnswer } from './error-answer.js';

/**
 * One place that turns every failure into `{"error","error_description"}` with the right status and RFC 6750
 * challenge ({@link errorAnswer}), and writes one redacted line for the operator (never a code, token or
 * secret: URLs go through redactUrl, and only our own detail strings are logged). Lines go to `logger` when
 * given, else to the request's logger.
 */
export function registerErrorHandler(app: FastifyInstance, logger?: Logger): void {
  app.setErrorHandler((raw: FastifyError | ApiError | Error, request, reply) => {
    const error = toApiError(raw);
    logFailure(logger ?? request.log, request, error, raw);
    const answer = errorAnswer(error);
    return reply.status(answer.status).headers(answer.headers).send(answer.body);
  });
}

/** The operator's one line for a refused or failed request: warn below 500, error (with the cause) from 500. */
export function logFailure(
  logger: Pick<Logger, 'warn' | 'error'>,
  request: { readonly id?: unknown; readonly method?: string | undefined; readonly url?: string | undefined },
  error: ApiError,
  raw: unknown = error,
): void {
  const line = {
    reqId: request.id,
    error: error.code,
    status: error.status,
    method: request.method,
    url: redactUrl(request.url ?? ''),
    detail: error.detail,
  };
  if (error.status >= 500)
    logger.error({ ...line, err: error.code === 'internal_error' ? raw : undefined }, 'request failed');
  else logger.warn(line, 'request refused');
}

/** Any error as the API's own: Fastify's 4xx (validation, body limits, rate limits) by their meaning, else 500. */
export function toApiError(error: FastifyError | ApiError | Error): ApiError {
  if (error instanceof ApiError) return error;
  // docs/security.md 42: the database down or too slow is a 503 with Retry-After, not a 500 with a stack.
  if (isDatabaseUnavailable(error)) {
    return new ApiError('database_unavailable', { detail: describePostgresError(error).message });
  }
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
