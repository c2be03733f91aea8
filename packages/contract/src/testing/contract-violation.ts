/** A difference between what a server answered and what the HTTP contract says it answers. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/** Throws a {@link ContractViolation} saying `what` unless `condition` holds. */
export function expectContract(condition: boolean, what: string): asserts condition {
  if (!condition) throw new ContractViolation(what);
}
