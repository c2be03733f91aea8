// @ts-check
// The resolve hook of record-loads.mjs (it runs on Node's module-hooks thread): one line per resolved module.
import { appendFileSync } from 'node:fs';

/** @type {string} */
let file = '';

/** @param {{ file: string }} data */
export function initialize(data) {
  file = data.file;
}

/**
 * @param {string} specifier
 * @param {object} context
 * @param {(specifier: string, context: object) => Promise<{ url: string }>} next
 */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, `${process.pid}\t${resolved.url}\n`);
  return resolved;
}
