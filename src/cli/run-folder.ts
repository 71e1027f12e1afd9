/** Guards for run folders: a finished or half-finished run is never overwritten by accident. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Files whose presence makes a folder a clift run. */
const RUN_FILES = ['checkpoint.bin', 'config.json', 'losses.csv'];

/** The run files already in `dir` (empty when it is not a run folder). */
export function existingRunFiles(dir: string): string[] {
  return RUN_FILES.filter((f) => existsSync(join(dir, f)));
}

/** Refuses to train into a folder that already holds a run, unless resuming or forced. */
export function checkRunFolder(dir: string, opts: { resume: boolean; force: boolean }): void {
  const found = existingRunFiles(dir);
  if (opts.resume) {
    if (!found.includes('checkpoint.bin'))
      throw new Error(
        `${join(dir, 'checkpoint.bin')}: no checkpoint to resume from (train without --resume)`,
      );
    return;
  }
  if (found.length > 0 && !opts.force)
    throw new Error(
      `${dir}: already holds a run (${found.join(', ')}); continue it with --resume, overwrite it with --force, or choose another --out`,
    );
}
