import type { ErrorCodeEntry } from '../error-codes.js';
import { CONTACTS_PER_USER } from './contact.js';

/**
 * The demo's own error codes, beside the API's (`invalid_request`, `not_found`, `invalid_token`, …, which its
 * routes answer too).
 */
export const DEMO_ERRORS = {
  contact_limit_reached: {
    status: 409,
    description: `This account already has the most contacts it may keep (${CONTACTS_PER_USER}): delete some before adding more.`,
  },
} as const satisfies Record<string, ErrorCodeEntry>;

/** Union of the demo's own error codes. */
export type DemoErrorCode = keyof typeof DEMO_ERRORS;
