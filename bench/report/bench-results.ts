import type { CallbackLatency } from '../measures/callback-latency.js';
import type { HashLimit } from '../measures/hash-limit.js';
import type { MeComparison } from '../measures/me-comparison.js';
import type { RefreshRun } from '../measures/refresh.js';
import type { SessionMemory } from '../measures/session-memory.js';
import type { SignInRun } from '../measures/sign-ins.js';
import type { StartupTimes } from '../measures/startup.js';
import type { MachineInfo } from './machine.js';

/**
 * Everything one `npm run bench` measured, written to bench/results/latest.json. A measurement that failed
 * is absent and its error is in `errors`, so a partial run still reports what it could.
 */
export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  gatehouseEnv: Record<string, string>;
  settings: BenchSettings;
  hashLimit?: HashLimit;
  userSetup?: { users: number; seconds: number };
  startup?: StartupTimes;
  meComparison?: MeComparison;
  signInsPassword?: SignInRun;
  signInsTotp?: SignInRun;
  /** Passkey alone (a software authenticator in the bench process): no password hash on the path. */
  signInsPasskey?: SignInRun;
  refresh?: RefreshRun;
  callbackLatency?: CallbackLatency;
  sessionMemory?: SessionMemory;
  errors: Record<string, string>;
  /** Warning/error lines Gatehouse logged during the run, per instance (main, memory). */
  gatehouseLogs: Record<string, { count: number; first: string[] }>;
}

/** The bounds of a run; `BENCH_QUICK=1` shrinks them for a smoke run. */
export interface BenchSettings {
  quick: boolean;
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmUpSeconds: number;
  /** Users who sign in with a passkey alone (each enrolled on /account over HTTP). */
  passkeyUsers?: number;
  signInSeconds: number;
  signInInFlight: number;
  passwordUsers: number;
  totpUsers: number;
  refreshSessions: number;
  refreshSeconds: number;
  callbackSamples: number;
  sessions: number;
  sessionInFlight: number;
  sessionMaxSeconds: number;
  startupRepetitions: number;
  hashSamples: number;
}
