export type { ApiErrorCode, FlowParty, FlowStep, User } from '@gatehouse/contract';
export { createGatehouse } from './create-gatehouse.js';
export type { CallbackResult, ChangeListener, ChangeReason, Gatehouse, LoginOptions } from './gatehouse.js';
export { GatehouseError, type GatehouseErrorCode, type GatehouseErrorDetails } from './gatehouse-error.js';
export type {
  ChannelLike,
  GatehouseOptions,
  HistoryLike,
  LocationLike,
  LockManagerLike,
  StorageLike,
  TimersLike,
} from './options.js';
export { REFRESH_LOCK } from './session/refresh-coordinator.js';
