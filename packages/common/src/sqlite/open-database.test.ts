import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';

describe('openDatabase', () => {
  it('uses WAL and applies each migration once, across reopenings', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gh-')), 'test.sqlite');
    const migrations = ['CREATE TABLE t (v TEXT)', "INSERT INTO t VALUES ('x')"];
    const db = openDatabase(file, migrations);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = openDatabase(file, migrations);
    expect(again.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    again.close();
    expect(() => openDatabase(file, migrations.slice(0, 1))).toThrow(/newer/);
  });
});
