// `@gatehouse/api/doctor`: what `gatehouse doctor` runs, without loading the server.
export type { DoctorCheck, DoctorFinding, DoctorStatus } from './doctor-finding.js';
export { type ClientKeySource, type DoctorHints, type RunDoctorOptions, runDoctor } from './run-doctor.js';
