import { openAuthStore } from '@gatehouse/auth-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from './users-test-context.js';

const PASSWORD = 'a sufficiently long password';

describe('gatehouse users', () => {
  let cli: ReturnType<typeof cliHarness>;
  beforeEach(() => {
    cli = cliHarness();
  });
  afterEach(() => {
    cli.cleanup();
  });

  it('adds, lists, changes and removes users in DATA_DIR', async () => {
    const added = await cli.run(
      ['users', 'add', 'dana', '--email', 'dana@example.com', '--name', 'Dana', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('Added user dana');
    expect(added.stdout).not.toContain(PASSWORD);

    const listed = await cli.run(['users', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/dana\s+dana@example\.com\s+Dana\s+no/);

    const store = openAuthStore(cli.dataDir);
    const before = (await store.users.findByUsername('dana'))?.passwordHash;
    expect(before).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(
      (await cli.run(['users', 'passwd', 'dana', '--password-stdin'], 'another long password')).code,
    ).toBe(0);
    expect((await store.users.findByUsername('dana'))?.passwordHash).not.toBe(before);

    const enabled = await cli.run(['users', 'totp', 'dana', '--enable']);
    expect(enabled.code).toBe(0);
    expect(enabled.stdout).toMatch(/otpauth:\/\/totp\/Gatehouse:dana\?/);
    const dana = String((await store.users.findByUsername('dana'))?.id);
    expect(await store.authenticators.totpSecret(dana)).toMatch(/^[A-Z2-7]{32}$/);
    expect((await cli.run(['users', 'totp', 'dana', '--disable'])).code).toBe(0);
    expect(await store.authenticators.totpSecret(dana)).toBeNull();
    expect((await cli.run(['users', 'disable', 'dana'])).code).toBe(0);
    expect((await store.users.findByUsername('dana'))?.disabled).toBe(true);
    expect((await cli.run(['users', 'list'])).stdout).toMatch(/dana\s+dana@example\.com\s+Dana\s+no\s+yes/);
    expect((await cli.run(['users', 'enable', 'dana'])).code).toBe(0);
    expect((await store.users.findByUsername('dana'))?.disabled).toBe(false);
    expect((await cli.run(['users', 'disable', 'nobody'])).code).toBe(1);
    await store.close();

    expect((await cli.run(['users', 'remove', 'dana'])).code).toBe(0);
    expect((await cli.run(['users', 'list'])).stdout).toBe('No users.\n');
  });

  it('generates a TOTP secret with --totp and prints it, its URI and, on a terminal, a QR code', async () => {
    const result = await cli.run(
      ['users', 'add', 'erin', '--email', 'erin@example.com', '--password-stdin', '--totp'],
      PASSWORD,
      { tty: true },
    );
    expect(result.code).toBe(0);
    const secret = /TOTP secret for erin: ([A-Z2-7]+)/.exec(result.stdout)?.[1];
    expect(secret).toHaveLength(32);
    expect(result.stdout).toContain(`secret=${secret}`);
    expect(result.stdout).toMatch(/[▀▄█]/);
    const store = openAuthStore(cli.dataDir);
    const erin = String((await store.users.findByUsername('erin'))?.id);
    expect(await store.authenticators.totpSecret(erin)).toBe(secret);
    await store.close();
  });

  // Regression: the QR code's escape codes went into files and pipes too.
  it('prints the secret and URI as text only, no escape codes, when the output is not a terminal', async () => {
    const result = await cli.run(
      ['users', 'add', 'fred', '--email', 'fred@example.com', '--password-stdin', '--totp'],
      PASSWORD,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/TOTP secret for fred: [A-Z2-7]{32}\notpauth:\/\/totp\/Gatehouse:fred\?/);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).not.toMatch(/[▀▄█]/);
  });

  it('takes a given --totp-secret and refuses a short one', async () => {
    const ok = await cli.run(
      [
        'users',
        'add',
        'finn',
        '--email',
        'f@example.com',
        '--password-stdin',
        '--totp-secret',
        'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      ],
      PASSWORD,
    );
    expect(ok.code).toBe(0);
    const short = await cli.run(
      [
        'users',
        'add',
        'gil',
        '--email',
        'g@example.com',
        '--password-stdin',
        '--totp-secret',
        'JBSWY3DPEHPK3PXP',
      ],
      PASSWORD,
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/160 bits/);
  });

  it('exits 2 with one line for bad arguments', async () => {
    const cases: string[][] = [
      ['users'],
      ['users', 'add', 'x', '--password-stdin'],
      ['users', 'add', 'x', '--email', 'x@example.com'],
      ['users', 'add', 'x', '--email', 'x@example.com', '--password-stdin', '--bogus'],
      [
        'users',
        'add',
        'x',
        '--email',
        'x@example.com',
        '--password-stdin',
        '--totp',
        '--totp-secret',
        'AAAA',
      ],
      ['users', 'remove'],
      ['users', 'totp', 'x'],
    ];
    for (const argv of cases) {
      const result = await cli.run(argv, PASSWORD);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^gatehouse users: /);
    }
    const short = await cli.run(
      ['users', 'add', 'x', '--email', 'x@example.com', '--password-stdin'],
      'short',
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 8/);
  });

  it('exits 1 for a duplicate or missing user', async () => {
    const args = ['users', 'add', 'hal', '--email', 'hal@example.com', '--password-stdin'];
    expect((await cli.run(args, PASSWORD)).code).toBe(0);
    const again = await cli.run(args, PASSWORD);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('gatehouse users: user "hal" already exists\n');
    expect((await cli.run(['users', 'remove', 'nobody'])).code).toBe(1);
  });

  it('gives roles with users add --role, lists, adds and removes them with users roles', async () => {
    const added = await cli.run(
      [
        'users',
        'add',
        'ivy',
        '--email',
        'ivy@example.com',
        '--password-stdin',
        '--role',
        'admin',
        '--role',
        'ops',
      ],
      PASSWORD,
    );
    expect(added.code).toBe(0);
    expect((await cli.run(['users', 'list'])).stdout).toMatch(
      /^ivy\s+ivy@example\.com\s+no\s+no\s+admin,ops\s/m,
    );
    expect(await cli.run(['users', 'roles', 'ivy'])).toMatchObject({
      code: 0,
      stdout: 'Roles of ivy: admin, ops\n',
    });
    const changed = await cli.run(['users', 'roles', 'ivy', '--add', 'billing:read', '--remove', 'admin']);
    expect(changed).toMatchObject({ code: 0, stdout: 'Roles of ivy: ops, billing:read\n' });
    const store = openAuthStore(cli.dataDir);
    expect((await store.users.findByUsername('ivy'))?.roles).toEqual(['ops', 'billing:read']);
    await store.close();
    expect(
      (await cli.run(['users', 'roles', 'ivy', '--remove', 'ops', '--remove', 'billing:read'])).stdout,
    ).toBe('ivy has no roles.\n');
    expect((await cli.run(['users', 'roles', 'nobody'])).code).toBe(1);
  });

  it('refuses a role that is empty, too long, has a space, a comma or a control character, and too many', async () => {
    const add = (role: string) =>
      cli.run(
        ['users', 'add', 'jo', '--email', 'jo@example.com', '--password-stdin', `--role=${role}`],
        PASSWORD,
      );
    for (const role of ['', 'x'.repeat(65), 'team lead', 'a,b', 'tab\there', 'caf\u00e9']) {
      const refused = await add(role);
      expect(refused.code, JSON.stringify(role)).toBe(2);
      expect(refused.stderr).toMatch(/^gatehouse users: role .* must be 1-64 printable ASCII characters/);
    }
    expect((await add('x'.repeat(64))).code).toBe(0);
    const many = Array.from({ length: 33 }, (_, index) => ['--add', `role-${index}`]).flat();
    const tooMany = await cli.run(['users', 'roles', 'jo', ...many]);
    expect(tooMany).toMatchObject({ code: 2, stderr: 'gatehouse users: a user may have at most 32 roles\n' });
  });

  it('lists a user’s passkeys and removes one with users passkeys; makes recovery codes with users recovery-codes', async () => {
    expect(
      (await cli.run(['users', 'add', 'kim', '--email', 'kim@example.com', '--password-stdin'], PASSWORD))
        .code,
    ).toBe(0);
    expect(await cli.run(['users', 'passkeys', 'kim'])).toMatchObject({
      code: 0,
      stdout: 'kim has no passkeys.\n',
    });
    const store = openAuthStore(cli.dataDir);
    const kim = String((await store.users.findByUsername('kim'))?.id);
    const passkey = {
      userId: kim,
      publicKey: new Uint8Array([1, 2, 3]),
      counter: 0,
      transports: ['internal'],
      backupEligible: true,
      backedUp: true,
      aaguid: '00000000-0000-0000-0000-000000000000',
    };
    await store.authenticators.addPasskey({ ...passkey, id: 'cred-laptop', name: 'Laptop' }, 1_800_000_000);
    await store.authenticators.addPasskey({ ...passkey, id: 'cred-phone', name: 'Phone' }, 1_800_000_060);
    const listed = await cli.run(['users', 'passkeys', 'kim']);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+CREATED \(UTC\)\s+LAST USED \(UTC\)\s+SYNCED\n/);
    expect(listed.stdout).toMatch(/cred-laptop\s+Laptop\s+2027-01-15 08:00\s+never\s+yes/);
    expect(listed.stdout).toContain('cred-phone');
    expect(await cli.run(['users', 'passkeys', 'kim', '--remove', 'cred-laptop'])).toMatchObject({
      code: 0,
      stdout: 'Removed passkey cred-laptop of kim.\n',
    });
    expect((await store.authenticators.listPasskeys(kim)).map((each) => each.id)).toEqual(['cred-phone']);
    expect((await cli.run(['users', 'passkeys', 'kim', '--remove', 'cred-laptop'])).code).toBe(1);
    expect((await cli.run(['users', 'passkeys', 'nobody'])).code).toBe(1);

    const made = await cli.run(['users', 'recovery-codes', 'kim']);
    expect(made.code).toBe(0);
    const codes = made.stdout
      .split('\n')
      .filter((line) => /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/.test(line));
    expect(codes).toHaveLength(10);
    expect((await store.authenticators.summary(kim)).recoveryCodes).toBe(10);
    const again = await cli.run(['users', 'recovery-codes', 'kim']);
    expect(again.stdout).not.toContain(String(codes[0]));
    expect((await store.authenticators.summary(kim)).recoveryCodes).toBe(10);
    expect((await cli.run(['users', 'recovery-codes', 'nobody'])).code).toBe(1);
    await store.close();
  });
});
