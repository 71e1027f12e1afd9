/**
 * The step driver of bench/compare.ts for trees from before src/model/ (6678176 … b4ae03c), copied into their worktree.
 * Times the default training workload step by step and prints one JSON line; only APIs that existed at 6678176 are
 * used. The geometry starts from RUN's checkpoint (a run stopped inside its
 * geometry stage, made once by `--prepare`), so steps see a formed field as in the middle of training.
 * Usage: tsx bench/lib/step-driver.ts SCENE STEPS RUN | tsx bench/lib/step-driver.ts --prepare SCENE RUN
 */
import { Rng } from '../../src/core/rng.ts';
import { readScene } from '../../src/data/read-scene.ts';
import { parseTrainConfig } from '../../src/train/config.ts';
import { buildSampleCache } from '../../src/train/sample-cache.ts';
import { buildModel, CACHE_SAMPLES, restoreModel, train } from '../../src/train/trainer.ts';

/** Iteration at which the prepared run stops: past the last grid upsampling, inside the geometry stage. */
const PREPARE_AT = 1000;
// 6678176's iteration count and grid, pinned as in bench/lib/workload.ts (WORKLOAD_CONFIG), which older trees lack.
const config = parseTrainConfig(
  {
    iters: 3000,
    grid: { start: 48, end: 96, densityComponents: 16, appearanceComponents: 48, occupancy: 64 },
  },
  'bench',
);
if (process.argv[2] === '--prepare') {
  const [, sceneDir, runDir] = process.argv.slice(2);
  await train({ sceneDir: sceneDir!, runDir: runDir!, config, stopAt: PREPARE_AT });
  process.exit(0);
}
const [sceneDir, stepsArg, runDir] = process.argv.slice(2);
const steps = Number(stepsArg) || 30;
const { views, norm, geometry: g, labels: l } = buildModel(readScene(sceneDir!), config);
restoreModel(runDir!, { geometry: g, labels: l });
const rng = new Rng(config.seed).fork('bench');

/** Milliseconds per call of fn over `steps` calls after `warm` untimed ones. */
function perStep(fn: () => void, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) fn();
  return (performance.now() - t0) / steps;
}

const geometry = perStep(() => g.step(rng));
const t0 = performance.now();
l.setCache(buildSampleCache(views, norm, g.settings(), CACHE_SAMPLES));
const cache = (performance.now() - t0) / 1000;
const semantic = perStep(() => l.step(rng, false, false));
const instance = perStep(() => l.step(rng, true, false));
process.stdout.write(`${JSON.stringify({ geometry, semantic, instance, cache, views: views.length })}\n`);
