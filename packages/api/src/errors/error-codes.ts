import { API_ERRORS, type ApiErrorCode } from '@gatehouse/contract';

/**
 * Every error the API answers with, declared once in `@gatehouse/contract` (the browser reads the same table):
 * its HTTP status and a description that tells the developer the likely cause. The README lists the same table.
 */
export const ERROR_CODES = API_ERRORS;

export type { ApiErrorCode };
