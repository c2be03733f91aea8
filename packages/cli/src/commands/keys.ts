import {
  isSigningAlgorithm,
  listSigningKeys,
  rotateSigningKeys,
  SIGNING_ALGORITHMS,
} from '@gatehouse/auth-server';
import { usage } from '../cli-error.js';
import type { CommandContext, RunCommand } from '../command.js';
import { parseOptions } from './subcommand-args.js';
import { runSubcommand } from './subcommands.js';
import { dataDirOf, withAuthStore } from './users-auth-store.js';
import { table } from './users-table.js';

const SYNOPSIS = {
  list: 'gatehouse keys list [--api]',
  rotate: `gatehouse keys rotate [--api] [--alg ${SIGNING_ALGORITHMS.join('|')}]`,
};

/**
 * `gatehouse keys list|rotate`: the embedded auth server's ID token signing keys, or with `--api` the API's own
 * access-token signing key. A rotated-out key stays published in JWKS until the tokens it signed expire.
 */
export const runKeys: RunCommand = (context) => runSubcommand(context, { list, rotate }, SYNOPSIS);

async function list(context: CommandContext, args: readonly string[]): Promise<number> {
  const values = parseOptions(args, { api: { type: 'boolean' } }, SYNOPSIS.list);
  if (values.api) {
    // Loaded only for --api: the API package is the heaviest import of the CLI.
    const { listApiSigningKeys } = await import('@gatehouse/api');
    const keys = await listApiSigningKeys(dataDirOf(context));
    const rows = keys.map((key) => [key.kid, key.alg, key.status, key.created_at, key.retired_at ?? '']);
    context.stdout.write(table(['KID', 'ALG', 'STATUS', 'CREATED', 'RETIRED'], rows));
    return 0;
  }
  const keys = await withAuthStore(context, (store) => listSigningKeys(store));
  if (keys.length === 0) {
    context.stdout.write('No keys yet: they are generated when the auth server first starts.\n');
    return 0;
  }
  const rows = keys.map((key) => [
    key.kid,
    key.alg,
    key.status,
    iso(key.createdAt),
    key.retiredAt === null ? '' : iso(key.retiredAt),
  ]);
  context.stdout.write(table(['KID', 'ALG', 'STATUS', 'CREATED', 'RETIRED'], rows));
  return 0;
}

async function rotate(context: CommandContext, args: readonly string[]): Promise<number> {
  const values = parseOptions(args, { api: { type: 'boolean' }, alg: { type: 'string' } }, SYNOPSIS.rotate);
  if (values.api) {
    if (values.alg) throw usage('--alg applies to the auth server keys, not --api');
    const { rotateApiSigningKey } = await import('@gatehouse/api');
    const key = await rotateApiSigningKey(dataDirOf(context));
    context.stdout.write(
      `New API signing key ${key.kid} (${key.alg}); a running API picks it up within seconds.\n`,
    );
    return 0;
  }
  const alg = values.alg;
  if (alg !== undefined && !isSigningAlgorithm(alg)) {
    throw usage(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  const kids = await withAuthStore(context, (store) =>
    rotateSigningKeys(store, Math.floor(Date.now() / 1000), alg),
  );
  context.stdout.write(
    `New signing key${kids.length > 1 ? 's' : ''}: ${kids.join(', ')}.\n` +
      'The previous keys stay in JWKS until the tokens they signed expire; a running auth server switches within seconds.\n',
  );
  return 0;
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
