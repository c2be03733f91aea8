#!/usr/bin/env node
import { ConfigError } from '@gatehouse/common';
import { loadAuthServerConfig } from './config/load-auth-server-config.js';
import { startAuthServer } from './server/start-auth-server.js';

/** The message a supervising parent (`gatehouse start`) receives over IPC once the server listens. */
export interface AuthServerReadyMessage {
  readonly type: 'gatehouse:auth-server-ready';
  readonly issuer: string;
  readonly port: number;
}

// Runs the auth server alone: `node packages/auth-server/dist/main.js` (same env as `gatehouse start`), or as
// the child process `gatehouse start` supervises (then it reports readiness over IPC and stops with its parent).
try {
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
  if (process.send !== undefined) {
    const ready: AuthServerReadyMessage = {
      type: 'gatehouse:auth-server-ready',
      issuer: server.issuer,
      port: server.port,
    };
    process.send(ready);
    // The parent died without stopping us (kill -9): do not linger as an orphan holding the port.
    process.once('disconnect', stop);
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
