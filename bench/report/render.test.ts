import { describe, expect, it } from 'vitest';
import type { BenchResults } from './bench-results.js';
import { renderReport } from './render.js';

const base: BenchResults = {
  startedAt: '2026-01-01T00:00:00.000Z',
  durationSeconds: 1,
  machine: {
    cpuModel: 'Test CPU',
    cores: 2,
    memoryGb: 4,
    node: 'v20.0.0',
    platform: 'linux',
    loadAverage: [0, 0, 0],
  },
  gatehouseEnv: { RATE_LIMIT_PER_MINUTE: '0' },
  settings: {
    quick: false,
    connections: 32,
    rounds: 5,
    roundSeconds: 3,
    warmUpSeconds: 1,
    signInSeconds: 10,
    signInInFlight: 4,
    passwordUsers: 4,
    totpUsers: 32,
    refreshSessions: 8,
    refreshSeconds: 8,
    callbackSamples: 100,
    sessions: 10_000,
    sessionInFlight: 8,
    sessionMaxSeconds: 190,
    startupRepetitions: 3,
    hashSamples: 40,
  },
  errors: {},
  gatehouseLogs: {},
};

describe('renderReport', () => {
  it('prints the machine, the rate-limit condition and a targets table even when nothing was measured', () => {
    const text = renderReport({ ...base, errors: { 'starting gatehouse': 'exited with 1' } });
    expect(text).toContain('Test CPU, 2 cores');
    expect(text).toContain('RATE_LIMIT_PER_MINUTE=0');
    expect(text).toMatch(/\/api\/me ÷ \/healthz\s+n\/a\s+>= 0.75\s+n\/a/);
    expect(text).toContain('starting gatehouse: exited with 1');
  });

  it('divides sign-in rates by the hash limit and marks each target met or not', () => {
    const run = {
      inFlight: 4,
      completed: 600,
      failed: 0,
      seconds: 10,
      perSecond: 60,
      totalP50Ms: 60,
      totalP99Ms: 90,
      loginP50Ms: 5,
      authServerP50Ms: 40,
      callbackP50Ms: 15,
      callbackP99Ms: 30,
      cpu: { server: 1.5, bench: 0.2 },
    };
    const text = renderReport({
      ...base,
      hashLimit: {
        memoryCost: 19_456,
        timeCost: 2,
        parallelism: 1,
        samples: 40,
        hashMs: 20,
        hashP99Ms: 25,
        cores: 2,
        limitPerSecond: 100,
        concurrentPerSecond: 80,
      },
      signInsPassword: { ...run, label: 'password' },
      signInsTotp: { ...run, label: 'password + TOTP', perSecond: 50 },
    });
    expect(text).toMatch(/password sign-ins ÷ hash limit\s+0.60\s+>= 0.6\s+yes/);
    expect(text).toMatch(/password\+TOTP sign-ins ÷ hash limit\s+0.50\s+>= 0.6\s+NO/);
  });

  it('judges memory per process (RSS) and for the whole instance (shared file pages counted once)', () => {
    const entry = (pid: number, rssMb: number, anonymousMb: number) => ({
      pid,
      command: `p${pid}`,
      rssMb,
      anonymousMb,
    });
    const text = renderReport({
      ...base,
      sessionMemory: {
        target: 10_000,
        sessions: 10_000,
        seconds: 100,
        perSecond: 100,
        silentSignIns: 9_992,
        failed: 0,
        cpu: { server: 1.5, bench: 0.3 },
        idle: [entry(1, 90, 70), entry(2, 85, 65)],
        loaded: [entry(1, 140, 95), entry(2, 110, 70)],
      },
    });
    expect(text).toMatch(/RSS MB of the largest process, 10,000 sessions\s+140.0\s+<= 150\s+yes/);
    // 95 + 70 own, plus the larger file-backed part (140 - 95) once.
    expect(text).toMatch(/MB of the whole instance, 10,000 sessions\s+210.0\s+<= 150\s+NO/);
    expect(text).toContain('instance 210.0 MB (own pages 95.0 + 70.0');
  });

  it('gives the plugin-guarded route of the example its own column and the same goals as /api/me', () => {
    const target = (name: string, requestsPerSecond: number) => ({
      name,
      url: 'http://127.0.0.1/x',
      requestsPerSecond,
      p50Ms: 1,
      p99Ms: 5,
      non2xx: 0,
      errors: 0,
      serverCores: 1,
      benchCores: 0.5,
      rounds: [],
    });
    const text = renderReport({
      ...base,
      meComparison: {
        connections: 32,
        rounds: 5,
        roundSeconds: 3,
        warmUpSeconds: 1,
        alg: 'ES256',
        targets: [
          target('gatehouse /api/me', 12_000),
          target('gatehouse /healthz', 13_000),
          target('example /api/hello (plugin guard)', 11_000),
          target('example / (no guard)', 12_100),
          target('node:http + jose', 4_000),
        ],
        ratios: {
          meOverHealthz: 12 / 13,
          meOverNodeJose: 3,
          meOverFastifyJwt: 4,
          meOverExpressJwtBearer: 5,
          helloOverOpen: 11 / 12.1,
          helloOverNodeJose: 2.75,
          helloOverFastifyJwt: 2.4,
          helloOverExpressJwtBearer: 4.5,
          helloOverMe: 11 / 12,
          gatewayOverUpstream: Number.NaN,
          gatewayOverNodeJose: Number.NaN,
          gatewayOverMe: Number.NaN,
        },
      },
    });
    expect(text).toMatch(/\/api\/me ÷ it\s+\/api\/hello ÷ it/);
    expect(text).toMatch(/node:http \+ jose\s+4,000 .* 3\.00\s+2\.75/);
    expect(text).toMatch(/plugin-guarded \/api\/hello ÷ its app's open \/\s+0\.91\s+>= 0\.75\s+yes/);
    expect(text).toMatch(/plugin-guarded \/api\/hello ÷ fastify \+ @fastify\/jwt\s+2\.40\s+>= 2\.5\s+NO/);
    expect(text).toMatch(/plugin-guarded \/api\/hello non-2xx\s+0\s+0\s+yes/);
  });

  it('reports the gateway against its upstream alone and node:http + jose, and judges its non-2xx', () => {
    const target = (name: string, requestsPerSecond: number, non2xx = 0) => ({
      name,
      url: 'http://127.0.0.1/x',
      requestsPerSecond,
      p50Ms: 1,
      p99Ms: 5,
      non2xx,
      errors: 0,
      serverCores: 1,
      benchCores: 0.5,
      rounds: [],
    });
    const comparison = (gatewayNon2xx: number) => ({
      connections: 32,
      rounds: 5,
      roundSeconds: 3,
      warmUpSeconds: 1,
      alg: 'ES256',
      targets: [
        target('gatehouse /api/me', 12_000),
        target('gateway /api/hello → node:http upstream', 6_000, gatewayNon2xx),
        target('node:http upstream alone (no auth)', 15_000),
        target('node:http + jose', 4_000),
      ],
      ratios: {
        meOverHealthz: Number.NaN,
        meOverNodeJose: 3,
        meOverFastifyJwt: Number.NaN,
        meOverExpressJwtBearer: Number.NaN,
        helloOverOpen: Number.NaN,
        helloOverNodeJose: Number.NaN,
        helloOverFastifyJwt: Number.NaN,
        helloOverExpressJwtBearer: Number.NaN,
        helloOverMe: Number.NaN,
        gatewayOverUpstream: 0.4,
        gatewayOverNodeJose: 1.5,
        gatewayOverMe: 0.5,
      },
    });
    const text = renderReport({ ...base, meComparison: comparison(0) });
    expect(text).toMatch(/gateway \/api\/hello → node:http upstream\s+6,000 .* 2\.00/);
    expect(text).toMatch(/node:http upstream alone \(no auth\)\s+15,000/);
    expect(text).toContain('÷ the upstream alone 0.40, ÷ node:http + jose 1.50, ÷ gatehouse /api/me 0.50');
    expect(text).toMatch(/gateway \/api\/hello non-2xx\s+0\s+0\s+yes/);
    const refused = renderReport({ ...base, meComparison: comparison(3) });
    expect(refused).toMatch(/gateway \/api\/hello non-2xx\s+3\s+0\s+NO/);
    // Without a gateway in the run, no gateway line and no verdict.
    expect(renderReport(base)).not.toContain('÷ the upstream alone');
    expect(renderReport(base)).toMatch(/gateway \/api\/hello non-2xx\s+n\/a/);
  });
});
