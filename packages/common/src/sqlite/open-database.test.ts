import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
