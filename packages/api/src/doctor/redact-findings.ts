import type { DoctorFinding } from './doctor-finding.js';

/** Shorter values are not searched for: they would mask ordinary words, and nothing doctor makes up is short. */
const MIN_SECRET_LENGTH = 6;

/**
 * docs/security.md 48: the last guard before findings leave the doctor. Every finding's message and fix is searched
 * for the values it must never show (the client secret, the probes' state, nonce, PKCE verifier and challenge, the
 * made-up code), as written and as they travel URL-encoded, and each is replaced with `[redacted]`. The findings
 * are written never to quote them; this catches a provider that echoes one back in something a finding quotes.
 */
export function redactFindings(
  findings: readonly DoctorFinding[],
  secrets: readonly (string | undefined)[],
): DoctorFinding[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ v: secret }).toString().slice(2));
  }
  // Longest first, so that a value containing another is masked whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  const redact = (text: string): string =>
    ordered.reduce((masked, form) => masked.split(form).join('[redacted]'), text);
  return findings.map((each) => ({
    ...each,
    message: redact(each.message),
    fix: each.fix === null ? null : redact(each.fix),
  }));
}
