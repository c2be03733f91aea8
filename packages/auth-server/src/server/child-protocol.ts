// The IPC protocol between `gatehouse start` and the auth server it forks (packages/auth-server/src/main.ts).
// Its own module, with no imports, so that the parent can load it before anything else (it forks first).

/** What a supervised child sends its parent (`gatehouse start`) over IPC. */
export type AuthServerMessage =
  /** Listening for {@link AUTH_SERVER_GO}; until it comes, nothing is opened or bound. */
  | { readonly type: 'gatehouse:auth-server-waiting' }
  /** Listening on `port`: the parent may point the API at `issuer`. */
  | { readonly type: 'gatehouse:auth-server-ready'; readonly issuer: string; readonly port: number };

/** The parent's answer to `gatehouse:auth-server-waiting`: its configuration checks passed, start. */
export const AUTH_SERVER_GO = { type: 'gatehouse:auth-server-go' } as const;

/**
 * The argument with which `gatehouse start` forks the auth server to have it wait for go. An IPC channel alone
 * does not ask for that: a process manager (pm2's fork mode) may open one, and no go would ever come.
 */
export const WAIT_FOR_GO_ARG = '--wait-for-go';
