import { usage } from '../cli-error.js';
import type { RunCommand } from '../command.js';
import { printBanner } from '../start/print-banner.js';
import { startStack } from '../start/start-stack.js';

/**
 * `gatehouse start`: the embedded auth server and the API serving the SPA (or the API alone when
 * `OIDC_ISSUER` is set). Runs until SIGINT/SIGTERM, then shuts down cleanly and resolves 0.
 */
export const runStart: RunCommand = async (context) => {
  if (context.args.length > 0)
    throw usage(
      `start takes no arguments (got "${context.args[0]}"); configure it with environment variables`,
    );
  const started = Date.now();
  const stack = await startStack(context.env);
  await printBanner(context.stdout, stack, Date.now() - started);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      context.stdout.write(`\nReceived ${signal}, shutting down…\n`);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await stack.close();
  context.stdout.write('Stopped.\n');
  return 0;
};
