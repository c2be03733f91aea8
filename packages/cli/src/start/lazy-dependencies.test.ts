import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gatehouse/common/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './node-flags.js';
import { waitFor } from './process-test-support.js';

// Issue 15: what a setting does not ask for is not loaded. Each of these cost start-up time and resident memory
// in both processes (undici comes with @fastify/reply-from; @opentelemetry/api with prom-client).
const NOT_ASKED_FOR = /\/node_modules\/(pg|prom-client|@fastify\/reply-from|undici|@opentelemetry\/[^/]+)\//;
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gatehouse.js');
const PRELOAD = new URL('./record-loads.mjs', import.meta.url).href;

describe('gatehouse start with no DATABASE_URL, METRICS=off, no UPSTREAM_URL and no OTEL_* endpoint', () => {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-lazy-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('loads neither node-postgres, prom-client, @fastify/reply-from (undici) nor OpenTelemetry, in either process', async () => {
    const [port, authPort] = [await freePort(), await freePort()];
    const record = join(root, 'loaded.txt');
    // The preload goes in NODE_OPTIONS, which the forked auth server inherits (its node flags are set anew).
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, BIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: join(root, 'data'),
        PORT: String(port),
        AUTH_PORT: String(authPort),
        METRICS: 'off',
        NODE_OPTIONS: `--import=${PRELOAD}`,
        RECORD_LOADS_FILE: record,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      // The banner comes once the start is complete and Ctrl-C is handled (/readyz answers a little earlier).
      await waitFor(() => {
        if (child.exitCode !== null) throw new Error(`gatehouse start exited ${child.exitCode}: ${stderr}`);
        return stdout.includes('Press Ctrl-C to stop.');
      }, 'the banner');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      // A request through the bearer check too: nothing may be loaded on the first request either.
      const me = await fetch(`http://127.0.0.1:${port}/api/me`);
      expect(me.status).toBe(401);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }

    const byProcess = new Map<string, string[]>();
    for (const line of readFileSync(record, 'utf8').split('\n')) {
      const [pid, module] = line.split('\t');
      if (pid === undefined || module === undefined) continue;
      byProcess.set(pid, [...(byProcess.get(pid) ?? []), module]);
    }
    // Both processes were recorded (else this test could pass by recording nothing): the API (Fastify) in the
    // gatehouse process, oidc-provider in the auth server it forked.
    const loads = [...byProcess.values()];
    expect(loads).toHaveLength(2);
    expect(
      loads.filter((modules) => modules.some((url) => url.includes('/node_modules/fastify/'))),
    ).toHaveLength(1);
    expect(
      loads.filter((modules) => modules.some((url) => url.includes('/node_modules/oidc-provider/'))),
    ).toHaveLength(1);
    expect(loads.flat().filter((url) => NOT_ASKED_FOR.test(url))).toEqual([]);
  });
});
