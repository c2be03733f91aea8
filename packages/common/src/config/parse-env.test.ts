import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { parseEnv } from './parse-env.js';

// Issue 11, finding 5: a bad setting's line quoted the validation library ("Invalid input: expected number,
// received NaN", "Too big: expected number to be <=65535", "Invalid option: expected one of …").
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info']).default('info'),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(3).optional(),
  AUTH_RP_ID: z
    .string()
    .regex(/^[a-z.]+$/, 'must be a lower-case host name')
    .optional(),
  OIDC_CLIENT_SECRET: z.string().min(32).optional(),
});

function lineFor(env: Record<string, string>): string {
  try {
    parseEnv(schema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('parseEnv', () => {
  it.each([
    [{ PORT: 'abc' }, 'Invalid PORT: must be a number (got "abc")'],
    [{ PORT: '80.5' }, 'Invalid PORT: must be a whole number (got "80.5")'],
    [{ PORT: '70000' }, 'Invalid PORT: must be at most 65535 (got "70000")'],
    [{ PORT: '-1' }, 'Invalid PORT: must be at least 0 (got "-1")'],
    [{ LOG_LEVEL: 'loud' }, 'Invalid LOG_LEVEL: must be one of fatal, error, warn, info (got "loud")'],
    [{ OIDC_ISSUER: 'not a url' }, 'Invalid OIDC_ISSUER: must be an absolute URL (got "not a url")'],
    [{ OIDC_CLIENT_ID: 'ab' }, 'Invalid OIDC_CLIENT_ID: must be at least 3 characters long (got "ab")'],
    // A schema's own words stay.
    [{ AUTH_RP_ID: 'Ex' }, 'Invalid AUTH_RP_ID: must be a lower-case host name (got "Ex")'],
    // A secret is never echoed.
    [{ OIDC_CLIENT_SECRET: 'short' }, 'Invalid OIDC_CLIENT_SECRET: must be at least 32 characters long'],
  ])('says %j in its own words', (env, line) => {
    expect(lineFor(env)).toBe(line);
  });

  it('treats an empty value as unset, and trims', () => {
    expect(parseEnv(schema, { PORT: '', LOG_LEVEL: ' warn ' })).toMatchObject({
      PORT: 3001,
      LOG_LEVEL: 'warn',
    });
  });
});
