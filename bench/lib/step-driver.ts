/**
 * One process of bench/compare.ts: times the default training workload step by step on the source tree it lives
 * in (HEAD, or a worktree of an older commit, which gets a copy of this file), and prints one JSON line.
 * Only APIs that existed at 6678176 are used. The geometry starts from RUN's checkpoint (a run stopped inside its
 * geometry stage, made once by `--prepare`), so steps see a formed field as in the middle of training.
 * Usage: tsx bench/lib/step-driver.ts SCENE STEPS RUN | tsx bench/lib/step-driver.ts --prepare SCENE RUN
 */
import { Rng } from '../../src/core/rng.ts';
import { readScene } from '../../src/data/read-scene.ts';
import { parseTrainConfig } from '../../src/model/config.ts';
import { buildTraining, restoreTraining, train } from '../../src/train/trainer.ts';
import { WORKLOAD_CONFIG } from './workload.ts';

/** Iteration at which the prepared run stops: past the last grid upsampling, inside the geometry stage. */
const PREPARE_AT = 1000;
const config = parseTrainConfig(WORKLOAD_CONFIG, 'bench');
if (process.argv[2] === '--prepare') {
  const [, sceneDir, runDir] = process.argv.slice(2);
  await train({ sceneDir: sceneDir!, runDir: runDir!, config, stopAt: PREPARE_AT });
  process.exit(0);
}
const [sceneDir, stepsArg, runDir] = process.argv.slice(2);
const steps = Number(stepsArg) || 30;
const { model, stages: st } = buildTraining(readScene(sceneDir!), config);
const { iteration } = restoreTraining(runDir!, model, st);
const { geometry: g, labels: l } = st;
const rng = new Rng(config.seed).fork('bench');

/** Milliseconds per call of fn over `steps` calls after `warm` untimed ones. */
function perStep(fn: () => void, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) fn();
  return (performance.now() - t0) / steps;
}

const geometry = perStep(() => g.step(rng, iteration));
const t0 = performance.now();
l.ensureCache();
const cache = (performance.now() - t0) / 1000;
const semantic = perStep(() => l.step(rng, false, false));
const instance = perStep(() => l.step(rng, true, false));
process.stdout.write(`${JSON.stringify({ geometry, semantic, instance, cache, views: st.views.length })}\n`);
