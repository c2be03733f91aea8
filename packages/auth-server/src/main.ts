#!/usr/bin/env node
import { ConfigError } from '@gatehouse/common';
import { loadAuthServerConfig } from './config/load-auth-server-config.js';
import { startAuthServer } from './server/start-auth-server.js';

// Runs the auth server alone: `node packages/auth-server/dist/main.js` (same env as `gatehouse start`).
try {
  const server = await startAuthServer({ config: loadAuthServerConfig(process.env) });
  process.stdout.write(`Gatehouse auth server: ${server.issuer}\n`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
