import {
  addUser,
  assertTotpSecretAcceptable,
  generateTotpSecret,
  removeUser,
  setUserDisabled,
  setUserPassword,
  setUserTotpSecret,
} from '@gatehouse/auth-server';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext, RunCommand } from '../command.js';
import { readStdinSecret } from '../read-stdin.js';
import { parseNamed, parseOptions } from './subcommand-args.js';
import { runSubcommand } from './subcommands.js';
import { withAuthStore } from './users-auth-store.js';
import { table } from './users-table.js';
import { printTotp } from './users-totp-print.js';

const SYNOPSIS = {
  add: 'gatehouse users add <username> --email <e> --password-stdin [--name <n>] [--email-verified] [--totp-secret <BASE32> | --totp]',
  list: 'gatehouse users list',
  remove: 'gatehouse users remove <username>',
  passwd: 'gatehouse users passwd <username> --password-stdin',
  totp: 'gatehouse users totp <username> --enable [--totp-secret <BASE32>] | --disable',
  disable: 'gatehouse users disable <username>',
  enable: 'gatehouse users enable <username>',
};

/** `gatehouse users add|list|remove|passwd|totp|disable|enable`: the embedded auth server's accounts, in DATA_DIR. */
export const runUsers: RunCommand = (context) =>
  runSubcommand(context, { add, list, remove, passwd, totp, disable, enable }, SYNOPSIS);

async function add(context: CommandContext, args: readonly string[]): Promise<number> {
  const { name: username, values } = parseNamed(
    args,
    'username',
    {
      email: { type: 'string' },
      name: { type: 'string' },
      'email-verified': { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
      'totp-secret': { type: 'string' },
      totp: { type: 'boolean' },
    },
    SYNOPSIS.add,
  );
  if (!values.email) throw usage(`--email is required; usage: ${SYNOPSIS.add}`);
  if (!values['password-stdin']) throw usage(`--password-stdin is required; usage: ${SYNOPSIS.add}`);
  if (values.totp && values['totp-secret']) throw usage('use either --totp or --totp-secret, not both');
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
    }),
  );
  context.stdout.write(`Added user ${username}${totpSecret ? ' (with TOTP)' : ''}.\n`);
  if (values.totp && totpSecret) await printTotp(context.stdout, username, totpSecret);
  return 0;
}

async function list(context: CommandContext, args: readonly string[]): Promise<number> {
  parseOptions(args, {}, SYNOPSIS.list);
  const users = await withAuthStore(context, (store) => store.users.list());
  if (users.length === 0) {
    context.stdout.write('No users.\n');
    return 0;
  }
  const rows = users.map((user) => [
    user.username,
    user.email,
    user.name ?? '',
    user.totpSecret ? 'yes' : 'no',
    user.disabled ? 'yes' : 'no',
    user.id,
  ]);
  context.stdout.write(table(['USERNAME', 'EMAIL', 'NAME', 'TOTP', 'DISABLED', 'SUB'], rows));
  return 0;
}

async function remove(context: CommandContext, args: readonly string[]): Promise<number> {
  const { name: username } = parseNamed(args, 'username', {}, SYNOPSIS.remove);
  const removed = await withAuthStore(context, (store) => removeUser(store, username));
  if (!removed) throw new CliError('ERR_CLI_FAILED', `no user "${username}"`);
  context.stdout.write(`Removed user ${username}.\n`);
  return 0;
}

async function passwd(context: CommandContext, args: readonly string[]): Promise<number> {
  const { name: username, values } = parseNamed(
    args,
    'username',
    { 'password-stdin': { type: 'boolean' } },
    SYNOPSIS.passwd,
  );
  if (!values['password-stdin']) throw usage(`--password-stdin is required; usage: ${SYNOPSIS.passwd}`);
  const password = await readStdinSecret(context.stdin, 'the password');
  await withAuthStore(context, (store) => setUserPassword(store, username, password));
  context.stdout.write(`Changed the password of ${username}.\n`);
  return 0;
}

async function totp(context: CommandContext, args: readonly string[]): Promise<number> {
  const { name: username, values } = parseNamed(
    args,
    'username',
    {
      enable: { type: 'boolean' },
      disable: { type: 'boolean' },
      'totp-secret': { type: 'string' },
    },
    SYNOPSIS.totp,
  );
  if (Boolean(values.enable) === Boolean(values.disable)) {
    throw usage(`use exactly one of --enable or --disable; usage: ${SYNOPSIS.totp}`);
  }
  if (values.disable && values['totp-secret']) throw usage('--totp-secret goes with --enable');
  const secret = values.enable ? (values['totp-secret']?.toUpperCase() ?? generateTotpSecret()) : null;
  if (secret) assertTotpSecretAcceptableAsUsage(secret);
  await withAuthStore(context, (store) => setUserTotpSecret(store, username, secret));
  if (secret) {
    context.stdout.write(`Enabled TOTP for ${username}.\n`);
    if (!values['totp-secret']) await printTotp(context.stdout, username, secret);
  } else {
    context.stdout.write(`Disabled TOTP for ${username}.\n`);
  }
  return 0;
}

async function disable(context: CommandContext, args: readonly string[]): Promise<number> {
  const { name: username } = parseNamed(args, 'username', {}, SYNOPSIS.disable);
  await withAuthStore(context, (store) => setUserDisabled(store, username, true));
  context.stdout.write(`Disabled user ${username}; every session of it has ended.\n`);
  return 0;
}

async function enable(context: CommandContext, args: readonly string[]): Promise<number> {
  const { name: username } = parseNamed(args, 'username', {}, SYNOPSIS.enable);
  await withAuthStore(context, (store) => setUserDisabled(store, username, false));
  context.stdout.write(`Enabled user ${username}.\n`);
  return 0;
}

function assertTotpSecretAcceptableAsUsage(secret: string): void {
  try {
    assertTotpSecretAcceptable(secret);
  } catch (error) {
    throw usage(error instanceof Error ? error.message : String(error));
  }
}
