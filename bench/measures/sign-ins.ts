import { performance } from 'node:perf_hooks';
import { type Credentials, GatehouseClient } from '../gatehouse/gatehouse-client.js';
import { type CpuShare, startCpuShare } from '../harness/cpu-time.js';
import { median, percentile } from '../harness/stats.js';

/** Throughput and latency of full sign-ins, each from a fresh browser (password asked every time). */
export interface SignInRun {
  label: string;
  inFlight: number;
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
  totalP50Ms: number;
  totalP99Ms: number;
  /** Medians of the three legs of a sign-in: API steps 1–2, auth server steps 3–6, API steps 7–10. */
  loginP50Ms: number;
  authServerP50Ms: number;
  callbackP50Ms: number;
  callbackP99Ms: number;
  /** Cores busy in the Gatehouse process and in the bench process (the client) during the run. */
  cpu: CpuShare;
  firstError?: string;
}

/** Users to sign in (taken in order, wrapping around unless `maxCount` stops first), and the bounds. */
export interface SignInOptions {
  label: string;
  publicUrl: string;
  users: readonly Credentials[];
  inFlight: number;
  maxSeconds: number;
  maxCount: number;
  /** The Gatehouse process (or a cluster's processes), for its CPU share. */
  serverPid: number | readonly number[];
  /** How each sign-in must go: the password form (the default), or a passkey alone. */
  method?: 'password' | 'passkey';
}

/**
 * Full sign-ins through HTTP with `inFlight` running at once until `maxCount` or `maxSeconds`. Every sign-in
 * uses a new cookie jar, so the auth server asks for the password (and the TOTP code) each time, as for a
 * new visitor. Rate = completed ÷ wall time from the first start to the last finish.
 */
export async function measureSignIns(options: SignInOptions): Promise<SignInRun> {
  const totals: number[] = [];
  const callbacks: number[] = [];
  const logins: number[] = [];
  const authServer: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let started = 0;
  const cpu = startCpuShare(options.serverPid);
  const begin = performance.now();
  const deadline = begin + options.maxSeconds * 1000;
  // A passkey's signature counter moves with each sign-in: two sign-ins of one passkey in flight at once could
  // arrive out of order and be refused as a clone. So each lane keeps to its own passkey user.
  const lane = async (_: unknown, index: number): Promise<void> => {
    while (started < options.maxCount && performance.now() < deadline) {
      const user =
        options.method === 'passkey'
          ? options.users[index % options.users.length]
          : options.users[started % options.users.length];
      started += 1;
      if (!user) return;
      try {
        const result = await new GatehouseClient(options.publicUrl).signIn(user);
        if (options.method === 'passkey' ? !result.usedPasskey : !result.askedForPassword)
          throw new Error(
            `the sign-in did not go through ${options.method === 'passkey' ? 'a passkey' : 'the password form'}`,
          );
        totals.push(result.totalMs);
        callbacks.push(result.callbackMs);
        logins.push(result.loginMs);
        authServer.push(result.authServerMs);
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, lane));
  const cpuShare = cpu();
  const seconds = (performance.now() - begin) / 1000;
  return {
    label: options.label,
    inFlight: options.inFlight,
    completed: totals.length,
    failed,
    seconds,
    perSecond: totals.length / seconds,
    totalP50Ms: median(totals),
    totalP99Ms: percentile(totals, 99),
    loginP50Ms: median(logins),
    authServerP50Ms: median(authServer),
    callbackP50Ms: median(callbacks),
    callbackP99Ms: percentile(callbacks, 99),
    cpu: cpuShare,
    ...(firstError === undefined ? {} : { firstError }),
  };
}
