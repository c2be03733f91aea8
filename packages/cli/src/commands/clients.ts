import { addClient, CLIENT_AUTH_METHODS, type ClientAuthMethod } from '@gatehouse/auth-server';
import { runSubcommands } from '../args/run-subcommands.js';
import { subcommand } from '../args/subcommand.js';
import { CliError, usage } from '../cli-error.js';
import type { RunCommand } from '../command.js';
import { readStdinSecret } from '../read-stdin.js';
import { withAuthStore } from './users-auth-store.js';
import { table } from './users-table.js';

const STATE =
  'Every command works on DATA_DIR (default: .data at the top of this checkout), or on PostgreSQL with DATABASE_URL and GATEHOUSE_SECRET, while the servers run too.';

const add = subcommand({
  path: 'clients add',
  audit: () => ({}),
  synopsis:
    '<client-id> --secret-stdin --redirect-uri <uri>... [--name <display name>] [--post-logout-redirect-uri <uri>...] ' +
    '[--backchannel-logout-uri <uri>] [--first-party] ' +
    `[--auth-method ${CLIENT_AUTH_METHODS.join('|')}] [--jwks-uri <uri>] [--replace]`,
  summary: 'register an OpenID Connect client (a relying party) at the embedded auth server',
  operand: 'client-id',
  options: {
    'secret-stdin': {
      type: 'boolean',
      help: 'read the client secret (32 characters or more) from standard input',
    },
    name: {
      type: 'string',
      value: '<display name>',
      help: 'the name people see on the sign-in, consent and sign-out pages (default: the client id)',
    },
    'redirect-uri': {
      type: 'string',
      multiple: true,
      value: '<uri>',
      help: 'a redirect URI, matched exactly (required; repeat for more)',
    },
    'post-logout-redirect-uri': {
      type: 'string',
      multiple: true,
      value: '<uri>',
      help: 'where the provider may send the browser after logout (repeatable)',
    },
    'backchannel-logout-uri': {
      type: 'string',
      value: '<uri>',
      help: 'where the provider posts back-channel logout tokens',
    },
    'first-party': { type: 'boolean', help: 'skip the consent page (a client you run yourself)' },
    'auth-method': {
      type: 'string',
      value: '<method>',
      help: `how it authenticates at the token endpoint: ${CLIENT_AUTH_METHODS.join(', ')} (default client_secret_basic)`,
    },
    'jwks-uri': { type: 'string', value: '<uri>', help: 'its public keys, for private_key_jwt' },
    replace: { type: 'boolean', help: 'overwrite the registration of a client id that exists' },
  },
  notes: [
    'The secret is read from standard input, never the command line: printf \'%s\' "$SECRET" | …',
    'A client id that is already registered is refused unless --replace is given.',
    STATE,
  ],
  async run(context, { operand: clientId, values }) {
    const hint = ' (see gatehouse clients add --help)';
    const authMethod = (values['auth-method'] ?? 'client_secret_basic') as ClientAuthMethod;
    if (!CLIENT_AUTH_METHODS.includes(authMethod)) {
      throw usage(`--auth-method must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
    }
    const redirectUris = values['redirect-uri'] ?? [];
    if (redirectUris.length === 0) throw usage(`--redirect-uri is required${hint}`);
    const needsSecret = authMethod !== 'private_key_jwt';
    if (needsSecret && !values['secret-stdin']) throw usage(`--secret-stdin is required for ${authMethod}`);
    if (!needsSecret && values['secret-stdin']) throw usage('private_key_jwt clients have no secret');
    const secret = needsSecret ? await readStdinSecret(context.stdin, 'the client secret') : null;
    const replaced = await withAuthStore(context, async (store) => {
      const existed = (await store.clients.find(clientId)) !== undefined;
      // Registering is an upsert underneath: without --replace, a typo'd id must not overwrite another client.
      if (!values.replace && existed) {
        throw new CliError(
          'ERR_CLI_FAILED',
          `client "${clientId}" already exists; add --replace to overwrite its registration`,
        );
      }
      await addClient(store, {
        clientId,
        name: values.name ?? null,
        secret,
        redirectUris,
        postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
        backchannelLogoutUri: values['backchannel-logout-uri'] ?? null,
        authMethod,
        jwksUri: values['jwks-uri'] ?? null,
        firstParty: values['first-party'] ?? false,
      });
      return existed;
    });
    // Says what happened: --replace of a client that did not exist registers it.
    context.stdout.write(
      `${replaced ? 'Replaced' : 'Registered'} client ${clientId} (${authMethod}${values['first-party'] ? ', first-party' : ''}).\n`,
    );
    return 0;
  },
});

const list = subcommand({
  path: 'clients list',
  synopsis: '',
  summary: 'list the registered clients and their redirect URIs',
  options: {},
  notes: [STATE],
  async run(context) {
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
  },
});

const remove = subcommand({
  path: 'clients remove',
  audit: () => ({}),
  synopsis: '<client-id>',
  summary: 'remove a client registration',
  operand: 'client-id',
  options: {},
  notes: [STATE],
  async run(context, { operand: clientId }) {
    const removed = await withAuthStore(context, (store) => store.clients.remove(clientId));
    if (!removed) throw new CliError('ERR_CLI_FAILED', `no client "${clientId}"`);
    context.stdout.write(`Removed client ${clientId}.\n`);
    return 0;
  },
});

/** `gatehouse clients add|list|remove`: relying parties registered at the embedded auth server. */
export const runClients: RunCommand = (context) =>
  runSubcommands(context, {
    name: 'clients',
    summary: "the embedded auth server's OpenID Connect clients (relying parties)",
    subcommands: [add, list, remove],
  });
