import { loadApiConfig } from '@gatehouse/api/config';
import {
  authStoreExists,
  issuerFor,
  loadAuthServerConfig,
  openConfiguredAuthStore,
} from '@gatehouse/auth-server';
import { createLogger } from '@gatehouse/common';
import type { DoctorTarget } from './doctor-target.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The set-up `gatehouse start` runs without OIDC_ISSUER: the embedded auth server at its issuer
 * (`AUTH_ISSUER`, or `http://localhost:$AUTH_PORT`) and the API's client in `DATA_DIR`, its secret read the way
 * `gatehouse start` reads it (OIDC_CLIENT_SECRET when set, else the one stored). Nothing is created: a DATA_DIR
 * no auth server has used, or a client not registered yet, is a finding that says to start it first.
 */
export async function embeddedTarget(env: Env): Promise<DoctorTarget> {
  const authConfig = loadAuthServerConfig(env);
  if (authConfig.issuer === undefined && authConfig.port === 0) {
    return {
      findings: [
        {
          check: 'config',
          status: 'fail',
          message:
            'AUTH_PORT=0: the embedded auth server picks its port when it starts, so doctor cannot know it',
          fix: 'set AUTH_PORT (or AUTH_ISSUER) to where the embedded auth server listens',
        },
      ],
    };
  }
  const issuer = issuerFor(authConfig, authConfig.port);
  // Every other setting as `gatehouse start` checks it; the secret is read below.
  const preliminary = loadApiConfig(env, { OIDC_ISSUER: issuer, OIDC_CLIENT_SECRET: 'read-below' });
  const client = `client ${preliminary.oidcClientId}`;
  // With DATABASE_URL the auth server's data is in the database, never in DATA_DIR.
  const where =
    authConfig.database === undefined ? `DATA_DIR ${preliminary.dataDir}` : 'the database at DATABASE_URL';
  const startFix = `run gatehouse start with this ${authConfig.database === undefined ? 'DATA_DIR' : 'DATABASE_URL'}: it registers ${client} for the API when it starts`;
  const logger = createLogger({ name: 'gatehouse-doctor', level: 'silent' });
  if (!(await authStoreExists(authConfig, { logger }))) {
    return {
      findings: [
        {
          check: 'client-id',
          status: 'fail',
          message: `no embedded auth server keeps its data in ${where} yet, so ${client} is not registered`,
          fix: startFix,
        },
      ],
    };
  }
  const store = await openConfiguredAuthStore(authConfig, { logger, applicationName: 'gatehouse-cli' });
  let stored: string | null | undefined;
  try {
    stored = (await store.clients.find(preliminary.oidcClientId))?.secret;
  } finally {
    await store.close();
  }
  if (stored === undefined) {
    return {
      findings: [
        {
          check: 'client-id',
          status: 'fail',
          message: `${client} is not registered at the embedded auth server (${where})`,
          fix: `${startFix} (or register it: gatehouse clients add ${preliminary.oidcClientId} …)`,
        },
      ],
    };
  }
  const secret = env.OIDC_CLIENT_SECRET || stored || undefined;
  const config = loadApiConfig(env, { OIDC_ISSUER: issuer, OIDC_CLIENT_SECRET: secret });
  return {
    config,
    provider: `the embedded auth server at ${issuer}`,
    hints: {
      unreachable: `the embedded auth server is not running at ${issuer}: start it with gatehouse start (or gatehouse start auth), with this DATA_DIR and AUTH_PORT`,
      clientId: `${client} is registered in DATA_DIR ${config.dataDir}, so the auth server at ${issuer} uses another DATA_DIR: run doctor with its DATA_DIR, or restart it with this one`,
      redirectUri: `gatehouse start registers ${config.publicUrl}/callback and ${config.publicUrl}/authorization-code/callback for ${client} when it starts: restart it with PUBLIC_URL=${config.publicUrl}`,
      credentials:
        'gatehouse start gives the client OIDC_CLIENT_SECRET when it is set, else keeps the stored secret: restart it with the environment doctor ran with',
    },
  };
}
