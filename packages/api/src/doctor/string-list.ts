/** A metadata member that should be an array of strings: its strings, or `undefined` when it is absent or not a list. */
export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}
