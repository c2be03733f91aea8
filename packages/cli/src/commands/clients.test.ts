import { openAuthStore } from '@gatehouse/auth-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from './users-test-context.js';

const SECRET = 'a-client-secret-that-is-long-enough-0123';

describe('gatehouse clients', () => {
  let cli: ReturnType<typeof cliHarness>;
  beforeEach(() => {
    cli = cliHarness();
  });
  afterEach(() => {
    cli.cleanup();
  });

  it('registers, lists and removes clients; the secret is sealed at rest', async () => {
    const added = await cli.run(
      [
        'clients',
        'add',
        'app',
        '--secret-stdin',
        '--name',
        'My App',
        '--redirect-uri',
        'https://app.example/cb',
        '--redirect-uri',
        'https://app.example/cb2',
        '--post-logout-redirect-uri',
        'https://app.example/',
        '--backchannel-logout-uri',
        'https://app.example/bcl',
        '--first-party',
        '--auth-method',
        'client_secret_post',
      ],
      `${SECRET}\n`,
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const listed = await cli.run(['clients', 'list']);
    expect(listed.stdout).toMatch(
      /app\s+client_secret_post\s+yes\s+https:\/\/app\.example\/cb https:\/\/app\.example\/cb2/,
    );
    expect(listed.stdout).not.toContain(SECRET);

    const store = openAuthStore(cli.dataDir);
    expect(await store.clients.find('app')).toMatchObject({
      name: 'My App',
      secret: SECRET,
      postLogoutRedirectUris: ['https://app.example/'],
      backchannelLogoutUri: 'https://app.example/bcl',
      firstParty: true,
    });
    await store.close();

    expect((await cli.run(['clients', 'remove', 'app'])).code).toBe(0);
    expect((await cli.run(['clients', 'remove', 'app'])).code).toBe(1);
  });

  // Registering was an upsert: a second `clients add` with an id that exists silently replaced that client.
  it('refuses an id that is registered already with one line and exit 1, unless --replace', async () => {
    const add = (uri: string, ...more: string[]) =>
      cli.run(['clients', 'add', 'app', '--secret-stdin', '--redirect-uri', uri, ...more], SECRET);
    expect(await add('https://app.example/cb')).toMatchObject({
      code: 0,
      stdout: 'Registered client app (client_secret_basic).\n',
    });
    const again = await add('https://evil.example/cb');
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gatehouse clients: client "app" already exists; add --replace to overwrite its registration\n',
    });
    const store = openAuthStore(cli.dataDir);
    try {
      expect((await store.clients.find('app'))?.redirectUris).toEqual(['https://app.example/cb']);
      const replaced = await add('https://app.example/cb2', '--replace');
      // Issue 11, finding 11: it said "Registered (replacing any previous registration) client app".
      expect(replaced).toEqual({
        code: 0,
        stdout: 'Replaced client app (client_secret_basic).\n',
        stderr: '',
      });
      // --replace of an id that did not exist registers it, and says so.
      expect(
        (
          await cli.run(
            [
              'clients',
              'add',
              'new',
              '--secret-stdin',
              '--redirect-uri',
              'https://n.example/cb',
              '--replace',
            ],
            SECRET,
          )
        ).stdout,
      ).toBe('Registered client new (client_secret_basic).\n');
      expect((await store.clients.find('app'))?.redirectUris).toEqual(['https://app.example/cb2']);
    } finally {
      await store.close();
    }
  });

  it('registers a private_key_jwt client with a jwks_uri and no secret', async () => {
    const result = await cli.run([
      'clients',
      'add',
      'signed',
      '--redirect-uri',
      'https://s.example/cb',
      '--auth-method',
      'private_key_jwt',
      '--jwks-uri',
      'https://s.example/jwks.json',
    ]);
    expect(result.code).toBe(0);
  });

  it('exits 2 for bad arguments', async () => {
    const cases: Array<[string[], string]> = [
      [['clients', 'add', 'x', '--secret-stdin'], SECRET],
      [['clients', 'add', 'x', '--redirect-uri', 'https://x.example/cb'], SECRET],
      [['clients', 'add', 'x', '--secret-stdin', '--redirect-uri', 'not a url'], SECRET],
      [['clients', 'add', 'x', '--secret-stdin', '--redirect-uri', 'https://x.example/cb#f'], SECRET],
      [['clients', 'add', 'x', '--secret-stdin', '--redirect-uri', 'https://x.example/cb'], 'short'],
      [
        [
          'clients',
          'add',
          'x',
          '--secret-stdin',
          '--redirect-uri',
          'https://x.example/cb',
          '--auth-method',
          'none',
        ],
        SECRET,
      ],
      [
        ['clients', 'add', 'x', '--redirect-uri', 'https://x.example/cb', '--auth-method', 'private_key_jwt'],
        '',
      ],
      [
        ['clients', 'add', 'x', '--secret-stdin', '--redirect-uri', 'https://x.example/cb', '--name', ''],
        SECRET,
      ],
      [
        [
          'clients',
          'add',
          'x',
          '--secret-stdin',
          '--redirect-uri',
          'https://x.example/cb',
          '--name',
          'a\u0007b',
        ],
        SECRET,
      ],
      [['clients', 'frobnicate'], ''],
    ];
    for (const [argv, stdin] of cases) {
      const result = await cli.run(argv, stdin);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^gatehouse clients: /);
    }
  });
});
