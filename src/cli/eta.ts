/** Remaining-time estimates for progress bars: windowed rate, smoothed, formatted without "1m60s". */

/** Formats seconds as "42s", "4m05s" or "2h07m" (rounded once, so a minute never shows 60 seconds). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Seconds of progress history the rate is measured over. */
const WINDOW_S = 30;
/** No estimate before this much time has passed since the bar (re)started. */
const WARMUP_S = 2;
/** Weight of a new estimate in the smoothed one (per update). */
const SMOOTHING = 0.15;

/**
 * Estimates time left from (time, done) samples: the rate over the last WINDOW_S seconds, the estimate
 * exponentially smoothed, and reset when the total changes (a new phase of work with its own pace).
 */
export class EtaEstimator {
  private samples: { t: number; done: number }[] = [];
  private total = -1;
  private smoothed: number | null = null;

  /** Records progress at time `t` (seconds) and returns the smoothed seconds left, or null while unknown. */
  update(t: number, done: number, total: number): number | null {
    if (total !== this.total || (this.samples.length > 0 && done < this.samples.at(-1)!.done)) {
      this.total = total;
      this.samples = [];
      this.smoothed = null;
    }
    this.samples.push({ t, done });
    while (this.samples.length > 2 && t - this.samples[1]!.t > WINDOW_S) this.samples.shift();
    const first = this.samples[0]!;
    if (done >= total) return 0;
    if (t - first.t < WARMUP_S || done <= first.done) return this.smoothed;
    const raw = ((total - done) * (t - first.t)) / (done - first.done);
    this.smoothed = this.smoothed === null ? raw : this.smoothed + SMOOTHING * (raw - this.smoothed);
    return this.smoothed;
  }
}
