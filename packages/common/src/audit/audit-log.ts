import { closeSync, constants, fchmodSync, fstatSync, openSync, writeSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';

/** The security events of the audit log. */
export type AuditEventName =
  | 'login.succeeded'
  | 'login.failed'
  | 'logout'
  | 'session.revoked'
  | 'refresh.reuse_detected'
  | 'backchannel_logout'
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  | 'account.locked'
  | 'key.rotated'
  | `admin.${string}`;

/**
 * One audit line's content: identifiers, never a secret (docs/security.md 48). `user` is the subject (or, for a
 * CLI change, the username it names), `client` the OpenID client, `session` Gatehouse's own session id (which
 * no one can sign in with), `address` the caller's as the trusted-proxy settings name it.
 */
export interface AuditEvent {
  readonly event: AuditEventName;
  readonly outcome: 'success' | 'failure';
  readonly user?: string | undefined;
  readonly client?: string | undefined;
  readonly session?: string | undefined;
  readonly address?: string | undefined;
  /** login.failed: the check that refused. */
  readonly check?: string | undefined;
  /** Why: a revocation's reason, a refusal's (password, second_factor, throttled, disabled…). */
  readonly reason?: string | undefined;
  /** sign_in.*: the factor checked. */
  readonly factor?: string | undefined;
  /** How many sessions an event ended. */
  readonly sessions?: number | undefined;
  /** The flow of a login (spa, simple), or a key's owner (api, auth). */
  readonly flow?: string | undefined;
  readonly target?: string | undefined;
}

/** Where security events go: AUDIT_LOG's file or standard output, or nowhere. */
export interface AuditLog {
  readonly enabled: boolean;
  /** Appends one JSON line, synchronously: a line is on disk before the request it records is answered. */
  write(event: AuditEvent): void;
  close(): void;
}

/** No AUDIT_LOG: nothing written. */
export const NO_AUDIT_LOG: AuditLog = { enabled: false, write: () => undefined, close: () => undefined };

/**
 * Opens AUDIT_LOG: a file path (created 0600, or tightened to 0600; opened append-only, so the API, the auth
 * server and the CLI can share one file and no line overwrites another), or `-` for standard output; undefined
 * for none. Each line is one `write(2)` of `{"time","event","outcome",…}`, synchronous, so a crash loses nothing
 * already answered. A file that cannot be opened is a {@link ConfigError} naming AUDIT_LOG. A write that fails
 * (disk full) goes to `onError`, and the request goes on.
 */
export function openAuditLog(
  setting: string | undefined,
  options: { now?: () => number; onError?: (error: unknown) => void } = {},
): AuditLog {
  if (setting === undefined) return NO_AUDIT_LOG;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  let fd: number;
  let owned = false;
  if (setting === '-') fd = 1;
  else {
    try {
      fd = openSync(
        setting,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
        0o600,
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new ConfigError('AUDIT_LOG', `Invalid AUDIT_LOG: cannot open ${setting} for appending (${code})`);
    }
    owned = true;
    // A file left readable by others by an older version or by hand: the events name users and addresses.
    if ((fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, 0o600);
  }
  let open = true;
  return {
    enabled: true,
    write(event) {
      if (!open) return;
      const line = `${JSON.stringify({ time: new Date(now()).toISOString(), ...withoutUndefined(event) })}\n`;
      try {
        writeSync(fd, line);
      } catch (error) {
        onError(error);
      }
    },
    close() {
      if (!open) return;
      open = false;
      if (owned) closeSync(fd);
    },
  };
}

function withoutUndefined(event: AuditEvent): Record<string, unknown> {
  const line: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) if (value !== undefined) line[key] = value;
  return line;
}
