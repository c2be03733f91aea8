import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { runAlternating } from '../harness/alternate.js';
import { startCpuShare } from '../harness/cpu-time.js';
import { type LoadResult, runLoad } from '../harness/load.js';
import { median, ratio } from '../harness/stats.js';
import { type ComparisonServer, spawnServer } from '../servers/spawn-server.js';

/** Medians over the alternating rounds of one target. */
export interface TargetSummary {
  name: string;
  url: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Summed over every recorded round: must be 0. */
  non2xx: number;
  errors: number;
  /** Median cores busy in the target's process and in the bench process (autocannon) during a round. */
  serverCores: number;
  benchCores: number;
  rounds: (LoadResult & { serverCores: number; benchCores: number })[];
  /** Set when the target could not be measured (did not start, or refused the token before the run). */
  failure?: string;
}

/** The `/api/me` comparison: every target, and `/api/me`'s req/s divided by each other target's. */
export interface MeComparison {
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmUpSeconds: number;
  alg: string;
  targets: TargetSummary[];
  ratios: {
    meOverHealthz: number;
    meOverNodeJose: number;
    meOverFastifyJwt: number;
    meOverExpressJwtBearer: number;
    /** The plugin-guarded route of a team's app (the Fastify example's /api/hello), as /api/me's above. */
    helloOverOpen: number;
    helloOverNodeJose: number;
    helloOverFastifyJwt: number;
    helloOverExpressJwtBearer: number;
    helloOverMe: number;
    /** A guarded request through the gateway (`gatehouse start api` + UPSTREAM_URL) over the same upstream alone. */
    gatewayOverUpstream: number;
    /** … over node:http + jose (an upstream verifying the token itself, as a team would without Gatehouse). */
    gatewayOverNodeJose: number;
    gatewayOverMe: number;
  };
}

/** A team's own app on the plugin: its guarded `/api/hello`, and its open `/` (what routing alone costs there). */
export interface GuardedApp {
  url: string;
  pid: number;
  /** One valid access token of that app (its own keys and audience). */
  token: () => Promise<string>;
}

/** The gateway (`gatehouse start api` with UPSTREAM_URL) and the node:http upstream behind it. */
export interface GatewayApp {
  url: string;
  pid: number;
  upstreamUrl: string;
  upstreamPid: number;
  /** One valid access token of the gateway (its own keys and audience). */
  token: () => Promise<string>;
}

/** How to run the comparison. `token()` must return one valid API access token, the same for every target. */
export interface MeComparisonOptions {
  publicUrl: string;
  /** The Gatehouse process, for its CPU share. */
  serverPid: number;
  token: () => Promise<string>;
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmUpSeconds: number;
  /** The Fastify example, when it started: its guarded route is measured beside /api/me. */
  guarded?: GuardedApp;
  /** The gateway, when it started: a request forwarded through it, and its upstream hit directly. */
  gateway?: GatewayApp;
  log: (line: string) => void;
}

const ME = 'gatehouse /api/me';
const HEALTHZ = 'gatehouse /healthz';
const NODE_JOSE = 'node:http + jose';
const FASTIFY_JWT = 'fastify + @fastify/jwt';
const EXPRESS = 'express + express-oauth2-jwt-bearer';
const HELLO = 'example /api/hello (plugin guard)';
const OPEN = 'example / (no guard)';
const GATEWAY = 'gateway /api/hello → node:http upstream';
const UPSTREAM = 'node:http upstream alone (no auth)';

/**
 * `GET /api/me` with a valid bearer against the API's own `/healthz` and three alternatives verifying the
 * same token with the same key, issuer and audience, each in its own process; autocannon in this process.
 * Beside them, a team's app on the gatehouse plugin (the Fastify example): its guarded `/api/hello` with a token
 * of its own, and its open `/`; and the gateway: `GET /api/hello` with the gateway's token through `gatehouse start
 * api` to a node:http upstream, and that upstream alone (the same bearer sent, not checked). Rounds alternate (A B C D E …, A B C D E …) after one warm-up each, and the
 * summary keeps medians.
 */
export async function measureMeComparison(options: MeComparisonOptions): Promise<MeComparison> {
  const firstToken = await options.token();
  const header = decodeProtectedHeader(firstToken);
  const claims = decodePayload(firstToken);
  const alg = String(header.alg);
  const jwksUri = `${options.publicUrl}/.well-known/jwks.json`;
  const jwks = (await (await fetch(jwksUri, { signal: AbortSignal.timeout(10_000) })).json()) as {
    keys: JWK[];
  };
  const jwk = jwks.keys.find((key) => key.kid === header.kid) ?? jwks.keys[0];
  if (!jwk) throw new Error(`${jwksUri} has no keys`);
  const config = { jwk, jwksUri, alg, issuer: claims.iss, audience: claims.aud };
  options.log(`token: alg ${alg}, typ ${String(header.typ)}, iss ${claims.iss}, aud ${claims.aud}`);

  const servers: ComparisonServer[] = [];
  const failures = new Map<string, string>();
  for (const [name, file] of [
    [NODE_JOSE, './node-jose-server.js'],
    [FASTIFY_JWT, './fastify-jwt-server.js'],
    [EXPRESS, './express-jwt-server.js'],
  ] as const) {
    try {
      servers.push(await spawnServer(name, file, config));
    } catch (error) {
      failures.set(name, String(error));
    }
  }
  try {
    const guarded = options.guarded;
    const gateway = options.gateway;
    const urls = new Map<string, string>([
      [ME, `${options.publicUrl}/api/me`],
      [HEALTHZ, `${options.publicUrl}/healthz`],
      ...(guarded === undefined
        ? []
        : ([
            [HELLO, `${guarded.url}/api/hello`],
            [OPEN, `${guarded.url}/`],
          ] as [string, string][])),
      ...(gateway === undefined
        ? []
        : ([
            [GATEWAY, `${gateway.url}/api/hello`],
            [UPSTREAM, `${gateway.upstreamUrl}/api/hello`],
          ] as [string, string][])),
      ...servers.map((server): [string, string] => [server.name, `${server.url}/api/me`]),
    ]);
    // The gateway's CPU is its own process and the upstream's: a forwarded request costs both.
    const pids = new Map<string, number | readonly number[]>([
      [ME, options.serverPid],
      [HEALTHZ, options.serverPid],
      ...(guarded === undefined
        ? []
        : ([
            [HELLO, guarded.pid],
            [OPEN, guarded.pid],
          ] as [string, number][])),
      ...(gateway === undefined
        ? []
        : ([
            [GATEWAY, [gateway.pid, gateway.upstreamPid]],
            [UPSTREAM, gateway.upstreamPid],
          ] as [string, number | readonly number[]][])),
      ...servers.map((server): [string, number] => [server.name, server.pid]),
    ]);
    // Each app verifies its own tokens: the example's come from signing in through the example.
    const tokens = new Map<string, () => Promise<string>>([
      ...(guarded === undefined ? [] : [HELLO, OPEN].map((name) => [name, guarded.token] as const)),
      ...(gateway === undefined ? [] : [GATEWAY, UPSTREAM].map((name) => [name, gateway.token] as const)),
    ]);
    const tokenFor = (name: string) => (tokens.get(name) ?? options.token)();
    for (const [name, url] of urls) {
      const status = await probe(url, await tokenFor(name));
      if (status !== 200) failures.set(name, `answered ${status} to the token before the run`);
    }
    const measurable = [...urls].filter(([name]) => !failures.has(name));
    const results = await runAlternating(
      measurable.map(([name, url]) => ({
        name,
        run: async (seconds: number) => {
          const authorization = `Bearer ${await tokenFor(name)}`;
          const cpu = startCpuShare(pids.get(name) ?? 0);
          const load = await runLoad({
            url,
            headers: { authorization },
            connections: options.connections,
            durationSeconds: seconds,
          });
          const share = cpu();
          return { ...load, serverCores: share.server, benchCores: share.bench };
        },
      })),
      {
        rounds: options.rounds,
        roundSeconds: options.roundSeconds,
        warmUpSeconds: options.warmUpSeconds,
        onRound: (round, name, result) =>
          options.log(
            `  round ${round} ${name.padEnd(36)} ${Math.round(result.requestsPerSecond)} req/s` +
              (result.non2xx > 0 ? `, ${result.non2xx} non-2xx` : ''),
          ),
      },
    );
    const targets = [...urls].map(([name, url]): TargetSummary => {
      const rounds = results.get(name) ?? [];
      const failure = failures.get(name);
      return {
        name,
        url,
        requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
        p50Ms: median(rounds.map((round) => round.p50Ms)),
        p99Ms: median(rounds.map((round) => round.p99Ms)),
        non2xx: rounds.reduce((sum, round) => sum + round.non2xx, 0),
        errors: rounds.reduce((sum, round) => sum + round.errors, 0),
        serverCores: median(rounds.map((round) => round.serverCores)),
        benchCores: median(rounds.map((round) => round.benchCores)),
        rounds,
        ...(failure === undefined ? {} : { failure }),
      };
    });
    for (const [name, failure] of failures) {
      if (!urls.has(name)) targets.push(failedTarget(name, failure));
    }
    const rps = (name: string): number =>
      targets.find((target) => target.name === name)?.requestsPerSecond ?? Number.NaN;
    return {
      connections: options.connections,
      rounds: options.rounds,
      roundSeconds: options.roundSeconds,
      warmUpSeconds: options.warmUpSeconds,
      alg,
      targets,
      ratios: {
        meOverHealthz: ratio(rps(ME), rps(HEALTHZ)),
        meOverNodeJose: ratio(rps(ME), rps(NODE_JOSE)),
        meOverFastifyJwt: ratio(rps(ME), rps(FASTIFY_JWT)),
        meOverExpressJwtBearer: ratio(rps(ME), rps(EXPRESS)),
        helloOverOpen: ratio(rps(HELLO), rps(OPEN)),
        helloOverNodeJose: ratio(rps(HELLO), rps(NODE_JOSE)),
        helloOverFastifyJwt: ratio(rps(HELLO), rps(FASTIFY_JWT)),
        helloOverExpressJwtBearer: ratio(rps(HELLO), rps(EXPRESS)),
        helloOverMe: ratio(rps(HELLO), rps(ME)),
        gatewayOverUpstream: ratio(rps(GATEWAY), rps(UPSTREAM)),
        gatewayOverNodeJose: ratio(rps(GATEWAY), rps(NODE_JOSE)),
        gatewayOverMe: ratio(rps(GATEWAY), rps(ME)),
      },
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

function failedTarget(name: string, failure: string): TargetSummary {
  const nan = Number.NaN;
  return {
    name,
    url: '',
    requestsPerSecond: nan,
    p50Ms: nan,
    p99Ms: nan,
    non2xx: 0,
    errors: 0,
    serverCores: nan,
    benchCores: nan,
    rounds: [],
    failure,
  };
}

async function probe(url: string, token: string): Promise<number> {
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

function decodePayload(token: string): { iss: string; aud: string } {
  const payload = decodeJwt(token);
  const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
  if (payload.iss === undefined || aud === undefined) throw new Error('the API token has no iss/aud');
  return { iss: payload.iss, aud };
}
