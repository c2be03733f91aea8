// `@gatehouse/common/testing`: helpers for tests, e2e and benchmarks; never imported by the servers.
export { freePort } from './free-port.js';
export { startTestPostgres, type TestPostgres } from './test-postgres.js';
