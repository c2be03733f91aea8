import type { DoctorFinding } from '@gatehouse/api/doctor';
import type { ConfigError } from '@gatehouse/common';

/** A setting that would stop `gatehouse start` stops the doctor too: one finding, its line, the setting to fix. */
export function configFinding(error: ConfigError): DoctorFinding {
  return {
    check: 'config',
    status: 'fail',
    message: error.message,
    fix: `fix ${error.setting} (gatehouse start refuses it too), then run gatehouse doctor again`,
  };
}
