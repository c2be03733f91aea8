export type {
  CallbackAnswer,
  ErrorAnswer,
  LoginAnswer,
  LogoutAnswer,
  MeAnswer,
  TokenAnswer,
} from './answers.js';
export {
  API_ERRORS,
  type ApiErrorCode,
  type ErrorCodeEntry,
  LOGIN_TRANSACTION_ERRORS,
} from './error-codes.js';
export { FLOW_PARTIES, type FlowParty, type FlowStep } from './flow-step.js';
export { LOGIN_CHALLENGE_HEADER, LOGIN_VERIFIER_HEADER } from './login-binding-headers.js';
export { API_ROUTES } from './routes.js';
export { USER_MEMBERS, type User } from './user.js';
