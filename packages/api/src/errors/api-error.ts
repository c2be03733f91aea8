import type { FlowStep } from '@gatehouse/contract';
import { type ApiErrorCode, ERROR_CODES } from './error-codes.js';

/**
 * The API's one error class: a stable `code` (also the JSON `error`), its HTTP `status`, and a description meant
 * for the developer. `expose` is false from 500 up (a custom description then stays in the log and the client gets
 * the generic one), unless the description is our own safe text.
 *
 * @example
 * throw new ApiError('state_mismatch');
 */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly expose: boolean;
  /** Extra detail for the operator's log line; never sent to the client. */
  readonly detail: string | undefined;
  /** For `insufficient_scope`: the scopes the route requires, space-separated (RFC 6750 3's `scope`). */
  readonly requirement: string | undefined;
  /**
   * A refused callback's account for the flow inspector (only when FLOW_INSPECTOR is on, never in production by
   * default): the steps so far, the check that refused, and the detail, masked. Sent in the error answer.
   */
  inspection: { flow: FlowStep[]; failedCheck: string | undefined; detail: string | undefined } | undefined;

  constructor(
    code: ApiErrorCode,
    options: {
      description?: string;
      detail?: string;
      cause?: unknown;
      expose?: boolean;
      requirement?: string;
    } = {},
  ) {
    const { status, description } = ERROR_CODES[code];
    super(options.description ?? description, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.detail = options.detail;
    this.requirement = options.requirement;
    this.inspection = undefined;
  }

  /** The OAuth-style `error` member (same as `code`). */
  get error(): ApiErrorCode {
    return this.code;
  }

  /** The `error_description` member sent to the client. */
  get error_description(): string {
    return this.message;
  }
}
