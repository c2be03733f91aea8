import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { prettyDestination } from './pretty-destination.js';
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
 * codes, states and tokens by the `req` serializer. With `pretty` (a person at a terminal, see
 * `wantsPrettyLogs`), one readable line per event instead, redacted the same way (pino redacts before any
 * destination sees the event). Both go to `destination`, standard output by default; with `sync`, or `pretty`,
 * each line is written there before the call returns, so that log lines and the program's own output on the
 * same stream (a start banner) come out in the order they were written.
 */
export function createLogger(
  options: { name: string; level?: LogLevel; pretty?: boolean; sync?: boolean } & Pick<LoggerOptions, 'base'>,
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
  if (options.pretty) return pino(opts, prettyDestination(destination ?? process.stdout));
  if (destination) return pino(opts, destination);
  return options.sync ? pino(opts, pino.destination({ dest: 1, sync: true })) : pino(opts);
}

export type { Logger };
