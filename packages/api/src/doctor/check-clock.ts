import { ID_TOKEN_CLOCK_TOLERANCE_S } from '../oidc/id-token-clock-tolerance.js';
import { type DoctorFinding, finding } from './doctor-finding.js';
import type { ClockSample } from './fetch-discovery.js';

/** Past this many seconds apart the clocks deserve a look, long before ID tokens are refused. */
export const CLOCK_WARN_S = 5;

/**
 * The provider's clock against this machine's, from the `Date` header of its discovery answer (RFC 9110 6.6.1:
 * whole seconds, so the provider's time lies within the second after it; its midpoint is used). Warns past
 * {@link CLOCK_WARN_S}; fails past the ID-token clock tolerance, beyond which the API refuses the provider's ID
 * tokens as not yet valid or expired.
 */
export function checkClock(sample: ClockSample): DoctorFinding {
  const dateMs = sample.date === null ? Number.NaN : Date.parse(sample.date);
  if (Number.isNaN(dateMs)) {
    return finding(
      'clock',
      'warn',
      'the provider sent no readable Date header: its clock was not compared',
      "keep this machine's clock synchronised (NTP)",
    );
  }
  const skewS = Math.round((dateMs + 500 - sample.receivedAtMs) / 1000);
  const distance = Math.abs(skewS);
  const said = `the provider's clock is ${formatSeconds(distance)} ${skewS > 0 ? 'ahead of' : 'behind'} this machine's`;
  if (distance <= CLOCK_WARN_S) {
    return finding('clock', 'ok', `the provider's clock and this machine's agree within ${CLOCK_WARN_S} s`);
  }
  const sync = "synchronise this machine's clock (NTP: timedatectl set-ntp true), or the provider's";
  if (distance <= ID_TOKEN_CLOCK_TOLERANCE_S) {
    return finding(
      'clock',
      'warn',
      `${said}; past ${ID_TOKEN_CLOCK_TOLERANCE_S} s the API refuses its ID tokens`,
      sync,
    );
  }
  return finding(
    'clock',
    'fail',
    `${said}, more than the ${ID_TOKEN_CLOCK_TOLERANCE_S} s the API tolerates: its ID tokens will be refused`,
    sync,
  );
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
