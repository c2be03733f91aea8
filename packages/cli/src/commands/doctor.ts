import type { DoctorFinding } from '@gatehouse/api/doctor';
import { ConfigError } from '@gatehouse/common';
import { subcommand } from '../args/subcommand.js';
import type { RunCommand } from '../command.js';
import { configFinding } from '../doctor/config-finding.js';
import type { DoctorTarget } from '../doctor/doctor-target.js';
import { embeddedTarget } from '../doctor/embedded-target.js';
import { formatFindings } from '../doctor/format-findings.js';
import { providerTarget } from '../doctor/provider-target.js';
import { withClientKeySource } from '../doctor/with-client-key-source.js';

const doctor = subcommand({
  path: 'doctor',
  synopsis: '[--json]',
  summary: 'check the configuration against the real provider, one line per finding with its fix',
  options: {
    json: { type: 'boolean', help: 'print a JSON array of {check, status, message, fix} instead' },
  },
  notes: [
    'Configured like gatehouse start api: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_TOKEN_AUTH_METHOD,',
    'PUBLIC_URL, OIDC_ID_TOKEN_ALG, OIDC_SCOPES, OIDC_HTTP_TIMEOUT_MS, DATA_DIR. Without OIDC_ISSUER it checks the',
    'embedded auth server (AUTH_PORT, AUTH_ISSUER) and the client gatehouse start registered in DATA_DIR.',
    'It asks the provider as sign-in would (a made-up code, prompt=none): no person signs in, nothing is issued.',
    'Exit 0 when sign-in can work (warnings allowed), 1 when a check failed.',
  ],
  async run(context, { values }) {
    const target = await targetOf(context.env);
    let findings: readonly DoctorFinding[];
    let heading: string | undefined;
    if ('findings' in target) findings = target.findings;
    else {
      // Loaded only now: the checks need openid-client and jose, the findings above do not.
      const { runDoctor } = await import('@gatehouse/api/doctor');
      const { config, hints } = target;
      try {
        findings = await withClientKeySource(config, context, (clientKey) =>
          runDoctor({ config, hints, ...(clientKey === undefined ? {} : { clientKey }) }),
        );
      } catch (error) {
        // A GATEHOUSE_SECRET the database refuses, as gatehouse start api would: a finding like the others.
        if (!(error instanceof ConfigError)) throw error;
        findings = [configFinding(error)];
      }
      heading = `gatehouse doctor: ${target.provider}, client ${target.config.oidcClientId}, PUBLIC_URL ${target.config.publicUrl}`;
    }
    context.stdout.write(
      values.json ? `${JSON.stringify(findings, null, 2)}\n` : formatFindings(findings, heading),
    );
    return findings.some((each) => each.status === 'fail') ? 1 : 0;
  },
});

/** The configuration to check, as gatehouse start would load it; a setting it would refuse is a finding. */
async function targetOf(env: Readonly<Record<string, string | undefined>>): Promise<DoctorTarget> {
  try {
    return env.OIDC_ISSUER?.trim() ? providerTarget(env) : await embeddedTarget(env);
  } catch (error) {
    if (error instanceof ConfigError) return { findings: [configFinding(error)] };
    throw error;
  }
}

/**
 * `gatehouse doctor [--json]`: checks the API's configuration (or, without OIDC_ISSUER, the embedded set-up)
 * against the real provider before users find out; exit 0 only when sign-in can work.
 */
export const runDoctorCommand: RunCommand = (context) => doctor.run(context, context.args);
