import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { wantsPrettyLogs } from './wants-pretty-logs.js';

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

describe('createLogger, pretty (development, at a terminal)', () => {
  const capture = () => {
    const chunks: string[] = [];
    return { chunks, stream: { write: (chunk: string) => chunks.push(chunk) } };
  };

  it('writes one readable line per event, an error included, with the same redaction as JSON', () => {
    const out = capture();
    const logger = createLogger({ name: 'gatehouse', level: 'info', pretty: true }, out.stream);
    logger.child({ part: 'api' }).info(
      {
        req: { method: 'GET', url: '/api/callback?code=the-code&state=the-state' },
        headers: { authorization: 'Bearer the-token' },
        password: 'the-password',
        client: { client_secret: 'the-secret' },
      },
      'callback',
    );
    logger.error({ err: new Error('provider failed', { cause: new Error('connection refused') }) }, 'failed');
    expect(out.chunks).toHaveLength(2);
    for (const chunk of out.chunks) expect(chunk.trimEnd().split('\n')).toHaveLength(1);
    const [first, second] = out.chunks;
    expect(first).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(gatehouse\): callback /);
    expect(first).not.toContain('{"level"');
    expect(second).toMatch(/ERROR \(gatehouse\): failed .*Error: provider failed: connection refused \(at /);
    const text = out.chunks.join('');
    for (const secret of ['the-code', 'the-state', 'the-token', 'the-password', 'the-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('is chosen for a terminal outside production only', () => {
    expect(wantsPrettyLogs({}, { isTTY: true })).toBe(true);
    expect(wantsPrettyLogs({ NODE_ENV: 'development' }, { isTTY: true })).toBe(true);
    expect(wantsPrettyLogs({ NODE_ENV: 'production' }, { isTTY: true })).toBe(false);
    expect(wantsPrettyLogs({}, { isTTY: false })).toBe(false);
    expect(wantsPrettyLogs({}, {})).toBe(false);
  });
});
