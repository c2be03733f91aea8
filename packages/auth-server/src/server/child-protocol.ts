// The IPC protocol between `gatehouse start` and the auth server it forks (packages/auth-server/src/main.ts).
// Its own module, with no imports, so that the parent can load it before anything else (it forks first).

/** What a supervised child sends its parent (`gatehouse start`) over IPC. */
export type AuthServerMessage =
  /** Listening for {@link AUTH_SERVER_GO}; until it comes, nothing is opened or bound. */
  | { readonly type: 'gatehouse:auth-server-waiting' }
  /** Listening on `port`: the parent may point the API at `issuer`. */
  | { readonly type: 'gatehouse:auth-server-ready'; readonly issuer: string; readonly port: number }
  /**
   * It could not start, and exits 1: `message` is the one line to show (naming `setting` when a setting is the
   * cause). Said to the parent rather than printed, so that the person sees one line, the parent's.
   */
  | { readonly type: 'gatehouse:auth-server-failed'; readonly message: string; readonly setting?: string };

/** The parent's answer to `gatehouse:auth-server-waiting`: its configuration checks passed, start. */
export const AUTH_SERVER_GO = { type: 'gatehouse:auth-server-go' } as const;

/**
 * The argument with which `gatehouse start` forks the auth server to have it wait for go. An IPC channel alone
 * does not ask for that: a process manager (pm2's fork mode) may open one, and no go would ever come.
 */
export const WAIT_FOR_GO_ARG = '--wait-for-go';
