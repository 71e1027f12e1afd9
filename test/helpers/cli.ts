/** Runs the clift command line in a child process with a time limit, for tests of exit codes and messages. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** What a finished (or killed) clift process left. */
export interface CliResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** True when the time limit killed it. */
  killed: boolean;
}

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'clift.js');

/** Runs `clift ARGS` (stdin closed, no TTY), killing it after `timeoutMs`. */
export function runCli(args: string[], timeoutMs = 30_000, cwd?: string): Promise<CliResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL', cwd, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; killed?: boolean; signal?: string }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout,
          stderr,
          seconds: (performance.now() - t0) / 1000,
          killed: e?.killed === true,
        });
      },
    );
    child.stdin?.end();
  });
}

/** The lines of a command's stderr that report an error (not warnings, not progress). */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('clift:') && !l.startsWith('clift: warning:'));
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping their order in the result. */
export async function inPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
