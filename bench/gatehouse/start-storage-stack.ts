import { freePort } from '@gatehouse/common/testing';
import { addUser } from './add-user.js';
import type { Credentials } from './gatehouse-client.js';
import { type RunningGatehouse, startGatehouse } from './start-gatehouse.js';

/**
 * A `gatehouse start` with `users` created first, whose auth server keeps its state where `env` says: DATA_DIR
 * (`{}`), or PostgreSQL (`{ DATABASE_URL, GATEHOUSE_SECRET }`; the users are created there through the CLI too).
 * For a cluster, start more auth servers with the same env, AUTH_ISSUER and AUTH_TRUST_PROXY (`gatehouse start
 * auth`): they share everything through the database.
 */
export async function startStorageStack(
  dataDir: string,
  users: readonly Credentials[],
  env: Record<string, string>,
): Promise<RunningGatehouse> {
  for (const user of users) await addUser(dataDir, { ...user, email: `${user.username}@example.test` }, env);
  return startGatehouse({ port: await freePort(), authPort: await freePort(), dataDir, env });
}
