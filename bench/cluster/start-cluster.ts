import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type RunningHaproxy, startHaproxy } from '@gatehouse/common/testing';
import { shebangNodeFlags } from '../harness/shebang-flags.js';
import { type ClusterProcess, gatehouseCommand, startClusterProcess } from './cluster-process.js';

/** The response header the cluster's proxies set: which server (`s0`, `s1`, …) answered. */
export const SERVED_BY = 'X-Served-By';

/** What {@link startCluster} runs. */
export interface ClusterOptions {
  /** A PostgreSQL database of its own (`startTestPostgres().createDatabase()`). */
  databaseUrl: string;
  /** API processes and auth-server processes, each behind a round-robin proxy of its own. */
  apis: number;
  auths: number;
  /** More settings for every process (e.g. `RATE_LIMIT_PER_MINUTE`). */
  env?: Record<string, string>;
}

/** A Gatehouse cluster on one database, as a team runs it: N API and M auth-server processes behind proxies. */
export interface RunningCluster {
  /** The API's public URL: its proxy's front (`PUBLIC_URL` of every API process). */
  readonly apiUrl: string;
  /** The issuer: the auth servers' proxy's front (`AUTH_ISSUER` and the API's `OIDC_ISSUER`). */
  readonly authUrl: string;
  readonly apis: readonly ClusterProcess[];
  readonly auths: readonly ClusterProcess[];
  /** `DATABASE_URL` and `GATEHOUSE_SECRET`, as every process and command of the cluster has them. */
  readonly env: Readonly<Record<string, string>>;
  /** Runs a `gatehouse` command against the cluster's database; rejects unless it exits 0. */
  cli(args: readonly string[], stdin?: string): Promise<string>;
  /** The process (by its proxy's server name, `s0`, …) that served an answer, from its `X-Served-By`. */
  servedBy(part: 'api' | 'auth', header: string | string[] | undefined): ClusterProcess | undefined;
  close(): Promise<void>;
}

/** The API's client at the cluster's auth servers. */
const CLIENT_ID = 'gatehouse-api';

/**
 * Starts a cluster: two haproxy fronts (round robin, no stickiness, a health check on `/readyz`, a failed connection
 * tried on another server), the client registered with `gatehouse clients add` on the shared database, then the
 * auth-server processes (`gatehouse start auth`) and the API processes (`gatehouse start api`), each with a
 * `DATA_DIR` of its own so that nothing can be shared through a file. Every process trusts the proxy's
 * `X-Forwarded-For` (`API_TRUST_PROXY`, `AUTH_TRUST_PROXY`).
 */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-cluster-'));
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    GATEHOUSE_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const proxies: RunningHaproxy[] = [];
  const processes: ClusterProcess[] = [];
  const cli = (args: readonly string[], stdin = ''): Promise<string> =>
    runCli(args, stdin, { ...env, DATA_DIR: join(workDir, 'cli') });
  try {
    const apiPorts = await distinctPorts(options.apis);
    const authPorts = await distinctPorts(options.auths);
    const proxy = (ports: readonly number[]) =>
      startHaproxy({
        backends: ports.map((port) => ({ host: '127.0.0.1', port })),
        // A server is out after 3 failed checks in a row (a second or so after a kill -9; a connection refused
        // meanwhile is redispatched), and back after 2 good ones: one slow answer under load does not flap it.
        healthCheck: { path: '/readyz', intervalMs: 300, fall: 3, rise: 2 },
        keepAlive: true,
        servedByHeader: SERVED_BY,
        redispatch: true,
      });
    const authProxy = await proxy(authPorts);
    proxies.push(authProxy);
    const apiProxy = await proxy(apiPorts);
    proxies.push(apiProxy);
    const authUrl = `http://localhost:${authProxy.port}`;
    const apiUrl = `http://localhost:${apiProxy.port}`;

    const clientSecret = randomBytes(32).toString('base64url');
    await cli(
      [
        'clients',
        'add',
        CLIENT_ID,
        '--secret-stdin',
        '--first-party',
        '--redirect-uri',
        `${apiUrl}/callback`,
        '--redirect-uri',
        `${apiUrl}/authorization-code/callback`,
        '--post-logout-redirect-uri',
        `${apiUrl}/`,
        '--backchannel-logout-uri',
        `${apiUrl}/api/backchannel-logout`,
      ],
      clientSecret,
    );

    const common = { ...env, ...options.env };
    // One after another: the first of each part applies the migrations; the others find them applied.
    const auths: ClusterProcess[] = [];
    for (const [index, port] of authPorts.entries()) {
      const started = await startClusterProcess({
        name: `auth-${index}`,
        part: 'auth',
        port,
        env: {
          ...common,
          AUTH_PORT: String(port),
          AUTH_ISSUER: authUrl,
          AUTH_TRUST_PROXY: '127.0.0.1',
          DATA_DIR: join(workDir, `auth-${index}`),
        },
      });
      auths.push(started);
      processes.push(started);
    }
    const apis: ClusterProcess[] = [];
    for (const [index, port] of apiPorts.entries()) {
      const started = await startClusterProcess({
        name: `api-${index}`,
        part: 'api',
        port,
        env: {
          ...common,
          PORT: String(port),
          PUBLIC_URL: apiUrl,
          OIDC_ISSUER: authUrl,
          OIDC_CLIENT_ID: CLIENT_ID,
          OIDC_CLIENT_SECRET: clientSecret,
          API_TRUST_PROXY: '127.0.0.1',
          DATA_DIR: join(workDir, `api-${index}`),
        },
      });
      apis.push(started);
      processes.push(started);
    }
    return {
      apiUrl,
      authUrl,
      apis,
      auths,
      env,
      cli,
      servedBy(part, header) {
        const name = Array.isArray(header) ? header[0] : header;
        const index = name === undefined ? Number.NaN : Number(/^s(\d+)$/.exec(name)?.[1]);
        return (part === 'api' ? apis : auths)[index];
      },
      async close() {
        await Promise.all(processes.map((running) => running.kill()));
        await Promise.all(proxies.map((running) => running.close()));
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(processes.map((running) => running.kill()));
    await Promise.all(proxies.map((running) => running.close()));
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count && attempt < count * 10; attempt += 1) ports.add(await freePort());
  return [...ports];
}

/** Runs the `gatehouse` command as a child process, its answer on stdout; rejects with its stderr. */
function runCli(args: readonly string[], stdin: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...shebangNodeFlags(gatehouseCommand), gatehouseCommand, ...args],
      {
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`gatehouse ${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.trim()}`));
    });
    child.stdin.end(stdin);
  });
}
