import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gatehouse/common/testing';
import { type ApiConfig, loadApiConfig } from '../config/load-api-config.js';
import { type RunningApi, startApi } from '../server/start-api.js';
import type { CookieJar } from './cookie-jar.js';
import { captureLogs } from './log-capture.js';

/** A clock tests move by hand. */
export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

/** A fake clock starting at the real time (so certificates and JWKS fetches stay plausible). */
export function fakeClock(start = Date.now()): FakeClock {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

/** A browser-like client of an API at `url`: fetch with an optional cookie jar, and the SPA's POSTs. */
export interface ApiClient {
  url: string;
  /** fetch against the API (no redirects followed), sending and storing the jar's cookies when given one. */
  request(path: string, init?: RequestInit & { jar?: CookieJar }): Promise<Response>;
  /** A same-origin JSON POST with an empty body, as the SPA sends to /api/refresh and /api/logout. */
  postFromSpa(path: string, jar: CookieJar): Promise<Response>;
}

/** An API started for a test against `issuer`, with a temp DATA_DIR, a captured log and a browser-like client. */
export interface TestApi extends ApiClient {
  api: RunningApi;
  dataDir: string;
  logs: ReturnType<typeof captureLogs>;
  clock: FakeClock;
  close(): Promise<void>;
}

/** An {@link ApiClient} for any API (a team's app on the plugin, an example) at `url`. */
export function apiClient(url: string): ApiClient {
  const request: ApiClient['request'] = async (path, init = {}) => {
    const { jar, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (jar !== undefined && !headers.has('cookie')) headers.set('cookie', jar.header());
    const response = await fetch(`${url}${path}`, { redirect: 'manual', ...rest, headers });
    jar?.store(response);
    return response;
  };
  return {
    url,
    request,
    postFromSpa: (path, jar) =>
      request(path, { method: 'POST', jar, headers: sameOriginJson(url), body: '{}' }),
  };
}

/** Picks the API's port in advance (the provider must know the redirect URIs before the API starts). */
export async function reservePublicUrl(): Promise<string> {
  return `http://localhost:${await freePort()}`;
}

/** Starts the API for a test. */
export async function startTestApi(options: {
  issuer: string;
  publicUrl: string;
  env?: Record<string, string>;
  clock?: FakeClock;
  dataDir?: string;
  /** Changes what no environment variable sets (connection timeouts, for instance) before the API starts. */
  configure?: (config: ApiConfig) => void;
}): Promise<TestApi> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-api-'));
  const logs = captureLogs();
  const clock = options.clock ?? fakeClock();
  const port = new URL(options.publicUrl).port;
  const config = loadApiConfig({
    OIDC_ISSUER: options.issuer,
    OIDC_CLIENT_ID: 'gatehouse-api',
    OIDC_CLIENT_SECRET: 'test-client-secret-value',
    PUBLIC_URL: options.publicUrl,
    PORT: port,
    DATA_DIR: dataDir,
    OIDC_HTTP_TIMEOUT_MS: '1500',
    NODE_ENV: 'test',
    ...options.env,
  });
  options.configure?.(config);
  const api = await startApi({ config, logger: logs.logger, now: clock.now });
  return {
    ...apiClient(options.publicUrl),
    api,
    dataDir,
    logs,
    clock,
    async close() {
      await api.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headers of a same-origin JSON POST from the SPA (what `fetch` in our page sends). */
export function sameOriginJson(url: string): Record<string, string> {
  return { origin: new URL(url).origin, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
}
