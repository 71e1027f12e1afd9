/** Terminal progress bars for long commands (line output when there is no TTY, as in CI). */
import cliProgress from 'cli-progress';
import type { ProgressFn } from '../core/progress.ts';

/** A progress bar on stderr; `update` is a ProgressFn and `stop` ends the bar. */
export function progressBar(label: string): { update: ProgressFn; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {status}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, status = '') {
      if (!started) {
        bar.start(total, done, { status });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { status });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
