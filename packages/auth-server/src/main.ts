#!/usr/bin/env node
// Runs the auth server alone: `node packages/auth-server/dist/main.js` (same env as `gatehouse start`), or as
// the child process `gatehouse start` supervises (then it reports readiness over IPC and stops with its parent).

import { AUTH_SERVER_GO, type AuthServerMessage, WAIT_FOR_GO_ARG } from './server/child-protocol.js';

const send = process.send?.bind(process);
// Asked for before the modules load (they are most of a start, and the answer may come while they do), which is
// why they are imported below rather than statically.
const supervised = send !== undefined && process.argv.includes(WAIT_FOR_GO_ARG);
const go = send !== undefined && supervised ? parentSaysGo(send) : undefined;
const [{ ConfigError, createLogger, wantsPrettyLogs }, { loadAuthServerConfig }, { startAuthServer }] =
  await Promise.all([
    import('@gatehouse/common'),
    import('./config/load-auth-server-config.js'),
    import('./server/start-auth-server.js'),
  ]);

let logger: ReturnType<typeof createLogger> | undefined;
try {
  await go;
  // The parent may go away while the server starts (between go and ready): noted now, acted on once started.
  let parentGone = false;
  const markGone = () => {
    parentGone = true;
  };
  if (send !== undefined) process.once('disconnect', markGone);
  const config = loadAuthServerConfig(process.env);
  // Pretty lines for a person at a terminal (the parent's, when supervised: standard output is inherited).
  const log = createLogger({
    name: 'auth-server',
    level: config.logLevel,
    pretty: wantsPrettyLogs(process.env, process.stdout),
    // Written at once: its start-up lines are out before the parent, told it is ready, prints its banner there.
    sync: true,
  });
  logger = log;
  const server = await startAuthServer({ config, logger: log });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (send !== undefined) {
    process.off('disconnect', markGone);
    // The parent died without stopping us (kill -9): do not linger as an orphan holding the port.
    if (parentGone || !process.connected) stop();
    else {
      const ready: AuthServerMessage = {
        type: 'gatehouse:auth-server-ready',
        issuer: server.issuer,
        port: server.port,
      };
      send(ready);
      process.once('disconnect', stop);
    }
  } else {
    process.stdout.write(`Gatehouse auth server: ${server.issuer}\n`);
  }
} catch (error) {
  const configError = error instanceof ConfigError ? error : undefined;
  if (supervised && send !== undefined && process.connected) {
    // The parent prints the one line; the log keeps the stack of anything that is not a setting's fault.
    if (configError === undefined) logger?.error({ err: error }, 'auth server start failed');
    const failed: AuthServerMessage = {
      type: 'gatehouse:auth-server-failed',
      message: configError?.message ?? `the auth server could not start: ${messageOf(error)}`,
      ...(configError === undefined ? {} : { setting: configError.setting }),
    };
    send(failed, undefined, undefined, () => process.exit(1));
  } else {
    if (configError === undefined) throw error;
    process.stderr.write(`${configError.message}\n`);
    process.exit(1);
  }
}

/**
 * `gatehouse start` forks this process first thing, before it has checked the configuration, so that loading
 * modules overlaps its own work. Until the parent says go, nothing is opened or bound; if it goes away instead
 * (a bad setting, Ctrl-C), exit without having touched anything.
 */
function parentSaysGo(send: (message: AuthServerMessage) => unknown): Promise<void> {
  return new Promise((resolve) => {
    const gone = () => process.exit(0);
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== AUTH_SERVER_GO.type) return;
      process.off('message', onMessage);
      process.off('disconnect', gone);
      resolve();
    };
    process.once('disconnect', gone);
    process.on('message', onMessage);
    send({ type: 'gatehouse:auth-server-waiting' });
  });
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
}
