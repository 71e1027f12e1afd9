/**
 * Times `generateScene`: a 25-object scene at 128² with 100 views, and a few 512² views for the cost of
 * one full-size view. Run: npx tsx bench/generate.ts [--workers N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateScene } from '../src/synth/generate.ts';

const arg = process.argv.indexOf('--workers');
const workers = arg > 0 ? Number(process.argv[arg + 1]) : undefined;

/** Generates one scene and prints the time spent before and during rendering. */
async function run(objects: number, views: number, size: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clift-bench-'));
  const t0 = performance.now();
  let renderStart = 0;
  try {
    const r = await generateScene({
      objects,
      views,
      size,
      env: 'old_room',
      seed: 1,
      out: dir,
      workers,
      onProgress: (_done, _total, status) => {
        if (status === 'render' && renderStart === 0) renderStart = performance.now();
      },
    });
    const total = (performance.now() - t0) / 1000;
    const render = (performance.now() - renderStart) / 1000;
    process.stdout.write(
      `N=${objects} M=${views} ${size}²: ${total.toFixed(2)} s total, ${(total - render).toFixed(2)} s scene + physics (${r.physicsSteps} steps), ${render.toFixed(2)} s render = ${((1000 * render) / views).toFixed(0)} ms/view\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await run(25, 100, 128);
await run(25, 8, 512);
