import { printableText, type SessionStore, type SessionSummary } from '@gatehouse/api';
import { createLogger } from '@gatehouse/common';
import { runSubcommands } from '../args/run-subcommands.js';
import { subcommand } from '../args/subcommand.js';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext, RunCommand } from '../command.js';
import { withApiSessions } from './api-session-store.js';
import { dataDirOf } from './users-auth-store.js';
import { table } from './users-table.js';

const STATE =
  'Sessions live where the API keeps them: DATA_DIR (default: .data at the top of this checkout), or the database with DATABASE_URL (and GATEHOUSE_SECRET). Works while the API runs.';
const USER_NOTE =
  "--user takes the user's sub, their email (any case), or on the embedded set-up their username.";
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
/** The user agent's width in the table (the whole, bounded, value is in --json). */
const USER_AGENT_COLUMN = 40;

const list = subcommand({
  path: 'sessions list',
  synopsis: '[--user <sub|email|username>] [--limit <n>] [--json]',
  summary: "list the API's live sessions, newest first",
  options: {
    user: { type: 'string', value: '<u>', help: "only this user's sessions" },
    limit: {
      type: 'string',
      value: '<n>',
      help: `at most this many (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`,
    },
    json: { type: 'boolean', help: 'one JSON array instead of a table' },
  },
  notes: [USER_NOTE, STATE],
  async run(context, { values }) {
    const limit = parseLimit(values.limit);
    const user = values.user === undefined ? undefined : await resolveUser(context, values.user);
    const sessions = await withApiSessions(context, async (store) =>
      store === undefined
        ? []
        : store.listSessions(user === undefined ? { limit } : { user, limit }, Date.now()),
    );
    if (values.json) {
      context.stdout.write(`${JSON.stringify(sessions.map(toJson), null, 2)}\n`);
      return 0;
    }
    if (sessions.length === 0) {
      context.stdout.write(user === undefined ? 'No live sessions.\n' : 'No live sessions for this user.\n');
      return 0;
    }
    const rows = sessions.map((session) => [
      session.id,
      printable(session.email ?? session.name ?? session.sub, 40),
      iso(session.createdAt),
      iso(session.lastUsedAt),
      printable(session.address, 40),
      printable(session.userAgent, USER_AGENT_COLUMN),
      iso(session.expiresAt),
    ]);
    context.stdout.write(
      table(['ID', 'USER', 'CREATED', 'LAST USED', 'ADDRESS', 'USER AGENT', 'EXPIRES'], rows),
    );
    if (sessions.length === limit) context.stdout.write(`(the newest ${limit}: --limit shows more)\n`);
    return 0;
  },
});

const revoke = subcommand({
  path: 'sessions revoke',
  synopsis: '<id> | --user <sub|email|username>',
  summary: 'end an API session, or every one of a user: the running API refuses its tokens within a second',
  operand: 'session id',
  operandOptional: true,
  options: {
    user: { type: 'string', value: '<u>', help: 'every live session of this user instead of one id' },
  },
  notes: [
    'Its refresh cookie is refused at once, its access tokens by every API process within a second.',
    USER_NOTE,
    'An id that starts with - (from a version before ids never did): put -- before it, as in: revoke -- -Ab12.',
    STATE,
  ],
  // admin.sessions.revoke, and session.revoked: the operator ended them (AUDIT_LOG).
  audit: (values) => ({
    also: ['session.revoked'],
    ...(values.user === undefined ? {} : { target: `user:${values.user}` }),
  }),
  async run(context, { operand, values }) {
    const hint = ' (see gatehouse sessions revoke --help)';
    if (operand !== '' && values.user !== undefined)
      throw usage(`give a session id or --user, not both${hint}`);
    if (operand === '' && values.user === undefined) throw usage(`give a session id or --user${hint}`);
    const user = values.user === undefined ? undefined : await resolveUser(context, values.user);
    const revoked = await withApiSessions(context, async (store: SessionStore | undefined) =>
      store === undefined
        ? []
        : store.revokeSessions(user === undefined ? { id: operand } : { user }, 'admin_revoked', Date.now()),
    );
    if (revoked.length === 0) {
      throw new CliError(
        'ERR_CLI_FAILED',
        user === undefined
          ? `no live session ${printable(operand, 64)} (see gatehouse sessions list)`
          : `no live session for user ${printable(values.user ?? '', 64)} (see gatehouse sessions list)`,
      );
    }
    context.stdout.write(
      `Revoked ${revoked.length === 1 ? 'session' : `${revoked.length} sessions`}: ${revoked.join(', ')}. ` +
        'The running API refuses their tokens within a second.\n',
    );
    return 0;
  },
});

/** `gatehouse sessions list|revoke`: the API's live sessions, and ending them from the command line. */
export const runSessions: RunCommand = (context) =>
  runSubcommands(context, {
    name: 'sessions',
    summary: "the API's live sessions: list them, end them",
    subcommands: [list, revoke],
  });

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const limit = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw usage(`--limit must be a whole number from 1 to ${MAX_LIMIT} (see gatehouse sessions list --help)`);
  }
  return limit;
}

/**
 * A username of the embedded auth server as its `sub` (the API knows users by `sub` and email only), looked up
 * where that auth server keeps its users: the database with DATABASE_URL, else DATA_DIR; never another store
 * (a same-named user in a DATA_DIR the database set-up does not use is someone else). With OIDC_ISSUER the users
 * are the provider's, not the embedded server's: nothing is looked up. Anything not found is passed on as a sub
 * or an email. Nothing is created: no auth store there, no lookup.
 */
async function resolveUser(context: CommandContext, user: string): Promise<string> {
  if (context.env.OIDC_ISSUER?.trim()) return user;
  const { authStoreExists, openConfiguredAuthStore, readDatabaseSettings } = await import(
    '@gatehouse/auth-server'
  );
  const config = { dataDir: dataDirOf(context), database: readDatabaseSettings(context.env) };
  const logger = createLogger({ name: 'gatehouse-cli', level: 'silent' });
  if (!(await authStoreExists(config, { logger }))) return user;
  const store = await openConfiguredAuthStore(config, { logger, applicationName: 'gatehouse-cli' });
  try {
    return (await store.users.findByUsername(user))?.id ?? user;
  } finally {
    await store.close();
  }
}

/** What --json prints: times as ISO strings, nothing secret (a summary holds no token or sealed value). */
function toJson(session: SessionSummary) {
  return {
    id: session.id,
    sub: session.sub,
    email: session.email,
    name: session.name,
    created_at: iso(session.createdAt),
    last_used_at: iso(session.lastUsedAt),
    address: session.address,
    user_agent: session.userAgent,
    expires_at: iso(session.expiresAt),
  };
}

/** Stored text shown on a terminal: control characters out again (a row may have been written by hand), bounded. */
function printable(text: string | null, max: number): string {
  return printableText(text, max) ?? '';
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
