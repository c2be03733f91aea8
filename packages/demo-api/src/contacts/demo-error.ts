import { DEMO_ERRORS, type DemoErrorCode } from '@gatehouse/contract/demo';

/** An error of the demo's own (`contact_limit_reached`), answered as `{"error","error_description"}`. */
export class DemoError extends Error {
  readonly code: DemoErrorCode;
  readonly status: number;

  constructor(code: DemoErrorCode) {
    super(DEMO_ERRORS[code].description);
    this.name = 'DemoError';
    this.code = code;
    this.status = DEMO_ERRORS[code].status;
  }
}
