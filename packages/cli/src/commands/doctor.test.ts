import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureApiClient, openAuthStore } from '@gatehouse/auth-server';
import { createLogger } from '@gatehouse/common';
import { freePort } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAuthAlone, startAuthAlone } from '../start/start-auth-alone.js';
import { runCliInProcess } from '../testing/run-cli-in-process.js';

// `gatehouse doctor` against the real embedded auth server (`gatehouse start auth`, in this process, on a free
// port), its API client registered the way `gatehouse start` registers it: one good configuration, then one
// broken setting at a time.

const SECRET = 'doctor-cli-test-secret-0123456789abcdef';

let auth: RunningAuthAlone;
let authDataDir: string;
let apiDataDir: string;
let publicUrl: string;

beforeAll(async () => {
  authDataDir = mkdtempSync(join(tmpdir(), 'gatehouse-doctor-auth-'));
  apiDataDir = mkdtempSync(join(tmpdir(), 'gatehouse-doctor-api-'));
  auth = await startAuthAlone(
    { AUTH_PORT: '0', DATA_DIR: authDataDir },
    createLogger({ name: 'test', level: 'silent' }),
  );
  publicUrl = `http://localhost:${await freePort()}`;
  const store = openAuthStore(authDataDir);
  try {
    await ensureApiClient(store, { clientId: 'gatehouse-api', publicUrl, secret: SECRET });
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await auth.close();
  rmSync(authDataDir, { recursive: true, force: true });
  rmSync(apiDataDir, { recursive: true, force: true });
});

/** The configuration of `gatehouse start api` against the embedded auth server, with `changes` over it. */
function providerEnv(changes: Record<string, string> = {}): Record<string, string> {
  return {
    OIDC_ISSUER: auth.issuer,
    OIDC_CLIENT_ID: 'gatehouse-api',
    OIDC_CLIENT_SECRET: SECRET,
    PUBLIC_URL: publicUrl,
    DATA_DIR: apiDataDir,
    ...changes,
  };
}

async function doctor(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCliInProcess(['doctor', ...args], env);
}

/** The line of one check. */
function lineOf(stdout: string, check: string): string | undefined {
  return stdout.split('\n').find((line) => new RegExp(`^(ok|warn|FAIL) +${check} `).test(line));
}

describe('gatehouse doctor against the embedded auth server', () => {
  it('passes a good configuration: one ok line per check, a summary, exit 0', async () => {
    const result = await doctor(providerEnv());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`gatehouse doctor: ${auth.issuer}, client gatehouse-api, PUBLIC_URL ${publicUrl}`);
    expect(lines.slice(1, -1).map((line) => line.split(/ +/, 2).join(' '))).toEqual([
      'ok discovery',
      'ok issuer',
      'ok https',
      'ok jwks',
      'ok id-token-alg',
      'ok token-auth-method',
      'ok pkce',
      'ok client-credentials',
      'ok authorization-request',
      'ok redirect-uri-spa',
      'ok redirect-uri-simple',
      'ok end-session',
      'ok backchannel-logout',
      'ok clock',
    ]);
    expect(lines.at(-1)).toBe('14 checks ok, 0 warnings, 0 failures: sign-in can work.');
    expect(lineOf(result.stdout, 'redirect-uri-spa')).toMatch(
      new RegExp(`^ok +redirect-uri-spa +${publicUrl}/callback is a registered redirect URI$`),
    );
    expect(lineOf(result.stdout, 'client-credentials')).toMatch(
      /the provider accepts client gatehouse-api's credentials \(client_secret_basic\); it refused only the made-up code$/,
    );
  });

  it('prints the findings as JSON with --json', async () => {
    const result = await doctor(providerEnv(), ['--json']);
    expect(result.code).toBe(0);
    const findings = JSON.parse(result.stdout) as unknown[];
    expect(findings).toHaveLength(14);
    for (const each of findings) {
      expect(Object.keys(each as object).sort()).toEqual(['check', 'fix', 'message', 'status']);
      expect(each).toMatchObject({ status: 'ok', fix: null });
    }
  });

  it('fails an issuer with a trailing slash, and says which', async () => {
    const result = await doctor(providerEnv({ OIDC_ISSUER: `${auth.issuer}/` }));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'issuer')).toBe(
      `FAIL  issuer                 the provider's issuer is ${auth.issuer}, but OIDC_ISSUER is ${auth.issuer}/ (a trailing slash differs). Fix: set OIDC_ISSUER=${auth.issuer} exactly`,
    );
    expect(result.stdout).toMatch(/1 failure: sign-in cannot work until the failures are fixed\.\n$/);
  });

  it('fails a client id the provider does not know, in one line', async () => {
    const result = await doctor(providerEnv({ OIDC_CLIENT_ID: 'nobody-knows-me' }));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'client-id')).toMatch(
      /^FAIL +client-id +the provider does not know client nobody-knows-me \(OIDC_CLIENT_ID\)\. Fix: set OIDC_CLIENT_ID to /,
    );
    // What depends on the client is said once, by that line.
    for (const check of ['client-credentials', 'redirect-uri-spa', 'redirect-uri-simple']) {
      expect(lineOf(result.stdout, check)).toBeUndefined();
    }
  });

  it('fails a wrong secret', async () => {
    const result = await doctor(providerEnv({ OIDC_CLIENT_SECRET: 'not-the-secret-0123456789abcdef' }));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'client-credentials')).toMatch(
      /^FAIL +client-credentials +the provider refused client gatehouse-api's credentials \(invalid_client with client_secret_basic\).*\. Fix: set OIDC_CLIENT_SECRET to /,
    );
    expect(lineOf(result.stdout, 'redirect-uri-spa')).toMatch(/^ok /);
  });

  it('fails redirect URIs that are not registered (PUBLIC_URL on another port)', async () => {
    const elsewhere = `http://localhost:${await freePort()}`;
    const result = await doctor(providerEnv({ PUBLIC_URL: elsewhere }));
    expect(result.code).toBe(1);
    for (const [check, path] of [
      ['redirect-uri-spa', '/callback'],
      ['redirect-uri-simple', '/authorization-code/callback'],
    ]) {
      expect(lineOf(result.stdout, check ?? '')).toMatch(
        new RegExp(
          `^FAIL +${check} +${elsewhere}${path} is not a registered redirect URI of client gatehouse-api\\. Fix: register ${elsewhere}${path} as a redirect URI`,
        ),
      );
    }
    // The client and its secret are fine: only the redirect URIs fail.
    expect(lineOf(result.stdout, 'client-credentials')).toMatch(/^ok /);
    expect(result.stdout).toMatch(/2 failures: sign-in cannot work/);
  });

  // oidc-provider lets a client registered for client_secret_basic send its secret in the body instead (both
  // methods prove the same secret), so the flow works and doctor says so; a client assertion is another method,
  // which it refuses.
  it('judges the token authentication method by what the provider accepts', async () => {
    const post = await doctor(providerEnv({ OIDC_TOKEN_AUTH_METHOD: 'client_secret_post' }));
    expect(post.code).toBe(0);
    expect(lineOf(post.stdout, 'client-credentials')).toMatch(
      /^ok +client-credentials +the provider accepts client gatehouse-api's credentials \(client_secret_post\)/,
    );

    const keyDir = mkdtempSync(join(tmpdir(), 'gatehouse-doctor-key-'));
    try {
      const env = providerEnv({ OIDC_TOKEN_AUTH_METHOD: 'private_key_jwt', DATA_DIR: keyDir });
      const missing = await doctor(env);
      expect(missing.code).toBe(1);
      const keyFile = join(keyDir, 'api', 'client-assertion-key.json');
      expect(lineOf(missing.stdout, 'client-credentials')).toContain(
        `FAIL  client-credentials     the API has no client key yet (${keyFile}), so the provider cannot know it. Fix: start the API once`,
      );
      // Looked for, never created: a key made by doctor would not be the one registered at the provider.
      expect(existsSync(keyFile)).toBe(false);

      // The key the API makes on its first start (ES256, private JWK, mode 0600).
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(keyFile, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600 });
      const refused = await doctor(env);
      expect(refused.code).toBe(1);
      expect(lineOf(refused.stdout, 'client-credentials')).toMatch(
        /^FAIL +client-credentials +the provider refused client gatehouse-api's credentials \(invalid_client with private_key_jwt\).*Fix: register the API's public key/,
      );
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });

  it('says in one line that a provider cannot be reached, never a stack', async () => {
    const port = await freePort();
    const result = await doctor(providerEnv({ OIDC_ISSUER: `http://127.0.0.1:${port}` }));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout.trimEnd().split('\n').slice(1)).toEqual([
      `FAIL  discovery  cannot reach http://127.0.0.1:${port}/.well-known/openid-configuration: connection refused. Fix: check that the provider is up, that OIDC_ISSUER is its address, and that this machine can reach it (DNS, proxy, firewall)`,
      '0 checks ok, 0 warnings, 1 failure: sign-in cannot work until the failures are fixed.',
    ]);
  });

  it('reports a setting gatehouse start would refuse as a finding', async () => {
    const result = await doctor(providerEnv({ OIDC_ISSUER: 'http://idp.example.com' }));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      'FAIL  config  Invalid OIDC_ISSUER: must use https:// unless it is a loopback address. Fix: fix OIDC_ISSUER (gatehouse start refuses it too), then run gatehouse doctor again\n' +
        '0 checks ok, 0 warnings, 1 failure: sign-in cannot work until the failures are fixed.\n',
    );
  });

  it('answers --help and refuses an unknown option', async () => {
    const help = await doctor({}, ['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: gatehouse doctor \[--json\]\n/);
    expect(await doctor({}, ['--bogus'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'gatehouse doctor: unknown option --bogus (see gatehouse doctor --help)\n',
    });
  });
});

describe('gatehouse doctor without OIDC_ISSUER: the embedded set-up', () => {
  function embeddedEnv(changes: Record<string, string> = {}): Record<string, string> {
    return { DATA_DIR: authDataDir, AUTH_PORT: String(auth.port), PUBLIC_URL: publicUrl, ...changes };
  }

  it('checks the embedded auth server with the client secret gatehouse start stored in DATA_DIR', async () => {
    const result = await doctor(embeddedEnv());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      `gatehouse doctor: the embedded auth server at ${auth.issuer}, client gatehouse-api, PUBLIC_URL ${publicUrl}`,
    );
    expect(lineOf(result.stdout, 'client-credentials')).toMatch(/^ok /);
    expect(result.stdout).toMatch(/14 checks ok, 0 warnings, 0 failures: sign-in can work\.\n$/);
  });

  it('says the embedded auth server is not running, and how to start it', async () => {
    const port = await freePort();
    const result = await doctor(embeddedEnv({ AUTH_PORT: String(port) }));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'discovery')).toBe(
      `FAIL  discovery  cannot reach http://localhost:${port}/.well-known/openid-configuration: connection refused. Fix: the embedded auth server is not running at http://localhost:${port}: start it with gatehouse start (or gatehouse start auth), with this DATA_DIR and AUTH_PORT`,
    );
  });

  it('says to start Gatehouse first on a DATA_DIR no auth server has used, and creates nothing', async () => {
    const empty = join(apiDataDir, 'never-started');
    const result = await doctor(embeddedEnv({ DATA_DIR: empty }));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'client-id')).toBe(
      `FAIL  client-id  no embedded auth server keeps its data in DATA_DIR ${empty} yet, so client gatehouse-api is not registered. Fix: run gatehouse start with this DATA_DIR: it registers client gatehouse-api for the API when it starts`,
    );
    expect(existsSync(empty)).toBe(false);
  });

  it('names a client id gatehouse start has not registered', async () => {
    const result = await doctor(embeddedEnv({ OIDC_CLIENT_ID: 'other-api' }));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'client-id')).toMatch(
      /^FAIL +client-id +client other-api is not registered at the embedded auth server \(DATA_DIR .*\)\. Fix: run gatehouse start/,
    );
  });
});

// docs/security.md 48: no code, state, nonce, verifier, token, cookie or secret in a doctor line. The secret is
// known; the probes' state, nonce, verifier, challenge and made-up code are 43 random base64url characters each,
// so no run of 32 such characters may appear but the names of discovery members (lower case and underscores).
describe('gatehouse doctor keeps secrets out of what it prints', () => {
  it('shows neither the client secret nor any value a probe made up, in text or JSON, passing or failing', async () => {
    const runs = [
      await doctor(providerEnv()),
      await doctor(providerEnv(), ['--json']),
      await doctor(providerEnv({ OIDC_CLIENT_SECRET: `${SECRET}-wrong` }), ['--json']),
      await doctor(providerEnv({ OIDC_CLIENT_SECRET: `${SECRET}-wrong`, LOG_LEVEL: 'trace' })),
      await doctor(providerEnv({ PUBLIC_URL: `http://localhost:${await freePort()}` })),
      await doctor({ DATA_DIR: authDataDir, AUTH_PORT: String(auth.port), PUBLIC_URL: publicUrl }),
    ];
    for (const { stdout, stderr } of runs) {
      const printed = stdout + stderr;
      expect(printed).not.toContain(SECRET);
      const tokenLike = printed.match(/[A-Za-z0-9_-]{32,}/g) ?? [];
      expect(tokenLike.filter((run) => !/^[a-z_]+$/.test(run))).toEqual([]);
    }
  });
});
