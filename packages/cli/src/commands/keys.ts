import {
  isSigningAlgorithm,
  listSigningKeys,
  rotateSigningKeys,
  SIGNING_ALGORITHMS,
} from '@gatehouse/auth-server';
import { runSubcommands } from '../args/run-subcommands.js';
import { subcommand } from '../args/subcommand.js';
import { usage } from '../cli-error.js';
import type { RunCommand } from '../command.js';
import { withApiKeys } from './api-key-source.js';
import { withAuthStore } from './users-auth-store.js';
import { table } from './users-table.js';

const STATE =
  "Keys live in DATA_DIR (default: .data at the top of this checkout), or with DATABASE_URL in the database, sealed with GATEHOUSE_SECRET (the API's with --api); every running server picks up a rotation within seconds.";

const list = subcommand({
  path: 'keys list',
  synopsis: '[--api]',
  summary: "list the auth server's ID token signing keys, or with --api the API's access token keys",
  options: {
    api: {
      type: 'boolean',
      help: "the API's own signing keys instead (it creates its first at its first start)",
    },
  },
  notes: [STATE],
  async run(context, { values }) {
    if (values.api) {
      // Loaded only for --api: the API package is the heaviest import of the CLI.
      const { listApiSigningKeys } = await import('@gatehouse/api');
      const keys = await withApiKeys(context, listApiSigningKeys);
      if (keys.length === 0) {
        context.stdout.write('No API signing key yet: the API creates one when it first starts.\n');
        return 0;
      }
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
  },
});

const rotate = subcommand({
  path: 'keys rotate',
  synopsis: `[--api] [--alg ${SIGNING_ALGORITHMS.join('|')}]`,
  summary:
    'make new signing keys active; the previous ones stay published until the tokens they signed expire',
  options: {
    api: { type: 'boolean', help: "rotate the API's access token key instead of the auth server's" },
    alg: {
      type: 'string',
      value: '<alg>',
      help: `only the auth server's key of this algorithm: ${SIGNING_ALGORITHMS.join(', ')} (default: every one)`,
    },
  },
  notes: [STATE],
  async run(context, { values }) {
    if (values.api) {
      if (values.alg) throw usage('--alg applies to the auth server keys, not --api');
      const { rotateApiSigningKey } = await import('@gatehouse/api');
      const key = await withApiKeys(context, (keys) => rotateApiSigningKey(keys));
      context.stdout.write(
        `New API signing key ${key.kid} (${key.alg}); every running API process picks it up within seconds.\n`,
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
  },
});

/**
 * `gatehouse keys list|rotate`: the embedded auth server's ID token signing keys, or with `--api` the API's own
 * access-token signing key. A rotated-out key stays published in JWKS until the tokens it signed expire.
 */
export const runKeys: RunCommand = (context) =>
  runSubcommands(context, {
    name: 'keys',
    summary: 'the signing keys of the embedded auth server (ID tokens) and of the API (its access tokens)',
    subcommands: [list, rotate],
  });

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
