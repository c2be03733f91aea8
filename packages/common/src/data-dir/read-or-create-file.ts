import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * Returns the content of a private file (mode 0600), creating it with `create()` the first time. Creation is
 * atomic (a complete temporary file, then a hard link to the final name, which fails if it exists), so two processes starting at once agree on
 * one value and a crash never leaves a half-written secret.
 *
 * @example
 * const key = readOrCreateFile(join(dataDir, 'secrets.key'), () => randomBytes(32));
 */
export function readOrCreateFile(file: string, create: () => Uint8Array | string): Buffer {
  const existing = readIfPresent(file);
  if (existing !== undefined) return existing;
  const temporary = writeTemporaryBeside(file, create());
  try {
    // link() never replaces: the first writer wins and later ones read its complete value.
    linkSync(temporary, file);
  } catch (error) {
    if (!isExists(error)) throw error;
  } finally {
    unlinkSync(temporary);
  }
  return readFileSync(file);
}

/**
 * {@link readOrCreateFile} for content that takes asynchronous work to make, such as a key pair: `create()` runs
 * only when the file is absent. Should two processes create it at once, both return the first one's content.
 *
 * @example
 * const jwk = await readOrCreateFileAsync(file, async () => JSON.stringify(await exportJWK(await newKey())));
 */
export async function readOrCreateFileAsync(
  file: string,
  create: () => Promise<Uint8Array | string>,
): Promise<Buffer> {
  const existing = readIfPresent(file);
  if (existing !== undefined) return existing;
  const content = await create();
  return readOrCreateFile(file, () => content);
}

/** Atomically replaces a private file's content (write to a temporary file, then rename). */
export function writePrivateFile(file: string, content: Uint8Array | string): void {
  renameSync(writeTemporaryBeside(file, content), file);
}

/**
 * Writes `content` to a new private (0600) file next to `file`, creating its directory (0700), and returns the
 * temporary file's path: a complete file that a link or rename then puts in place.
 */
function writeTemporaryBeside(file: string, content: Uint8Array | string): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
  } finally {
    closeSync(fd);
  }
  return temporary;
}

/** The file's content, or undefined when it does not exist (any other error is thrown). */
function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function isExists(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
}
