import type { z } from 'zod';
import { ConfigError } from './config-error.js';
import { envIssueMessage } from './env-issue-message.js';

/**
 * Validates environment variables against a zod object schema whose keys are the variable names.
 * Empty strings count as unset, so `PORT=` falls back to the default instead of failing obscurely.
 * The first problem becomes a {@link ConfigError} whose message is one line naming the variable, in our own
 * words ({@link envIssueMessage}) unless the schema gives its own.
 *
 * @example
 * const env = parseEnv(z.object({ PORT: z.coerce.number().int().min(1).max(65535).default(3001) }), process.env);
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') input[key] = value.trim();
  }
  const result = schema.safeParse(input, { error: envIssueMessage });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const setting = issue?.path.map(String).join('.') || 'environment';
  const shown = input[setting];
  // Never echo values that may be secrets.
  const echo =
    shown !== undefined && !/SECRET|PASSWORD|KEY|TOKEN/i.test(setting)
      ? ` (got ${JSON.stringify(shown)})`
      : '';
  throw new ConfigError(setting, `Invalid ${setting}: ${issue?.message ?? 'invalid value'}${echo}`);
}
