/**
 * The geometry stage of one scene with its depth maps and without them (every depth_file_path dropped, the same
 * scene box), one after the other in one process: stage seconds, occupancy-pass seconds, samples a ray per window
 * of iterations, occupied share of the grid, and test PSNR (float RGB, mean of the test views at the training size).
 * Usage: npx tsx bench/no-depth.ts --scene DIR [--iters N] [--train-size PX] [--grid N] [--window N] [--threads N]
 *   [--only depth|no-depth] [--visibility]   (--visibility: the config's occupancyVisibility on)
 */
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { framesOf, type Scene } from '../src/data/scene.ts';
import { loadTrainingViews, type ViewPixels } from '../src/data/training-views.ts';
import { parseBackendChoice, setCompute } from '../src/fields/compute.ts';
import { createBackend } from '../src/kernels/index.ts';
import { parseTrainConfig, type TrainConfig } from '../src/model/config.ts';
import { buildModel, classCount } from '../src/model/model.ts';
import type { TensorfGeometry } from '../src/model/tensorf.ts';
import { type Normalization, normalizeScene } from '../src/rays/normalize.ts';
import { raysForView } from '../src/rays/ray-bundle.ts';
import { GeometryStage } from '../src/train/geometry-stage.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sceneDir = opt('--scene');
if (!sceneDir) throw new Error('--scene DIR is required');
const iters = Number(opt('--iters') ?? 600);
const trainSize = Number(opt('--train-size') ?? 64);
const grid = Number(opt('--grid') ?? 64);
const windowIters = Number(opt('--window') ?? 100);
const threads = opt('--threads');
setCompute(
  createBackend({
    kind: parseBackendChoice(opt('--backend') ?? 'auto', '--backend'),
    ...(threads ? { threads: Number(threads) } : {}),
  }),
);

/** The scene as read, or with every frame's depth map dropped (as if its transforms.json had none). */
function withoutDepth(scene: Scene): Scene {
  return {
    ...scene,
    frames: scene.frames.map((f) => {
      const { depth_file_path: _, ...maps } = f.maps;
      return { ...f, maps };
    }),
  };
}

/** Mean PSNR (dB) of the geometry's renders of the test views against their RGB. */
function testPsnr(geometry: TensorfGeometry, views: ViewPixels[], norm: Normalization): number {
  let sum = 0;
  for (const v of views) {
    const rays = raysForView(v.frame, v.intrinsics, norm);
    let se = 0;
    for (let p0 = 0; p0 < rays.n; p0 += 4096) {
      const m = Math.min(4096, rays.n - p0);
      const sub = {
        n: m,
        origins: rays.origins.subarray(p0 * 3, (p0 + m) * 3),
        dirs: rays.dirs.subarray(p0 * 3, (p0 + m) * 3),
        pixels: rays.pixels.subarray(p0, p0 + m),
      };
      const r = geometry.render(sub, { withColor: true });
      for (let j = 0; j < m; j++)
        for (let k = 0; k < 3; k++) {
          const d = Math.min(1, Math.max(0, r.out[j * 4 + k]!)) - v.rgb[(p0 + j) * 3 + k]!;
          se += d * d;
        }
    }
    sum += -10 * Math.log10(se / (rays.n * 3));
  }
  return sum / views.length;
}

interface Result {
  label: string;
  seeded: boolean;
  seconds: number;
  occupancySeconds: number;
  psnr: number;
  windows: {
    from: number;
    seconds: number;
    samplesPerRay: number;
    colouredPerRay: number;
    occupied: number;
  }[];
}

/** Trains the geometry stage of `scene` for `iters` iterations and measures it. */
function run(label: string, scene: Scene, config: TrainConfig, norm: Normalization): Result {
  const train = loadTrainingViews(scene, framesOf(scene, 'train'), config.trainSize);
  const test = loadTrainingViews(scene, framesOf(scene, 'test'), config.trainSize);
  const model = buildModel(config, norm, classCount(scene));
  const t0 = performance.now();
  const stage = new GeometryStage(model.geometry, train, config, iters);
  const rng = new Rng(config.seed).fork('bench-geometry');
  const windows: Result['windows'] = [];
  let occupancyMs = 0;
  let wStart = performance.now();
  let samples = 0;
  let coloured = 0;
  let rays = 0;
  for (let it = 0; it < iters; it++) {
    for (const hook of stage.hooks) {
      const h0 = performance.now();
      hook.run(it);
      if (hook.name === 'occupancy') occupancyMs += performance.now() - h0;
    }
    stage.step(rng, it);
    samples += stage.lastStep.samples;
    coloured += stage.lastStep.coloured;
    rays += stage.lastStep.rays;
    if ((it + 1) % windowIters === 0 || it + 1 === iters) {
      const bits = model.geometry.occupancy.bits;
      let on = 0;
      for (const b of bits) on += b;
      windows.push({
        from: it + 1 - ((it + 1) % windowIters || windowIters),
        seconds: (performance.now() - wStart) / 1000,
        samplesPerRay: samples / rays,
        colouredPerRay: coloured / rays,
        occupied: on / bits.length,
      });
      wStart = performance.now();
      samples = 0;
      coloured = 0;
      rays = 0;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const psnr = testPsnr(model.geometry, test, norm);
  return {
    label,
    seeded: stage.seededFromDepth,
    seconds,
    occupancySeconds: occupancyMs / 1000,
    psnr,
    windows,
  };
}

const scene = readScene(sceneDir);
const config = parseTrainConfig(
  {
    iters,
    trainSize,
    grid: { start: Math.round(grid / 2), end: grid },
    stages: { semantic: 1, instance: 1, segment: 1 },
    ...(args.includes('--visibility') ? { occupancyVisibility: true } : {}),
  },
  'bench/no-depth',
);
// One normalisation for both runs: the scene box the capture has with its depth (or its aabb).
const norm = normalizeScene(scene, framesOf(scene, 'train'));
const only = opt('--only');
const results = [
  ...(only === 'no-depth' ? [] : [run('depth', scene, config, norm)]),
  ...(only === 'depth' ? [] : [run('no depth', withoutDepth(scene), config, norm)]),
];
for (const r of results) {
  process.stdout.write(
    `${r.label}: seeded ${r.seeded}, geometry ${r.seconds.toFixed(1)} s (occupancy passes ${r.occupancySeconds.toFixed(1)} s), test PSNR ${r.psnr.toFixed(2)} dB\n`,
  );
  for (const w of r.windows)
    process.stdout.write(
      `  it ${w.from}+: ${w.seconds.toFixed(1)} s, ${w.samplesPerRay.toFixed(1)} samples/ray (${w.colouredPerRay.toFixed(1)} coloured), occupied ${(100 * w.occupied).toFixed(1)} %\n`,
    );
}
const [d, nd] = results;
if (d && nd)
  process.stdout.write(
    `ratio no-depth / depth: geometry seconds ${(nd.seconds / d.seconds).toFixed(2)}, PSNR ${nd.psnr.toFixed(2)} vs ${d.psnr.toFixed(2)} dB\n`,
  );
process.stdout.write(`${JSON.stringify({ scene: sceneDir, iters, trainSize, grid, results })}\n`);
