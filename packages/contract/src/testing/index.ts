export {
  expectError,
  expectLoginAnswer,
  expectLogoutAnswer,
  expectStatus,
  expectTokenAnswer,
  expectUser,
} from './check-answers.js';
export { CONTRACT_CASES, type ContractCase, type ContractTarget } from './contract-cases.js';
export {
  type ContractAnswer,
  ContractClient,
  type ContractRequest,
  type PageLoginVerifier,
  pageLoginVerifier,
} from './contract-client.js';
export { ContractViolation, expectContract } from './contract-violation.js';
