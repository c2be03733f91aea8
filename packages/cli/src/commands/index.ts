import type { Command, RunCommand } from '../command.js';

/**
 * A command whose module is imported only when it runs, so `gatehouse users list` does not load the API and
 * `gatehouse start` does not load the admin commands. Its name and summary live here only, for `--help`.
 */
function lazy(name: string, summary: string, load: () => Promise<RunCommand>): Command {
  return { name, summary, run: async (context) => (await load())(context) };
}

/** Every `gatehouse` command, in the order `--help` lists them. Each runs from a file of its own. */
export const commands: readonly Command[] = [
  lazy(
    'start',
    'run the auth server and the API (start api, start auth: one of them)',
    async () => (await import('./start.js')).runStart,
  ),
  lazy(
    'users',
    'add, list, remove, disable and enable users; passwords, TOTP, roles, passkeys, recovery codes',
    async () => (await import('./users.js')).runUsers,
  ),
  lazy(
    'clients',
    'register, list and remove OpenID Connect clients of the embedded auth server',
    async () => (await import('./clients.js')).runClients,
  ),
  lazy(
    'keys',
    "list or rotate the auth server's signing keys (--api: the API's)",
    async () => (await import('./keys.js')).runKeys,
  ),
  lazy(
    'sessions',
    "list the API's live sessions and end them (revoke)",
    async () => (await import('./sessions.js')).runSessions,
  ),
  lazy(
    'doctor',
    'check the configuration against the real provider: one line per finding, with its fix',
    async () => (await import('./doctor.js')).runDoctorCommand,
  ),
];
