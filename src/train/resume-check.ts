/** What resuming a run must agree with: the checkpoint's config, and the time and stages already trained. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Config keys that may change on resume without changing what is trained. */
const FREE_ON_RESUME = new Set(['threads', 'checkpointEvery']);

/** Dotted paths of the config values that differ between a checkpoint's config and this one. */
export function configDifferences(saved: unknown, now: unknown, prefix = ''): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(saved) || !isObj(now)) return JSON.stringify(saved) === JSON.stringify(now) ? [] : [prefix];
  const keys = [...new Set([...Object.keys(saved), ...Object.keys(now)])].sort();
  return keys.flatMap((k) => {
    if (prefix === '' && FREE_ON_RESUME.has(k)) return [];
    const path = prefix ? `${prefix}.${k}` : k;
    const a = saved[k];
    const b = now[k];
    if (isObj(a) && isObj(b)) return configDifferences(a, b, path);
    return JSON.stringify(a) === JSON.stringify(b)
      ? []
      : [`${path} ${JSON.stringify(a) ?? 'unset'} → ${JSON.stringify(b) ?? 'unset'}`];
  });
}

/** The part of a run trained before a resume: its wall time, seconds per stage and first iteration. */
export interface RunSoFar {
  seconds: number;
  stages: Record<string, number>;
  fromIteration: number;
}

/** Reads the time already spent from losses.csv's last row and timings.json (zeros where absent). */
export function runSoFar(runDir: string, lossPath: string): RunSoFar {
  let seconds = 0;
  if (existsSync(lossPath)) {
    const lines = readFileSync(lossPath, 'utf8').trim().split('\n');
    const header = lines[0]?.split(',') ?? [];
    const col = header.indexOf('seconds');
    const last = lines.length > 1 ? Number(lines.at(-1)!.split(',')[col]) : 0;
    if (col >= 0 && Number.isFinite(last)) seconds = last;
  }
  const timingsPath = join(runDir, 'timings.json');
  if (!existsSync(timingsPath) || dirname(lossPath) !== runDir)
    return { seconds, stages: {}, fromIteration: 0 };
  try {
    const t = JSON.parse(readFileSync(timingsPath, 'utf8')) as {
      fromIteration?: number;
      seconds?: Record<string, number>;
    };
    return { seconds, stages: { ...(t.seconds ?? {}) }, fromIteration: t.fromIteration ?? 0 };
  } catch {
    return { seconds, stages: {}, fromIteration: 0 };
  }
}
