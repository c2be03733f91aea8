/**
 * The settings `gatehouse start [api|auth]` parses first (the same loaders, in the same order, as
 * `startStack` and `startAuthAlone`), with nothing opened, bound or built: a bad one throws its one-line
 * `ConfigError`. The committed bin runs this before the first build, from the sources when they are not built
 * yet, so that `PORT=abc npm start` on a fresh clone says so at once instead of after compiling everything.
 */
export async function checkStartSettings(
  env: Readonly<Record<string, string | undefined>>,
  mode: 'api' | 'auth' | undefined,
): Promise<void> {
  if (mode === 'auth') {
    const { loadAuthServerConfig } = await import('@gatehouse/auth-server/setup');
    loadAuthServerConfig(env);
    return;
  }
  const { loadApiConfig } = await import('@gatehouse/api/config');
  if (mode === 'api' || (env.OIDC_ISSUER !== undefined && env.OIDC_ISSUER.trim() !== '')) {
    loadApiConfig(env);
    return;
  }
  const { issuerFor, loadAuthServerConfig, relyingPartyFor } = await import('@gatehouse/auth-server/setup');
  const auth = loadAuthServerConfig(env);
  const issuer = issuerFor(auth, auth.port);
  if (auth.port !== 0 || auth.issuer !== undefined) relyingPartyFor(issuer, auth);
  loadApiConfig(env, { OIDC_ISSUER: issuer, OIDC_CLIENT_SECRET: 'checked-below' });
}
