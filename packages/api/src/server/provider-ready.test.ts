import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../config/load-api-config.js';
import { captureLogs } from '../testing/log-capture.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { startApi } from './start-api.js';

// `gatehouse start` builds the API while the auth server it forked is still booting: `providerReady` holds
// discovery (which checks the provider's issuer) back until the provider is up.
describe('startApi with providerReady', () => {
  let op: MisbehavingProvider;
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-ready-'));
  const DISCOVERY = '/.well-known/openid-configuration';

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
  });
  afterAll(async () => {
    await op?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const configOn = (port: number) =>
    loadApiConfig({
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_SECRET: op.clientSecret,
      PORT: String(port),
      DATA_DIR: dataDir,
    });

  it('discovers the provider only once it is ready, then listens', async () => {
    op.reset();
    let ready: () => void = () => undefined;
    const providerReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const starting = startApi({ config: configOn(0), logger: captureLogs().logger, providerReady });
    // Long enough for the app to be built and discovery to have been sent, were it not held back.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(op.requestsTo(DISCOVERY)).toHaveLength(0);
    ready();
    const api = await starting;
    try {
      expect(op.requestsTo(DISCOVERY)).toHaveLength(1);
      expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('rejects, listening on nothing, when the provider never comes up', async () => {
    op.reset();
    const port = await freePort();
    const failed = new Error('the auth server exited during start');
    await expect(
      startApi({
        config: configOn(port),
        logger: captureLogs().logger,
        providerReady: Promise.reject(failed),
      }),
    ).rejects.toBe(failed);
    expect(op.requestsTo(DISCOVERY)).toHaveLength(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
