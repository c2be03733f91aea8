import { GatehouseError, type GatehouseErrorCode, type GatehouseErrorDetails } from '../gatehouse-error.js';
import { parseFlow } from './parse-answers.js';

/** A parsed answer from the API. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** One request to the API. */
export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  bearer?: string;
  /** Extra request headers (the login challenge or verifier: never in the URL). */
  headers?: Record<string, string>;
}

/** Sends JSON requests to the API with the refresh cookie (same origin) and parses the answer. */
export type ApiClient = (request: ApiRequest) => Promise<ApiAnswer>;

/**
 * Builds the {@link ApiClient}. `base` is the API's absolute URL ending in `/`; routes resolve below it, so an
 * API mounted under a path prefix works too.
 */
export function createApiClient(base: () => string, fetchImpl: typeof fetch): ApiClient {
  return async ({ method, path, query, bearer, headers: extra }) => {
    const url = new URL(path.replace(/^\/+/, ''), base());
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const headers = new Headers({ ...extra, accept: 'application/json' });
    if (bearer !== undefined) headers.set('authorization', `Bearer ${bearer}`);
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (method === 'POST') {
      // The API's CSRF defence (docs/security.md D.20) expects a same-origin JSON POST.
      headers.set('content-type', 'application/json');
      init.body = '{}';
    }
    let response: Response;
    try {
      response = await fetchImpl(url, init);
    } catch (cause) {
      throw new GatehouseError('network_error', 'The server could not be reached. Check your connection.', {
        cause,
      });
    }
    const text = await response.text().catch(() => '');
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    return { status: response.status, body };
  };
}

const ERROR_CODE = /^[\w.-]{1,64}$/;
const CHECK_NAME = /^[a-z0-9_-]{1,64}$/;

/** Turns a non-2xx answer into a {@link GatehouseError} that keeps the server's `error` code. */
export function errorFromAnswer(
  code: GatehouseErrorCode,
  message: string,
  answer: ApiAnswer,
): GatehouseError {
  const body = answer.body;
  let serverError: string | undefined;
  let description: string | undefined;
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    if (typeof record.error === 'string' && ERROR_CODE.test(record.error)) serverError = record.error;
    if (typeof record.error_description === 'string') description = record.error_description.slice(0, 300);
  }
  const suffix = serverError === undefined ? ` (HTTP ${answer.status})` : ` (${serverError})`;
  return new GatehouseError(code, `${message}${suffix}`, {
    status: answer.status,
    serverError,
    description,
    ...inspection(body),
  });
}

/** A refused callback's account, sent by an API with the flow inspector on: checked, bounded. */
function inspection(body: unknown): Pick<GatehouseErrorDetails, 'flow' | 'failedCheck' | 'failureDetail'> {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  const found: Pick<GatehouseErrorDetails, 'flow' | 'failedCheck' | 'failureDetail'> = {};
  const flow = parseFlow(record.flow);
  if (flow !== undefined) found.flow = flow;
  if (typeof record.failed_check === 'string' && CHECK_NAME.test(record.failed_check))
    found.failedCheck = record.failed_check;
  if (typeof record.failure_detail === 'string') found.failureDetail = record.failure_detail.slice(0, 500);
  return found;
}
