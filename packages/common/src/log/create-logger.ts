import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { redactUrl } from './redact-url.js';

/** Log levels accepted by `LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Paths pino removes from every log line, wherever a secret could hide in a structured log. */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  // The SPA's login verifier (docs/security.md 51): proof that a callback comes from the tab that started it.
  'req.headers["gatehouse-login-verifier"]',
  'headers["gatehouse-login-verifier"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.code',
  '*.state',
  '*.nonce',
  '*.code_verifier',
  '*.client_secret',
  '*.clientSecret',
  '*.secret',
  '*.totp',
  '*.totpSecret',
  '*.passwordHash',
  '*.privateJwk',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.id_token_hint',
  '*.logout_token',
  '*.token',
  'password',
  'totpSecret',
  'passwordHash',
  'privateJwk',
  'code',
  'client_secret',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
];

/**
 * A pino logger for Gatehouse services: JSON lines, secrets redacted by path, and request URLs scrubbed of
 * codes, states and tokens by the `req` serializer.
 */
export function createLogger(
  options: { name: string; level?: LogLevel } & Pick<LoggerOptions, 'base'>,
  destination?: DestinationStream,
): Logger {
  const opts: LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: unknown; ip?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        ip: req.ip,
      }),
      err: pino.stdSerializers.err,
    },
  };
  if (options.base !== undefined) opts.base = options.base;
  return destination ? pino(opts, destination) : pino(opts);
}

export type { Logger };
