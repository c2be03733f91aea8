import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApiConfig, type RunningApi } from '@gatehouse/api';
import { type ApiClient, apiClient, captureLogs, reservePublicUrl } from '@gatehouse/api/testing';
import { startDemo } from '../start-demo.js';

/** The demo's API started for a test against `issuer`, with a temp DATA_DIR (unless given) and a captured log. */
export interface TestDemo extends ApiClient {
  demo: RunningApi;
  dataDir: string;
  logs: ReturnType<typeof captureLogs>;
  close(): Promise<void>;
}

/** Starts the demo as `gatehouse start` does, for a test. */
export async function startTestDemo(options: {
  issuer: string;
  env?: Record<string, string>;
  dataDir?: string;
}): Promise<TestDemo> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-demo-'));
  const publicUrl = await reservePublicUrl();
  const logs = captureLogs();
  const demo = await startDemo({
    config: loadApiConfig({
      OIDC_ISSUER: options.issuer,
      OIDC_CLIENT_SECRET: 'test-client-secret-value',
      PUBLIC_URL: publicUrl,
      PORT: new URL(publicUrl).port,
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      RATE_LIMIT_PER_MINUTE: '0',
      ...options.env,
    }),
    logger: logs.logger,
  });
  return {
    ...apiClient(publicUrl),
    demo,
    dataDir,
    logs,
    async close() {
      await demo.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
