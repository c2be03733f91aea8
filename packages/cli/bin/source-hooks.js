// @ts-check
// Module hooks for the settings check that runs before the first build (bin/check-settings-first.js): the
// workspace packages resolve to their TypeScript sources (the `@gatehouse/source` export condition, as the tests
// use), each transpiled alone, without type checking, by the TypeScript the repository installs. Only in the
// short-lived child process that check runs in, never in the command itself.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** @type {typeof import('typescript') | undefined} */
let ts;

/**
 * @param {string} specifier
 * @param {{ conditions: string[]; parentURL?: string }} context
 * @param {(specifier: string, context: object) => Promise<{ url: string }>} next
 */
export async function resolve(specifier, context, next) {
  const withSource = { ...context, conditions: ['@gatehouse/source', ...context.conditions] };
  try {
    return await next(specifier, withSource);
  } catch (error) {
    // The sources import each other as './file.js' (what the build emits): the file is './file.ts'.
    const fromSource = context.parentURL?.endsWith('.ts') === true && specifier.endsWith('.js');
    if (!fromSource) throw error;
    return next(`${specifier.slice(0, -3)}.ts`, withSource);
  }
}

/**
 * @param {string} url
 * @param {object} context
 * @param {(url: string, context: object) => Promise<object>} next
 */
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  ts ??= /** @type {typeof import('typescript')} */ (createRequire(import.meta.url)('typescript'));
  const source = await readFile(new URL(url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: url,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2023,
      verbatimModuleSyntax: true,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
