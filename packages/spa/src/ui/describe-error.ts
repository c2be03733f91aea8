import { GatehouseError } from '@gatehouse/browser';

/** A sentence for the user: the SDK's and the API's messages are written for people already. */
export function describeError(error: unknown): string {
  if (error instanceof GatehouseError) return error.message;
  if (error instanceof Error && error.message !== '') return error.message;
  return 'Something went wrong. Please try again.';
}
