import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** Where Debian puts PostgreSQL 15's server programs (`initdb`, `pg_ctl`); `PG_BIN` overrides it. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A throwaway PostgreSQL server for tests, on a free loopback port, its data in a temporary folder. */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  /** Creates a new empty database and returns its URL: one per test keeps tests apart. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: connections are cut), keeping its data: a database outage. */
  stop(): Promise<void>;
  /** Starts it again, on the same port and data. */
  start(): Promise<void>;
  /** Stops the server at once and deletes its data. */
  close(): Promise<void>;
}

/**
 * Starts PostgreSQL for a test: `initdb` into a temporary folder (trust authentication, loopback only, fsync off:
 * nothing here must survive a power cut) and `pg_ctl start` on a free port. PostgreSQL refuses to run as root, so
 * as root (CI) both run as the `postgres` user, which owns the folder. A process that exits without `close()`
 * still stops the server it started, so no postmaster outlives its test run.
 *
 * @example
 * const postgres = await startTestPostgres();
 * const url = await postgres.createDatabase();
 * // … open stores on `url` …
 * await postgres.close();
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  mkdirSync(sockets);
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? pgUser() : undefined;
  if (owner !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(sockets, owner.uid, owner.gid);
  }
  const pgRun = (program: string, args: readonly string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(PG_BIN, program), ...args], { cwd: dir })
      : run(join(PG_BIN, program), [...args], { cwd: dir });

  await pgRun('initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${sockets}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const start = async () => {
    await pgRun('pg_ctl', [
      '-D',
      data,
      '-o',
      options,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      'start',
    ]);
  };
  const stopServer = async (mode: 'fast' | 'immediate') => {
    if (!existsSync(join(data, 'postmaster.pid'))) return;
    await pgRun('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
  };
  // Last resort, synchronous: the postmaster's pid is the first line of postmaster.pid.
  const killOnExit = () => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // Not running.
    }
  };
  process.once('exit', killOnExit);
  await start();

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    port,
    async createDatabase() {
      databases += 1;
      const name = `test_${process.pid}_${databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop: () => stopServer('fast'),
    start,
    async close() {
      process.off('exit', killOnExit);
      try {
        await stopServer('immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function pgUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      'running as root, PostgreSQL needs a `postgres` user to run as (apt-get install postgresql)',
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}
