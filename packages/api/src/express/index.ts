export type { ExpressGuard, GuardedRequest } from './express-guards.js';
export { type GatehouseExpress, gatehouseExpress } from './gatehouse-express.js';
