import type { FastifyInstance } from 'fastify';
import type { GatehouseIdentity } from '../guards/gatehouse-identity.js';

/** Where a guard leaves the verified identity on a request (read through `request.gatehouse`). */
export const kIdentity: unique symbol = Symbol('gatehouse.identity');

const NOT_GUARDED =
  'request.gatehouse is set only on routes guarded by app.gatehouse.requireUser(), requireRole() or requireScope()';

/** Adds `request.gatehouse` (a getter) and its slot, once per app. */
export function decorateRequestIdentity(app: FastifyInstance): void {
  if (app.hasRequestDecorator('gatehouse')) return;
  app.decorateRequest(kIdentity, null);
  app.decorateRequest('gatehouse', {
    getter(this: { [kIdentity]: GatehouseIdentity | null }): GatehouseIdentity {
      const identity = this[kIdentity];
      if (identity === null) throw new Error(NOT_GUARDED);
      return identity;
    },
  });
}
