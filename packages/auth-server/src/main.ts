#!/usr/bin/env node
// Runs the auth server alone: `node packages/auth-server/dist/main.js` (same env as `gatehouse start`), or as
// the child process `gatehouse start` supervises (then it reports readiness over IPC and stops with its parent).

import { AUTH_SERVER_GO, type AuthServerMessage, WAIT_FOR_GO_ARG } from './server/child-protocol.js';

const send = process.send?.bind(process);
// Asked for before the modules load (they are most of a start, and the answer may come while they do), which is
// why they are imported below rather than statically.
const go = send !== undefined && process.argv.includes(WAIT_FOR_GO_ARG) ? parentSaysGo(send) : undefined;
const [{ ConfigError }, { loadAuthServerConfig }, { startAuthServer }] = await Promise.all([
  import('@gatehouse/common'),
  import('./config/load-auth-server-config.js'),
  import('./server/start-auth-server.js'),
]);

try {
  await go;
  // The parent may go away while the server starts (between go and ready): noted now, acted on once started.
  let parentGone = false;
  const markGone = () => {
    parentGone = true;
  };
  if (send !== undefined) process.once('disconnect', markGone);
  const server = await startAuthServer({ config: loadAuthServerConfig(process.env) });
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
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
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
