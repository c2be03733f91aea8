import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, PAGE_CACHE_KIB } from './open-database.js';

describe('openDatabase', () => {
  it('uses WAL and applies each migration once, across reopenings', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gh-')), 'test.sqlite');
    const migrations = ['CREATE TABLE t (v TEXT)', "INSERT INTO t VALUES ('x')"];
    const db = openDatabase(file, migrations);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // Regression: better-sqlite3's build default is a 16 MiB cache per connection, held once filled.
    expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    expect(PAGE_CACHE_KIB).toBeLessThanOrEqual(2000);
    db.close();
    const again = openDatabase(file, migrations);
    expect(again.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    again.close();
    expect(() => openDatabase(file, migrations.slice(0, 1))).toThrow(/newer/);
  });

  // docs/security.md: everything in DATA_DIR is private. SQLite alone creates the file 0644 under the usual umask
  // 022, and its -wal and -shm files with the same mode as the database file.
  it('creates the database and its -wal and -shm files 0600 under umask 022, and tightens older 0644 ones', () => {
    const previous = process.umask(0o022);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'gh-'));
      const file = join(dir, 'new', 'private.sqlite');
      const db = openDatabase(file, ['CREATE TABLE t (v TEXT)']);
      db.prepare("INSERT INTO t VALUES ('x')").run();
      const mode = (path: string) => statSync(path).mode & 0o777;
      // The companions exist while the database is open in WAL mode, so all three are checked.
      expect([file, `${file}-wal`, `${file}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
      expect(mode(join(dir, 'new'))).toBe(0o700);
      db.close();

      // A file an earlier version created 0644, with companions a crash left behind.
      const old = join(dir, 'old.sqlite');
      const before = openDatabase(old, ['CREATE TABLE t (v TEXT)']);
      before.close();
      for (const path of [old, `${old}-wal`, `${old}-shm`]) {
        writeFileSync(path, '', { flag: 'a' });
        chmodSync(path, 0o644);
      }
      const reopened = openDatabase(old, ['CREATE TABLE t (v TEXT)']);
      expect([old, `${old}-wal`, `${old}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
      reopened.close();
    } finally {
      process.umask(previous);
    }
  });

  it('lets several processes open a new file at once without applying a migration twice', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gh-')), 'race.sqlite');
    // The children run the built package (npm test builds before it tests): real processes, real file locks.
    const built = new URL('../../dist/index.js', import.meta.url).href;
    const script = `import(${JSON.stringify(built)}).then(({ openDatabase }) => {
      openDatabase(${JSON.stringify(file)}, ['CREATE TABLE t (v TEXT)', "INSERT INTO t VALUES ('x')"]).close();
    }).catch((error) => { console.error(error.message); process.exit(1); });`;
    const codes = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<number | null>((resolve) => {
            spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' }).on(
              'exit',
              resolve,
            );
          }),
      ),
    );
    expect(codes).toEqual([0, 0, 0, 0]);
    const db = openDatabase(file, ['CREATE TABLE t (v TEXT)', "INSERT INTO t VALUES ('x')"]);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    db.close();
  });
});
