import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';

/** A `GATEHOUSE_SECRET` for tests (never one of a real deployment). */
export const TEST_GATEHOUSE_SECRET = 'a test gatehouse secret, long enough to be accepted';

/** A backend the flow tests run on: the variables that choose it for one test API. */
export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /** DATABASE_URL (a new database each call) and GATEHOUSE_SECRET for PostgreSQL; nothing for SQLite. */
  env(): Promise<Record<string, string>>;
}

/**
 * The backends a flow test runs on: SQLite in a temporary DATA_DIR, and PostgreSQL, a real server started for the
 * test file on first use and stopped by `afterAll` (vitest's, passed in so that this module does not load the
 * test runner). For `describe.each(testBackends(afterAll))`: the same tests, both backends.
 */
export function testBackends(afterAll: (hook: () => Promise<void>) => void): TestBackend[] {
  let postgres: Promise<TestPostgres> | undefined;
  afterAll(async () => {
    if (postgres !== undefined) await (await postgres).close();
  });
  return [
    { name: 'sqlite', env: async () => ({}) },
    {
      name: 'postgres',
      async env() {
        postgres ??= startTestPostgres();
        return {
          DATABASE_URL: await (await postgres).createDatabase(),
          GATEHOUSE_SECRET: TEST_GATEHOUSE_SECRET,
        };
      },
    },
  ];
}
