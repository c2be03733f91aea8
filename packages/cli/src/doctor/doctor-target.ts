import type { ApiConfig } from '@gatehouse/api';
import type { DoctorFinding, DoctorHints } from '@gatehouse/api/doctor';

/** What `gatehouse doctor` checks: a configuration to run the checks on, or the findings that stopped it first. */
export type DoctorTarget =
  | {
      readonly config: ApiConfig;
      readonly hints: DoctorHints;
      /** Names the provider in the first line of the report. */
      readonly provider: string;
    }
  | { readonly findings: readonly DoctorFinding[] };
