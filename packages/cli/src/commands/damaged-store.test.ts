import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from './users-test-context.js';

// Issue 11, finding 6: on a damaged store `gatehouse users` said "unexpected error: file is not a database"
// where `gatehouse start` names DATA_DIR and what to do. Every command now says it as start does.
describe('gatehouse users, clients and keys on a damaged store', () => {
  let cli: ReturnType<typeof cliHarness>;
  beforeEach(() => {
    cli = cliHarness();
    mkdirSync(join(cli.dataDir, 'auth-server'), { recursive: true });
    writeFileSync(join(cli.dataDir, 'auth-server', 'auth.sqlite'), 'not a database');
  });
  afterEach(() => cli.cleanup());

  it.each([
    ['users', 'list'],
    ['clients', 'list'],
    ['keys', 'list'],
  ])('gatehouse %s %s: one line naming DATA_DIR, as start says it', async (command, sub) => {
    const result = await cli.run([command, sub]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `gatehouse ${command}: Invalid DATA_DIR: ${cli.dataDir} holds a database Gatehouse cannot use (file is not a database); restore it, or point DATA_DIR elsewhere\n`,
    );
  });
});
