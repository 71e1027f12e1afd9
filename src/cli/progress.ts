/**
 * Terminal progress bars for long commands, on stderr: redrawn in place on a terminal (throttled), one line
 * every few seconds otherwise (as in CI). No timers, so a bar can never keep the process alive.
 */
import type { ProgressFn } from '../core/progress.ts';
import { EtaEstimator, formatDuration } from './eta.ts';

/** A progress bar: `update` is a ProgressFn, `log` prints a line above the bar, `stop` ends it. */
export interface ProgressBar {
  update: ProgressFn;
  log: (line: string) => void;
  stop: () => void;
}

const WIDTH = 30;
const TTY_EVERY_MS = 100;
const LINE_EVERY_MS = 5000;

/** A progress bar on stderr labelled `label`. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const tty = stream.isTTY === true;
  const eta = new EtaEstimator();
  const t0 = performance.now();
  let last = { done: 0, total: 0, status: '', left: null as number | null };
  let drawnAt = Number.NEGATIVE_INFINITY;
  let onScreen = false;
  let printed = '';
  let active = false;
  let stopped = false;

  const text = (): string => {
    const { done, total, status, left } = last;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const fill = Math.round(frac * WIDTH);
    const bar = `${'█'.repeat(fill)}${'░'.repeat(WIDTH - fill)}`;
    const etaText = done >= total ? '0s' : left === null ? '--' : formatDuration(left);
    const line = `${label} [${bar}] ${Math.round(frac * 100)}% | ${done}/${total} | ETA ${etaText}${status ? ` | ${status}` : ''}`;
    const cols = tty ? (stream.columns ?? 0) : 0;
    return cols > 1 && line.length >= cols ? line.slice(0, cols - 1) : line;
  };
  const clear = () => {
    if (tty && onScreen) stream.write('\r\x1b[K');
    onScreen = false;
  };
  const draw = (force: boolean) => {
    const now = performance.now();
    if (!force && now - drawnAt < (tty ? TTY_EVERY_MS : LINE_EVERY_MS)) return;
    drawnAt = now;
    if (tty) {
      stream.write(`\r\x1b[K${text()}`);
      onScreen = true;
    } else {
      printed = text();
      stream.write(`${printed}\n`);
    }
  };
  return {
    update(done, total, status = '') {
      if (stopped) return;
      const left = eta.update((performance.now() - t0) / 1000, done, total);
      const first = !active;
      active = true;
      last = { done, total, status, left };
      draw(first || done >= total);
    },
    log(line) {
      clear();
      stream.write(`${line}\n`);
      if (active && !stopped && tty) draw(true);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (!active) return;
      if (tty) {
        draw(true);
        stream.write('\n');
        onScreen = false;
      } else if (printed !== text()) {
        draw(true);
      }
    },
  };
}
