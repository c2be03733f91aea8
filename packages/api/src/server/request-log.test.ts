import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../config/load-api-config.js';
import { captureLogs } from '../testing/log-capture.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { startApi } from './start-api.js';

// docs/security.md 14 / "no code or token in any log line": Fastify logs every request URL; the callback's carries
// the code and state. An application embedding the API may pass a logger whose `req` serializer does not
// redact (plain pino, Fastify's default): the API's request lines must still be masked.
describe('request log lines', () => {
  let op: MisbehavingProvider;
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-reqlog-'));

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
  });
  afterAll(async () => {
    await op?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('masks code, state and tokens in request URLs even with a non-redacting logger', async () => {
    const logs = captureLogs();
    const rawUrls = logs.logger.child(
      {},
      {
        serializers: {
          req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
        },
      },
    );
    const api = await startApi({
      config: loadApiConfig({
        OIDC_ISSUER: op.issuer,
        OIDC_CLIENT_SECRET: op.clientSecret,
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      }),
      logger: rawUrls,
    });
    try {
      const code = 'Code0123456789abcdefSECRET';
      const state = 'State0123456789abcdefSECRET';
      await fetch(`${api.url}/api/callback?code=${code}&state=${state}&iss=x`);
      await fetch(`${api.url}/authorization-code/callback?code=${code}&state=${state}`);
      await fetch(`${api.url}/api/me?access_token=${code}`);
      const text = logs.text();
      // captureLogs logs at trace, where Fastify's request lines are on (they are off above debug): the
      // assertions below are about those lines, not only the error handler's.
      expect(logs.lines.some((line) => line.includes('incoming request'))).toBe(true);
      expect(text).toContain('/api/callback?code=[redacted]');
      expect(text).not.toContain(code);
      expect(text).not.toContain(state);
    } finally {
      await api.close();
    }
  });
});
