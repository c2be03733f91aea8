import type { Command } from '../command.js';

/**
 * A command whose module is imported only when it runs, so `gatehouse users list` does not load the API and
 * `gatehouse start` does not load the admin commands.
 */
function lazy(name: string, summary: string, load: () => Promise<Command>): Command {
  return { name, summary, run: async (context) => (await load()).run(context) };
}

/** Every `gatehouse` command, in the order `--help` lists them. Each lives in its own file. */
export const commands: readonly Command[] = [
  lazy(
    'start',
    'run the auth server and the API (the API alone when OIDC_ISSUER is set)',
    async () => (await import('./start.js')).startCommand,
  ),
  lazy(
    'users',
    'add, list, remove users; change a password; enable or disable TOTP',
    async () => (await import('./users.js')).usersCommand,
  ),
  lazy(
    'clients',
    'register, list and remove OpenID Connect clients of the embedded auth server',
    async () => (await import('./clients.js')).clientsCommand,
  ),
  lazy(
    'keys',
    "list or rotate the auth server's signing keys (--api: the API's)",
    async () => (await import('./keys.js')).keysCommand,
  ),
];
