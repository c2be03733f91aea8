import { helpRequested } from '../args/help-requested.js';
import { type CliError, usage } from '../cli-error.js';
import type { CommandContext, RunCommand } from '../command.js';
import { printAuthBanner } from '../start/print-auth-banner.js';
import { printBanner } from '../start/print-banner.js';
import { startAuthAlone } from '../start/start-auth-alone.js';
import { startStack } from '../start/start-stack.js';

const HELP = `Usage: gatehouse start [api|auth]

Runs Gatehouse until Ctrl-C (SIGINT) or SIGTERM, then stops cleanly.

  gatehouse start        the embedded auth server (in a child process it restarts if it crashes) and the API,
                         which serves the app; with OIDC_ISSUER set, the API alone against that provider
  gatehouse start api    the API alone, against OIDC_ISSUER (required), serving the app
  gatehouse start auth   the embedded auth server alone (its users and clients: gatehouse users, clients)

Options:
  -h, --help             show this help

Configured by environment variables (PORT, PUBLIC_URL, AUTH_PORT, OIDC_ISSUER, OIDC_CLIENT_ID,
OIDC_CLIENT_SECRET, DATA_DIR, LOG_LEVEL, NODE_ENV, …: see the README). A setting that cannot work stops the
start with one line naming it, exit 1. Logs are pretty lines on a terminal, JSON lines otherwise and with
NODE_ENV=production. If the embedded auth server fails 6 times within a minute, gatehouse start exits 1 so
that a service manager (systemd, Docker, Kubernetes) restarts it.
`;

/**
 * `gatehouse start [api|auth]`: both parts (or the API alone when `OIDC_ISSUER` is set), the API alone, or the
 * embedded auth server alone. Runs until SIGINT/SIGTERM, then shuts down cleanly and resolves 0; if the
 * embedded auth server stops for good, shuts down and fails with the one line that says why (exit 1).
 */
export const runStart: RunCommand = async (context) => {
  if (helpRequested(context.args)) {
    context.stdout.write(HELP);
    return 0;
  }
  const [mode, extra] = context.args;
  const unexpected = mode !== undefined && mode !== 'api' && mode !== 'auth' ? mode : extra;
  if (unexpected !== undefined) {
    throw usage(
      `unexpected argument "${unexpected}": start takes api, auth or nothing, and is configured by environment variables (see gatehouse start --help)`,
    );
  }
  const started = Date.now();
  if (mode === 'auth') {
    const auth = await startAuthAlone(context.env);
    // Listening for Ctrl-C before the banner says to press it: a signal before that would kill the process.
    const stopped = untilStopped(context);
    printAuthBanner(context.stdout, auth, Date.now() - started);
    await stopped;
    await auth.close();
    context.stdout.write('Stopped.\n');
    return 0;
  }

  const stack = await startStack(context.env, undefined, mode === 'api' ? { only: 'api' } : {});
  // Listening for Ctrl-C before the banner says to press it: a signal before that would kill the process.
  const stopped = untilStopped(context, stack.failed);
  await printBanner(context.stdout, stack, Date.now() - started);
  if (!stack.providerReady) {
    stack.whenProviderReady().then(
      () => context.stdout.write('  The provider answers: Gatehouse is running.\n\n'),
      () => undefined,
    );
  }
  const failure = await stopped;
  await stack.close();
  if (failure !== undefined) throw failure;
  context.stdout.write('Stopped.\n');
  return 0;
};

/**
 * Resolves on SIGINT or SIGTERM (undefined), or with the failure if `failed` settles first: a part that
 * stopped for good ends the whole command, so that whatever supervises this process restarts it.
 */
function untilStopped(context: CommandContext, failed?: Promise<CliError>): Promise<CliError | undefined> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals | CliError) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (typeof signal === 'string') {
        context.stdout.write(`\nReceived ${signal}, shutting down…\n`);
        resolve(undefined);
      } else resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    failed?.then(stop, () => undefined);
  });
}
