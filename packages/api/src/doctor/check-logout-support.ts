import { type DoctorFinding, finding } from './doctor-finding.js';
import type { ProviderMetadata } from './fetch-discovery.js';

/**
 * Logout at the provider, which makes sign-out complete but which sign-in does not need: warnings, never failures.
 * Without `end_session_endpoint` a logout ends the API session only; without back-channel logout
 * (`backchannel_logout_supported`) a session ended at the provider lives on at the API until it expires; without
 * `backchannel_logout_session_supported` a logout token names the user, not the session, and ends all of theirs.
 */
export function checkLogoutSupport(metadata: ProviderMetadata, publicUrl: string): DoctorFinding[] {
  const endSession =
    typeof metadata.end_session_endpoint === 'string'
      ? finding('end-session', 'ok', 'the provider offers RP-initiated logout (end_session_endpoint)')
      : finding(
          'end-session',
          'warn',
          "the provider publishes no end_session_endpoint: logout ends the API session, not the provider's",
          'turn on RP-initiated logout at the provider if it offers it (Auth0: "RP-Initiated Logout End Session Endpoint Discovery")',
        );
  let backchannel: DoctorFinding;
  if (metadata.backchannel_logout_supported !== true) {
    backchannel = finding(
      'backchannel-logout',
      'warn',
      'the provider does not offer back-channel logout: a session it ends lives on at the API until the refresh session expires',
      `if the provider has it, register ${publicUrl}/api/backchannel-logout as the client's back-channel logout URI; otherwise keep REFRESH_IDLE_TTL short`,
    );
  } else if (metadata.backchannel_logout_session_supported !== true) {
    backchannel = finding(
      'backchannel-logout',
      'warn',
      'the provider offers back-channel logout without session ids (backchannel_logout_session_supported): one logout ends every API session of that user',
      'nothing to fix in Gatehouse; turn on "session required" at the provider if it has it',
    );
  } else {
    backchannel = finding(
      'backchannel-logout',
      'ok',
      'the provider offers back-channel logout with session ids',
    );
  }
  return [endSession, backchannel];
}
