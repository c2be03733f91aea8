import { addClient, CLIENT_AUTH_METHODS, type ClientAuthMethod } from '@gatehouse/auth-server';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext, RunCommand } from '../command.js';
import { readStdinSecret } from '../read-stdin.js';
import { parseNamed, parseOptions } from './subcommand-args.js';
import { runSubcommand } from './subcommands.js';
import { withAuthStore } from './users-auth-store.js';
import { table } from './users-table.js';

const SYNOPSIS = {
  add:
    'gatehouse clients add <client-id> --secret-stdin --redirect-uri <uri>... [--name <display name>] [--post-logout-redirect-uri <uri>...] ' +
    '[--backchannel-logout-uri <uri>] [--first-party] [--auth-method client_secret_basic|client_secret_post|private_key_jwt] ' +
    '[--jwks-uri <uri>]',
  list: 'gatehouse clients list',
  remove: 'gatehouse clients remove <client-id>',
};

/** `gatehouse clients add|list|remove`: relying parties registered at the embedded auth server. */
export const runClients: RunCommand = (context) => runSubcommand(context, { add, list, remove }, SYNOPSIS);

async function add(context: CommandContext, args: readonly string[]): Promise<number> {
  const { name: clientId, values } = parseNamed(
    args,
    'client id',
    {
      'secret-stdin': { type: 'boolean' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      'first-party': { type: 'boolean' },
      'auth-method': { type: 'string' },
      'jwks-uri': { type: 'string' },
    },
    SYNOPSIS.add,
  );
  const authMethod = (values['auth-method'] ?? 'client_secret_basic') as ClientAuthMethod;
  if (!CLIENT_AUTH_METHODS.includes(authMethod)) {
    throw usage(`--auth-method must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
  }
  const redirectUris = values['redirect-uri'] ?? [];
  if (redirectUris.length === 0) throw usage(`--redirect-uri is required; usage: ${SYNOPSIS.add}`);
  const needsSecret = authMethod !== 'private_key_jwt';
  if (needsSecret && !values['secret-stdin']) throw usage(`--secret-stdin is required for ${authMethod}`);
  if (!needsSecret && values['secret-stdin']) throw usage('private_key_jwt clients have no secret');
  const secret = needsSecret ? await readStdinSecret(context.stdin, 'the client secret') : null;
  await withAuthStore(context, (store) =>
    addClient(store, {
      clientId,
      name: values.name ?? null,
      secret,
      redirectUris,
      postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
      backchannelLogoutUri: values['backchannel-logout-uri'] ?? null,
      authMethod,
      jwksUri: values['jwks-uri'] ?? null,
      firstParty: values['first-party'] ?? false,
    }),
  );
  context.stdout.write(
    `Registered client ${clientId} (${authMethod}${values['first-party'] ? ', first-party' : ''}).\n`,
  );
  return 0;
}

async function list(context: CommandContext, args: readonly string[]): Promise<number> {
  parseOptions(args, {}, SYNOPSIS.list);
  const clients = await withAuthStore(context, (store) => store.clients.list());
  if (clients.length === 0) {
    context.stdout.write('No clients.\n');
    return 0;
  }
  const rows = clients.map((client) => [
    client.clientId,
    client.authMethod,
    client.firstParty ? 'yes' : 'no',
    client.redirectUris.join(' '),
  ]);
  context.stdout.write(table(['CLIENT ID', 'AUTH METHOD', 'FIRST PARTY', 'REDIRECT URIS'], rows));
  return 0;
}

async function remove(context: CommandContext, args: readonly string[]): Promise<number> {
  const { name: clientId } = parseNamed(args, 'client id', {}, SYNOPSIS.remove);
  const removed = await withAuthStore(context, (store) => store.clients.remove(clientId));
  if (!removed) throw new CliError('ERR_CLI_FAILED', `no client "${clientId}"`);
  context.stdout.write(`Removed client ${clientId}.\n`);
  return 0;
}
