import { describe, expect, it } from 'vitest';
import { cliHarness } from '../commands/users-test-context.js';
import { cliVersion } from '../version.js';

// Every command and subcommand answers --help (and -h) with its usage on standard output, exit 0, whatever
// else is on the line; nothing is read, opened or created meanwhile.
const EVERY_USAGE: readonly (readonly string[])[] = [
  [],
  ['start'],
  ['users'],
  ['users', 'add'],
  ['users', 'list'],
  ['users', 'remove'],
  ['users', 'passwd'],
  ['users', 'totp'],
  ['clients'],
  ['clients', 'add'],
  ['clients', 'list'],
  ['clients', 'remove'],
  ['keys'],
  ['keys', 'list'],
  ['keys', 'rotate'],
  ['doctor'],
];

describe('gatehouse --help and --version', () => {
  it('prints the usage of every command and subcommand on standard output and exits 0', async () => {
    const cli = cliHarness();
    try {
      for (const path of EVERY_USAGE) {
        for (const flag of ['--help', '-h']) {
          const result = await cli.run([...path, flag]);
          const shown = `gatehouse ${[...path, flag].join(' ')}`;
          expect(result.code, shown).toBe(0);
          expect(result.stderr, shown).toBe('');
          expect(result.stdout, shown).toMatch(new RegExp(`^Usage: gatehouse ${path.join(' ')}`.trimEnd()));
        }
      }
      // With other arguments, even ones that would fail, and as `gatehouse help …`.
      const busy = await cli.run(['users', 'add', 'x', '--bogus', '--password-stdin', '--help']);
      expect(busy).toMatchObject({ code: 0, stderr: '' });
      expect(busy.stdout).toMatch(/^Usage: gatehouse users add <username> --email <e> --password-stdin/);
      expect((await cli.run(['help', 'keys', 'rotate'])).stdout).toMatch(/^Usage: gatehouse keys rotate /);
      expect((await cli.run(['start', 'api', '--help'])).stdout).toMatch(
        /gatehouse start api {4}the API alone/,
      );
      // --help reads nothing and creates nothing: DATA_DIR is still empty.
      expect((await cli.run(['users', 'list'])).stdout).toBe('No users.\n');
    } finally {
      cli.cleanup();
    }
  });

  // Issue 11, finding 11: the users line left out disable and enable (and the rest users does).
  it('names every users subcommand in the command list', async () => {
    const cli = cliHarness();
    try {
      const line =
        (await cli.run(['--help'])).stdout.split('\n').find((each) => /^ {2}users /.test(each)) ?? '';
      for (const word of [
        'add',
        'list',
        'remove',
        'disable',
        'enable',
        'password',
        'TOTP',
        'roles',
        'passkeys',
        'recovery codes',
      ])
        expect(line).toContain(word);
    } finally {
      cli.cleanup();
    }
  });

  it('prints the version anywhere on the line', async () => {
    const cli = cliHarness();
    try {
      for (const argv of [['--version'], ['users', '--version'], ['keys', 'rotate', '--api', '--version']]) {
        expect(await cli.run(argv)).toEqual({ code: 0, stdout: `gatehouse ${cliVersion()}\n`, stderr: '' });
      }
      expect(cliVersion()).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      cli.cleanup();
    }
  });

  // Regression: node:util's parseArgs errors ("To specify a positional argument starting with a '-', place it
  // at the end of the command after '--'…") reached the user. Each bad argument is one line of ours, exit 2.
  it('answers a bad argument with one line of its own and exit 2', async () => {
    const cli = cliHarness();
    try {
      const cases: [string[], string][] = [
        [['users', 'add', 'x', '--bogus'], 'unknown option --bogus (see gatehouse users add --help)'],
        [['users', 'add', 'x', '-x'], 'unknown option -x (see gatehouse users add --help)'],
        [['users', 'add', 'x', '--email'], '--email needs a value (see gatehouse users add --help)'],
        [
          ['users', 'add', 'x', '--email', '-e@example.com'],
          '--email needs a value (one that starts with "-" is written --email=-e@example.com) (see gatehouse users add --help)',
        ],
        [['keys', 'list', '--api=yes'], '--api takes no value (see gatehouse keys list --help)'],
        [['keys', 'list', 'extra'], 'unexpected argument "extra" (see gatehouse keys list --help)'],
        [['users', 'remove'], 'the username is missing (see gatehouse users remove --help)'],
        [
          ['users', 'remove', 'a', 'b'],
          'unexpected argument "b": it takes one username (see gatehouse users remove --help)',
        ],
        [['clients'], 'expected a subcommand: add, list, remove (see gatehouse clients --help)'],
        [
          ['clients', 'frobnicate'],
          'unknown subcommand "frobnicate": expected one of add, list, remove (see gatehouse clients --help)',
        ],
      ];
      for (const [argv, message] of cases) {
        const result = await cli.run(argv);
        expect(result, argv.join(' ')).toEqual({
          code: 2,
          stdout: '',
          stderr: `gatehouse ${argv[0]}: ${message}\n`,
        });
      }
      const start = await cli.run(['start', '--port', '80']);
      expect(start.code).toBe(2);
      expect(start.stderr).toMatch(/^gatehouse start: unexpected argument "--port": .*\n$/);
      expect(await cli.run(['frobnicate'])).toEqual({
        code: 2,
        stdout: '',
        stderr: 'gatehouse: unknown command "frobnicate" (see gatehouse --help)\n',
      });
    } finally {
      cli.cleanup();
    }
  });
});
