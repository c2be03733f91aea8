import {
  addUser,
  assertTotpSecretAcceptable,
  changeUserRoles,
  createUserRecoveryCodes,
  generateTotpSecret,
  listUserPasskeys,
  removeUser,
  removeUserPasskey,
  setUserDisabled,
  setUserPassword,
  setUserTotpSecret,
} from '@gatehouse/auth-server';
import { runSubcommands } from '../args/run-subcommands.js';
import { subcommand } from '../args/subcommand.js';
import { CliError, usage } from '../cli-error.js';
import type { RunCommand } from '../command.js';
import { readStdinSecret } from '../read-stdin.js';
import { withAuthStore } from './users-auth-store.js';
import { table } from './users-table.js';
import { printTotp } from './users-totp-print.js';

const STATE =
  'Every command works on DATA_DIR (default: .data at the top of this checkout), or on PostgreSQL with DATABASE_URL and GATEHOUSE_SECRET, while the servers run too.';
const ROLES_NOTE =
  'Roles: 1-64 printable ASCII characters without spaces or commas, at most 32 a user; released as the `roles` claim to clients granted the `roles` scope.';
const PASSWORD_NOTE =
  'The password is read from standard input, never the command line: printf \'%s\' "$PASSWORD" | …';

const add = subcommand({
  path: 'users add',
  audit: () => ({}),
  synopsis:
    '<username> --email <e> --password-stdin [--name <n>] [--email-verified] [--totp-secret <BASE32> | --totp] [--role <r>]…',
  summary: 'add a user of the embedded auth server, its password read from standard input',
  operand: 'username',
  options: {
    email: { type: 'string', value: '<e>', help: 'email address (required)' },
    'password-stdin': { type: 'boolean', help: 'read the password from standard input (required)' },
    name: { type: 'string', value: '<n>', help: 'display name' },
    'email-verified': { type: 'boolean', help: 'mark the email address as verified' },
    'totp-secret': {
      type: 'string',
      value: '<BASE32>',
      help: 'a second factor with this TOTP secret (at least 160 bits)',
    },
    totp: { type: 'boolean', help: 'a second factor with a new TOTP secret, printed with its QR code' },
    role: {
      type: 'string',
      multiple: true,
      value: '<r>',
      help: 'a role (repeatable), released as the roles claim',
    },
  },
  notes: [PASSWORD_NOTE, ROLES_NOTE, STATE],
  async run(context, { operand: username, values }) {
    const hint = ' (see gatehouse users add --help)';
    if (!values.email) throw usage(`--email is required${hint}`);
    if (!values['password-stdin']) throw usage(`--password-stdin is required${hint}`);
    if (values.totp && values['totp-secret'])
      throw usage(`use either --totp or --totp-secret, not both${hint}`);
    const totpSecret = values.totp ? generateTotpSecret() : values['totp-secret']?.toUpperCase();
    if (totpSecret) assertTotpSecretAcceptableAsUsage(totpSecret);
    const password = await readStdinSecret(context.stdin, 'the password');
    const email = values.email;
    await withAuthStore(context, (store) =>
      addUser(store, {
        username,
        email,
        password,
        name: values.name ?? null,
        emailVerified: values['email-verified'] ?? false,
        totpSecret: totpSecret ?? null,
        roles: values.role ?? [],
      }),
    );
    context.stdout.write(`Added user ${username}${totpSecret ? ' (with TOTP)' : ''}.\n`);
    if (values.totp && totpSecret) await printTotp(context.stdout, username, totpSecret);
    return 0;
  },
});

const list = subcommand({
  path: 'users list',
  synopsis: '',
  summary: 'list the users: username, email, name, TOTP, disabled, roles, subject',
  options: {},
  notes: [STATE],
  async run(context) {
    const users = await withAuthStore(context, async (store) =>
      Promise.all(
        (await store.users.list()).map(async (user) => ({
          ...user,
          factors: await store.authenticators.summary(user.id),
        })),
      ),
    );
    if (users.length === 0) {
      context.stdout.write('No users.\n');
      return 0;
    }
    const rows = users.map((user) => [
      user.username,
      user.email,
      user.name ?? '',
      user.factors.totp ? 'yes' : 'no',
      user.disabled ? 'yes' : 'no',
      user.roles.join(','),
      user.id,
    ]);
    context.stdout.write(table(['USERNAME', 'EMAIL', 'NAME', 'TOTP', 'DISABLED', 'ROLES', 'SUB'], rows));
    return 0;
  },
});

const remove = subcommand({
  path: 'users remove',
  audit: () => ({}),
  synopsis: '<username>',
  summary: 'remove a user, ending every session, grant and token of the account',
  operand: 'username',
  options: {},
  notes: [STATE],
  async run(context, { operand: username }) {
    const removed = await withAuthStore(context, (store) => removeUser(store, username));
    if (!removed) throw new CliError('ERR_CLI_FAILED', `no user "${username}"`);
    context.stdout.write(`Removed user ${username}.\n`);
    return 0;
  },
});

const passwd = subcommand({
  path: 'users passwd',
  audit: () => ({}),
  synopsis: '<username> --password-stdin',
  summary: "set a user's password, read from standard input, ending the account's sessions",
  operand: 'username',
  options: {
    'password-stdin': { type: 'boolean', help: 'read the new password from standard input (required)' },
  },
  notes: [PASSWORD_NOTE, STATE],
  async run(context, { operand: username, values }) {
    if (!values['password-stdin'])
      throw usage('--password-stdin is required (see gatehouse users passwd --help)');
    const password = await readStdinSecret(context.stdin, 'the password');
    await withAuthStore(context, (store) => setUserPassword(store, username, password));
    context.stdout.write(`Changed the password of ${username}.\n`);
    return 0;
  },
});

const totp = subcommand({
  path: 'users totp',
  audit: () => ({}),
  synopsis: '<username> --enable [--totp-secret <BASE32>] | --disable',
  summary: "turn a user's TOTP second factor on (a new secret, printed with its QR code) or off",
  operand: 'username',
  options: {
    enable: { type: 'boolean', help: 'turn TOTP on, with a new secret unless --totp-secret gives one' },
    disable: { type: 'boolean', help: 'turn TOTP off' },
    'totp-secret': {
      type: 'string',
      value: '<BASE32>',
      help: 'the secret to use with --enable (160 bits or more)',
    },
  },
  notes: [STATE],
  async run(context, { operand: username, values }) {
    const hint = ' (see gatehouse users totp --help)';
    if (Boolean(values.enable) === Boolean(values.disable)) {
      throw usage(`use exactly one of --enable or --disable${hint}`);
    }
    if (values.disable && values['totp-secret']) throw usage(`--totp-secret goes with --enable${hint}`);
    const secret = values.enable ? (values['totp-secret']?.toUpperCase() ?? generateTotpSecret()) : null;
    if (secret) assertTotpSecretAcceptableAsUsage(secret);
    // Through the user admin, which also ends the account's sessions and tells the clients (docs/security.md 49).
    await withAuthStore(context, (store) => setUserTotpSecret(store, username, secret));
    if (secret) {
      context.stdout.write(`Enabled TOTP for ${username}.\n`);
      if (!values['totp-secret']) await printTotp(context.stdout, username, secret);
    } else {
      context.stdout.write(`Disabled TOTP for ${username}.\n`);
    }
    return 0;
  },
});

const disable = subcommand({
  path: 'users disable',
  audit: () => ({}),
  synopsis: '<username>',
  summary: 'stop a user from signing in, ending every session of the account',
  operand: 'username',
  options: {},
  notes: [STATE],
  async run(context, { operand: username }) {
    await withAuthStore(context, (store) => setUserDisabled(store, username, true));
    context.stdout.write(`Disabled user ${username}; every session of it has ended.\n`);
    return 0;
  },
});

const enable = subcommand({
  path: 'users enable',
  audit: () => ({}),
  synopsis: '<username>',
  summary: 'let a disabled user sign in again',
  operand: 'username',
  options: {},
  notes: [STATE],
  async run(context, { operand: username }) {
    await withAuthStore(context, (store) => setUserDisabled(store, username, false));
    context.stdout.write(`Enabled user ${username}.\n`);
    return 0;
  },
});

const roles = subcommand({
  path: 'users roles',
  audit: (values) => (values.add !== undefined || values.remove !== undefined) && {},
  synopsis: '<username> [--add <r>]… [--remove <r>]…',
  summary: "list a user's roles, or add and remove some (its sessions go on)",
  operand: 'username',
  options: {
    add: { type: 'string', multiple: true, value: '<r>', help: 'add a role (repeatable)' },
    remove: { type: 'string', multiple: true, value: '<r>', help: 'remove a role (repeatable)' },
  },
  notes: [ROLES_NOTE, 'Applications see the change at the next sign-in or token refresh.', STATE],
  async run(context, { operand: username, values }) {
    const change = { add: values.add ?? [], remove: values.remove ?? [] };
    const changing = change.add.length > 0 || change.remove.length > 0;
    const result = await withAuthStore(context, async (store) => {
      if (changing) return changeUserRoles(store, username, change);
      const user = await store.users.findByUsername(username);
      if (!user) throw new CliError('ERR_CLI_FAILED', `no user "${username}"`);
      return user.roles;
    });
    context.stdout.write(
      result.length === 0 ? `${username} has no roles.\n` : `Roles of ${username}: ${result.join(', ')}\n`,
    );
    return 0;
  },
});

const passkeys = subcommand({
  path: 'users passkeys',
  audit: (values) => values.remove !== undefined && {},
  synopsis: '<username> [--remove <id>]',
  summary: "list a user's passkeys (id, name, created, last used), or remove one",
  operand: 'username',
  options: {
    remove: {
      type: 'string',
      value: '<id>',
      help: 'remove the passkey with this id (a lost device); it signs in nowhere after',
    },
  },
  notes: ["Passkeys are added by their owner, on the auth server's /account page.", STATE],
  async run(context, { operand: username, values }) {
    if (values.remove !== undefined) {
      const id = values.remove;
      await withAuthStore(context, (store) => removeUserPasskey(store, username, id));
      context.stdout.write(`Removed passkey ${id} of ${username}.\n`);
      return 0;
    }
    const list = await withAuthStore(context, (store) => listUserPasskeys(store, username));
    if (list.length === 0) {
      context.stdout.write(`${username} has no passkeys.\n`);
      return 0;
    }
    const time = (seconds: number | null) =>
      seconds === null ? 'never' : new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
    const rows = list.map((passkey) => [
      passkey.id,
      passkey.name,
      time(passkey.createdAt),
      time(passkey.lastUsedAt),
      passkey.backupEligible ? 'yes' : 'no',
    ]);
    context.stdout.write(table(['ID', 'NAME', 'CREATED (UTC)', 'LAST USED (UTC)', 'SYNCED'], rows));
    return 0;
  },
});

const recoveryCodes = subcommand({
  path: 'users recovery-codes',
  audit: () => ({}),
  synopsis: '<username>',
  summary: 'make a new set of ten recovery codes for a user (voiding the old ones) and print them',
  operand: 'username',
  options: {},
  notes: [
    'Each code signs in once, in place of the second factor. They are printed only now (stored hashed): hand them over safely.',
    STATE,
  ],
  async run(context, { operand: username }) {
    const codes = await withAuthStore(context, (store) => createUserRecoveryCodes(store, username));
    context.stdout.write(
      `Recovery codes for ${username} (each works once; the old ones no longer do):\n${codes.join('\n')}\n`,
    );
    return 0;
  },
});

/** `gatehouse users add|list|remove|passwd|totp|disable|enable|roles|passkeys|recovery-codes`: the embedded auth server's accounts, in DATA_DIR. */
export const runUsers: RunCommand = (context) =>
  runSubcommands(context, {
    name: 'users',
    summary: "the embedded auth server's users",
    subcommands: [add, list, remove, passwd, totp, disable, enable, roles, passkeys, recoveryCodes],
    notes: [STATE],
  });

function assertTotpSecretAcceptableAsUsage(secret: string): void {
  try {
    assertTotpSecretAcceptable(secret);
  } catch (error) {
    throw usage(error instanceof Error ? error.message : String(error));
  }
}
