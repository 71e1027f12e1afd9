/** Output folders a command creates: removed again when the command fails, so no half-written scene is left. */
import { existsSync, rmSync } from 'node:fs';

/** Runs `fn`; if it throws and `dir` did not exist before, removes what it wrote there. */
export async function inFreshFolder<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const existed = existsSync(dir);
  try {
    return await fn();
  } catch (e) {
    if (!existed) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
