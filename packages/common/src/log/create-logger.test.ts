import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';

describe('createLogger redaction', () => {
  it('keeps a user’s or key’s secrets out of the line when the whole record is logged', () => {
    const lines: string[] = [];
    const logger = createLogger(
      { name: 'test', level: 'info' },
      { write: (line: string) => lines.push(line) },
    );
    const user = {
      username: 'ada',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      // Stores open the TOTP secret lazily, in a getter: logging the record must not print what it returns.
      get totpSecret() {
        return 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
      },
    };
    logger.info({ user, key: { kid: 'k1', privateJwk: { d: 'private-d-value' } } }, 'records');
    logger.info(user, 'top level');
    const text = lines.join('');
    expect(text).toContain('"username":"ada"');
    for (const secret of ['JBSWY3DPEHPK3PXP', '$argon2id$', 'private-d-value'])
      expect(text).not.toContain(secret);
  });
});

describe('createLogger header redaction', () => {
  it('keeps credentials and the SPA login verifier out of a logged request’s headers', () => {
    const lines: string[] = [];
    const logger = createLogger(
      { name: 'test', level: 'info' },
      { write: (line: string) => lines.push(line) },
    );
    const headers = {
      authorization: 'Bearer secret-bearer',
      cookie: 'a=secret-cookie',
      'gatehouse-login-verifier': 'secret-login-verifier',
      accept: 'application/json',
    };
    logger.info({ headers }, 'headers');
    logger.info({ req: { headers } }, 'request');
    const text = lines.join('');
    expect(text).toContain('application/json');
    for (const secret of ['secret-bearer', 'secret-cookie', 'secret-login-verifier'])
      expect(text).not.toContain(secret);
  });
});
