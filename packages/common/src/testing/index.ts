// `@gatehouse/common/testing`: helpers for tests, e2e and benchmarks; never imported by the servers.
export { type FetchLike, fetchFrom } from './fetch-from.js';
export { freePort } from './free-port.js';
export {
  HAPROXY_BINARY,
  type HaproxyBackend,
  type HaproxyBalance,
  type HaproxyOptions,
  type RunningHaproxy,
  startHaproxy,
} from './haproxy.js';
export { type ExportedSpan, type OtlpReceiver, startOtlpReceiver } from './otlp-receiver.js';
export { type PrometheusSample, prometheusSamples, sampleValue } from './prometheus-samples.js';
export { openRawConnection, type RawConnection } from './raw-connection.js';
export { type AnswerFrom, requestFrom } from './request-from.js';
export { startTestPostgres, type TestPostgres } from './test-postgres.js';
export { waitUntil } from './wait-until.js';
