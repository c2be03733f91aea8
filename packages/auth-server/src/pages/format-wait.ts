/** Longest wait a page states (a day); a `retry` beyond it, from the URL, is not believed. */
const MAX_SHOWN_SECONDS = 24 * 60 * 60;

/**
 * A wait in words, rounded up so that it is never shorter than the real one: "1 second", "45 seconds",
 * "1 minute", "15 minutes". Anything that is not a positive number of seconds (it comes from the URL) is
 * "a few seconds".
 */
export function formatWait(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SHOWN_SECONDS) return 'a few seconds';
  const whole = Math.ceil(seconds);
  if (whole < 60) return whole === 1 ? '1 second' : `${whole} seconds`;
  const minutes = Math.ceil(whole / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
