/** How deep to look for the cause: openid-client wraps once, our fetch adds none; a few levels are plenty. */
const MAX_DEPTH = 5;

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name not found (DNS did not answer)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

/**
 * Why a call to the provider failed, in the words a person can act on: the network cause (`connection
 * refused`, `host name not found`, a timeout, an untrusted TLS certificate), the HTTP status it answered, or
 * the error's own message. openid-client reports a failed connection as "something went wrong" with the real
 * cause below it, which is what the log must say.
 */
export function describeProviderFailure(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && current !== undefined && current !== null; depth++) {
    if (current instanceof Response) return `HTTP ${current.status} from the provider`;
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string') {
      const reason = NETWORK_REASONS[code];
      if (reason !== undefined) return reason;
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS certificate not trusted (${code})`;
    }
    if (name === 'TimeoutError' && typeof message === 'string') return message;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : String(error);
}
