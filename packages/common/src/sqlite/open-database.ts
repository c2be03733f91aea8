import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** A better-sqlite3 database handle. */
export type SqliteDatabase = Database.Database;

/** Page cache per connection, in KiB (SQLite's own default; see openDatabase). */
export const PAGE_CACHE_KIB = 2000;

/** One schema step; applied once, in order, inside a transaction. */
export type Migration = string | ((db: SqliteDatabase) => void);

/**
 * Opens (creating if needed) a SQLite file for durable state: WAL journal, `synchronous=NORMAL` (a committed
 * transaction survives a killed process; only an OS crash can lose the last few), foreign keys on, a 2 MiB page
 * cache, and a busy timeout so a second process (the CLI while the server runs) waits instead of failing.
 * Pending migrations are applied, tracked by `PRAGMA user_version`. The file and its `-wal`/`-shm` companions are
 * private (0600) whatever the umask, in a 0700 directory: they hold sessions, users and sealed secrets.
 *
 * @example
 * const db = openDatabase(join(dataDir, 'api.sqlite'), ['CREATE TABLE contacts (id TEXT PRIMARY KEY)']);
 */
export function openDatabase(file: string, migrations: readonly Migration[]): SqliteDatabase {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    makePrivate(file);
  }
  const db = new Database(file);
  // First, so that a second process opening the same file at once waits instead of failing with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // better-sqlite3 compiles SQLite with a 16 MiB page cache per connection (SQLITE_DEFAULT_CACHE_SIZE=-16000);
  // it fills as the file grows and is never given back: ~19 MiB of each server's resident memory by 10,000
  // sessions. Our files are a few tens of MiB and stay in the OS page cache, so SQLite's own default (2 MiB)
  // costs nothing measurable (refresh grants/s on a 10,000-session store: no difference in 3 runs each).
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  migrate(db, migrations);
  return db;
}

/**
 * SQLite creates a new database file with 0644 (minus the umask), and its `-wal` and `-shm` files with the
 * database file's own mode (the unix VFS copies it). So the file is created empty with 0600 before SQLite opens
 * it (an empty file is a valid new database), and a file or companion left 0644 by an earlier version is
 * tightened: from then on every companion SQLite creates is 0600 too.
 */
function makePrivate(file: string): void {
  // 'a' creates the file if it is missing and never truncates one that exists.
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    let mode: number;
    try {
      mode = statSync(path).mode & 0o777;
    } catch (error) {
      // No companion yet: SQLite will create it with the database file's mode.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (mode & 0o077) chmodSync(path, 0o600);
  }
}

function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  // The version is read inside one write transaction, so two processes opening a new file at once (the
  // server and a CLI command) never both apply the same step: the second waits, then finds nothing to do.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new Error(
        `database schema version ${current} is newer than this program knows (${migrations.length}); upgrade Gatehouse`,
      );
    }
    for (let version = current; version < migrations.length; version++) {
      const step = migrations[version];
      if (typeof step === 'string') db.exec(step);
      else step?.(db);
    }
    if (current < migrations.length) db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
