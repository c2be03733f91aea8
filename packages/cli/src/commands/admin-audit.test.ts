import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from './users-test-context.js';

const PASSWORD = 'a password of the admin 123';
const CLIENT_SECRET = 'client-secret-of-the-admin-0123456789';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

// docs/security.md 48: every change made with the CLI is one audit line (admin.*), never the secret it set.
describe('the audit log of CLI changes', () => {
  let dir: string;
  let file: string;
  let cli: ReturnType<typeof cliHarness>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-audit-'));
    file = join(dir, 'audit.log');
    cli = cliHarness({ AUDIT_LOG: file });
  });
  afterEach(() => {
    cli.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records users, clients and keys changes once each, and no reads', async () => {
    const runs: [string[], string][] = [
      [
        ['users', 'add', 'ada', '--email', 'ada@example.com', '--password-stdin', '--totp-secret', TOTP],
        PASSWORD,
      ],
      [['users', 'list'], ''],
      [['users', 'passwd', 'ada', '--password-stdin'], `${PASSWORD} 2`],
      [['users', 'roles', 'ada'], ''],
      [['users', 'roles', 'ada', '--add', 'admin'], ''],
      [['users', 'disable', 'ada'], ''],
      [['users', 'enable', 'ada'], ''],
      [
        ['clients', 'add', 'app', '--secret-stdin', '--redirect-uri', 'https://app.example.com/cb'],
        CLIENT_SECRET,
      ],
      [['clients', 'list'], ''],
      [['clients', 'remove', 'app'], ''],
      [['keys', 'rotate'], ''],
      [['keys', 'list'], ''],
      [['users', 'remove', 'ada'], ''],
      // Refused (no such user): no change, no line.
      [['users', 'disable', 'nobody'], ''],
    ];
    for (const [argv, stdin] of runs) await cli.run(argv, stdin);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.event, line.user ?? line.client ?? line.target])).toEqual([
      ['admin.users.add', 'ada'],
      ['admin.users.passwd', 'ada'],
      ['admin.users.roles', 'ada'],
      ['admin.users.disable', 'ada'],
      ['admin.users.enable', 'ada'],
      ['admin.clients.add', 'app'],
      ['admin.clients.remove', 'app'],
      ['admin.keys.rotate', 'auth'],
      ['key.rotated', 'auth'],
      ['admin.users.remove', 'ada'],
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({ outcome: 'success', address: 'cli' });
      expect(Date.parse(String(line.time))).not.toBeNaN();
    }
    const text = readFileSync(file, 'utf8');
    for (const secret of [PASSWORD, CLIENT_SECRET, TOTP]) expect(text).not.toContain(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
