import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, type OidcProviderFixture, spaSignIn, startOidcProvider } from '@gatehouse/api/testing';
import { freePort } from '@gatehouse/common/testing';
import { runAlternating } from './harness/alternate.js';
import { trackChild } from './harness/child-registry.js';
import { type LoadResult, runLoad } from './harness/load.js';
import { median } from './harness/stats.js';

// `node bench/dist/express-router.js` (after `npm run build`; about two minutes): what Gatehouse's Express adapter
// costs, with `express.json()` mounted before or after its router. Each app runs in its own process, signed in
// against a local oidc-provider; autocannon here, rounds alternating, medians. Loopback only, every run bounded.
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.ROUND_SECONDS ?? 3);
const CONNECTIONS = 32;
const SECRET = 'bench-client-secret-of-at-least-32-characters';

const log = (line: string): void => {
  process.stderr.write(`[express-router] ${line}\n`);
};

interface App {
  order: 'before' | 'after' | 'without';
  url: string;
  child: ChildProcess;
  op?: OidcProviderFixture;
  token?: string;
}

async function startApp(order: App['order'], dataDir: string): Promise<App> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const op =
    order === 'without'
      ? undefined
      : await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl: url });
  const child = fork(new URL('./servers/express-gatehouse-server.js', import.meta.url), [], {
    env: {
      ...process.env,
      EXPRESS_ORDER: order,
      PORT: String(port),
      OIDC_ISSUER: op?.issuer ?? '',
      OIDC_CLIENT_SECRET: SECRET,
      DATA_DIR: join(dataDir, order),
      RATE_LIMIT_PER_MINUTE: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  trackChild(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${order} did not start within 30 s`)), 30_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`${order} exited with ${code}`)));
  });
  const app: App = { order, url, child, ...(op === undefined ? {} : { op }) };
  if (op !== undefined) {
    const signedIn = await spaSignIn(apiClient(url), (loginUrl) =>
      op.signIn(loginUrl, 'bob').then((back) => back.searchParams),
    );
    app.token = signedIn.accessToken;
  }
  return app;
}

const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-express-router-'));
const apps: App[] = [];
try {
  for (const order of ['without', 'after', 'before'] as const) apps.push(await startApp(order, dataDir));
  const targets = apps.flatMap((app) => {
    const name = app.order === 'without' ? 'no Gatehouse' : `express.json() ${app.order} the router`;
    const bearer = { authorization: `Bearer ${app.token}` };
    const json = { origin: app.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
    const runs: { name: string; options: Parameters<typeof runLoad>[0] }[] = [
      {
        name: `${name}: GET / (the app's open route)`,
        options: { url: `${app.url}/`, connections: CONNECTIONS, durationSeconds: 0 },
      },
    ];
    if (app.token !== undefined) {
      runs.push(
        {
          name: `${name}: GET /api/hello (guard)`,
          options: {
            url: `${app.url}/api/hello`,
            headers: bearer,
            connections: CONNECTIONS,
            durationSeconds: 0,
          },
        },
        {
          name: `${name}: GET /api/me (router)`,
          options: {
            url: `${app.url}/api/me`,
            headers: bearer,
            connections: CONNECTIONS,
            durationSeconds: 0,
          },
        },
        {
          name: `${name}: POST /api/logout {} (router, JSON body)`,
          options: {
            url: `${app.url}/api/logout`,
            method: 'POST',
            body: '{}',
            headers: json,
            connections: CONNECTIONS,
            durationSeconds: 0,
          },
        },
      );
    }
    return runs;
  });
  log(`${targets.length} targets, ${ROUNDS} rounds x ${SECONDS} s, ${CONNECTIONS} connections`);
  const results = await runAlternating<LoadResult>(
    targets.map((target) => ({
      name: target.name,
      run: (seconds) => runLoad({ ...target.options, durationSeconds: seconds }),
    })),
    {
      rounds: ROUNDS,
      roundSeconds: SECONDS,
      warmUpSeconds: 1,
      onRound: (round, name, result) =>
        log(`round ${round} ${name}: ${Math.round(result.requestsPerSecond)} req/s`),
    },
  );
  process.stdout.write(
    `Express 5 + gatehouseExpress, ${ROUNDS} alternating rounds x ${SECONDS} s, ${CONNECTIONS} connections, medians\n`,
  );
  process.stdout.write(
    `${'target'.padEnd(72)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(8)}\n`,
  );
  for (const target of targets) {
    const rounds = results.get(target.name) ?? [];
    const non2xx = rounds.reduce((sum, round) => sum + round.non2xx, 0);
    process.stdout.write(
      `${target.name.padEnd(72)} ${Math.round(median(rounds.map((r) => r.requestsPerSecond)))
        .toString()
        .padStart(7)} ${median(rounds.map((r) => r.p50Ms))
        .toFixed(1)
        .padStart(7)} ${median(rounds.map((r) => r.p99Ms))
        .toFixed(1)
        .padStart(7)} ${String(non2xx).padStart(8)}\n`,
    );
  }
} finally {
  for (const app of apps) {
    app.child.kill('SIGTERM');
    await app.op?.close();
  }
  await rm(dataDir, { recursive: true, force: true });
}
