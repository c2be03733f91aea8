/** Stable codes for auth-server failures, so a caller can `switch` on them. */
export type AuthServerErrorCode = 'ERR_USER_EXISTS' | 'ERR_USER_NOT_FOUND' | 'ERR_INVALID_INPUT';

/** An operation on the auth server's users, clients or keys failed in a way the caller can act on. */
export class AuthServerError extends Error {
  readonly code: AuthServerErrorCode;
  constructor(code: AuthServerErrorCode, message: string) {
    super(message);
    this.name = 'AuthServerError';
    this.code = code;
  }
}
