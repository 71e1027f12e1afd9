import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { framesOf } from '../src/data/scene.ts';
import { createBackend } from '../src/kernels/index.ts';
import { BACKGROUND_PARAM, BackgroundField } from '../src/model/background.ts';
import { loadModelState, modelCheckpoint } from '../src/model/checkpoint.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { renderLabels } from '../src/model/label-render.ts';
import { buildModel } from '../src/model/model.ts';
import { TensorfGeometry } from '../src/model/tensorf.ts';
import type { Normalization } from '../src/rays/normalize.ts';
import type { RayBundle } from '../src/rays/ray-bundle.ts';
import { buildTraining } from '../src/train/trainer.ts';
import { assertGradientMatches } from './helpers/finite-difference.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

const backend = createBackend({ threads: 2 });

/** n random unit directions. */
function directions(rng: Rng, n: number): Float32Array {
  const d = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const v = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
    const l = Math.hypot(v[0]!, v[1]!, v[2]!);
    for (let k = 0; k < 3; k++) d[i * 3 + k] = v[k]! / l;
  }
  return d;
}

test('the background colour backward matches finite differences', () => {
  const rng = new Rng(5);
  const bg = new BackgroundField(backend);
  for (let q = 0; q < bg.coefs.data.length; q++) bg.coefs.data[q] = rng.uniform(-0.2, 0.2);
  const n = 7;
  const dirs = directions(rng, n);
  const g = Float32Array.from({ length: n * 3 }, () => rng.uniform(-1, 1));
  const rgb = bg.forward(dirs, n);
  bg.coefs.grad.fill(0);
  bg.backward(dirs, rgb, g, n);
  const analytic = Float64Array.from(bg.coefs.grad);
  const x = Float64Array.from(bg.coefs.data);
  assertGradientMatches(
    analytic,
    (c) => {
      bg.coefs.data.set(c);
      const out = bg.forward(dirs, n);
      let s = 0;
      for (let i = 0; i < out.length; i++) s += out[i]! * g[i]!;
      return s;
    },
    x,
    2e-3,
    1e-3,
  );
});

test('compositing the background behind the field: gradients to its coefficients and the densities', () => {
  const norm: Normalization = {
    center: [0, 0, 0],
    scale: 1,
    box: { min: [-1, -1, -1], max: [1, 1, 1] },
    source: 'aabb',
  };
  const config = parseTrainConfig(
    { grid: { start: 8, end: 8, densityComponents: 2, appearanceComponents: 2, occupancy: 8 } },
    'test',
  );
  const geo = new TensorfGeometry(norm, config, new Rng(3), backend);
  const rng = new Rng(9);
  const densities = geo.params().filter((p) => p.name.startsWith('density'));
  // Planes × lines summed over 3 modes and 2 components ≈ 6.5: σ = softplus(6.5 − 10) ≈ 0.03, half-opaque rays.
  for (const p of densities) for (let i = 0; i < p.data.length; i++) p.data[i] = rng.uniform(0.8, 1.15);
  const density = densities[0]!;
  for (const p of geo.background!.params())
    for (let i = 0; i < p.data.length; i++) p.data[i] = rng.uniform(-0.2, 0.2);
  const n = 6;
  const rays: RayBundle = {
    n,
    origins: Float32Array.from({ length: n * 3 }, () => rng.uniform(-0.3, 0.3)),
    dirs: directions(rng, n),
    pixels: new Int32Array(n),
  };
  const g = Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 === 3 ? 0 : rng.uniform(-1, 1)));
  const loss = (): number => {
    const r = geo.render(rays, { withColor: true, colourEverySample: true });
    let s = 0;
    for (let i = 0; i < r.out.length; i++) s += r.out[i]! * g[i]!;
    return s;
  };
  const r = geo.render(rays, { withColor: true, colourEverySample: true });
  const opaque = Array.from(r.opacity).filter((o) => o > 0.05 && o < 0.95).length;
  assert.ok(opaque >= 2, `${opaque} rays see both field and background`);
  for (const p of geo.params()) p.grad.fill(0);
  geo.backward(r, g);
  const coefs = geo.background!.coefs;
  assertGradientMatches(
    Float64Array.from(coefs.grad),
    (c) => {
      coefs.data.set(c);
      return loss();
    },
    Float64Array.from(coefs.data),
    5e-3,
    1e-3,
  );
  // Density entries with the largest gradients: through the transmittance the background sees.
  const order = Array.from(density.grad.keys()).sort(
    (a, b) => Math.abs(density.grad[b]!) - Math.abs(density.grad[a]!),
  );
  const pick = order.slice(0, 6);
  assertGradientMatches(
    Float64Array.from(pick, (i) => density.grad[i]!),
    (v) => {
      pick.forEach((i, k) => {
        density.data[i] = v[k]!;
      });
      return loss();
    },
    Float64Array.from(pick, (i) => density.data[i]!),
    2e-2,
    1e-3,
  );
});

/** Gives a tiny scene a scene box around its objects (without one its box comes from the far-reaching depth). */
function withBox(dir: string): string {
  const path = join(dir, 'transforms.json');
  const t = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  t.aabb = [
    [-1.6, -1.6, -0.1],
    [1.6, 1.6, 1.5],
  ];
  writeFileSync(path, JSON.stringify(t));
  return dir;
}

const small = {
  trainSize: 32,
  batch: 512,
  instanceHidden: 16,
  semanticHidden: 16,
  grid: { start: 24, end: 24, densityComponents: 8, appearanceComponents: 16, occupancy: 24 },
};

/** Mean PSNR over the training views of a model's renders. */
function trainPsnr(m: ReturnType<typeof buildTraining>): number {
  let sum = 0;
  for (const v of m.stages.views) {
    const r = renderLabels(m.model, v.frame, v.intrinsics);
    let se = 0;
    for (let i = 0; i < r.rgb.length; i++) se += (r.rgb[i]! - v.rgb[i]!) ** 2;
    sum += -10 * Math.log10(se / r.rgb.length);
  }
  return sum / m.stages.views.length;
}

test('on an open scene the learned background beats none; sky pixels get no label', () => {
  const dir = withBox(writeTinyScene({ frames: 6, size: 32, stepDeg: 60, sky: true }));
  const scene = readScene(dir);
  const psnr: Record<string, number> = {};
  for (const background of ['learned', 'none'] as const) {
    const config = parseTrainConfig({ ...small, seed: 1, background }, 'test');
    const t = buildTraining(scene, config, undefined, backend);
    const rng = new Rng(1);
    for (let it = 0; it < 80; it++) {
      for (const h of t.stages.geometry.hooks) h.run(it);
      t.stages.geometry.step(rng, it);
    }
    psnr[background] = trainPsnr(t);
    if (background === 'learned') {
      const v = t.stages.views[0]!;
      const r = renderLabels(t.model, v.frame, v.intrinsics);
      let sky = 0;
      let voids = 0;
      for (let p = 0; p < v.depth!.length; p++) {
        if (v.depth![p]! > 0) continue;
        sky++;
        if (r.semantic[p] === 65535) voids++;
      }
      assert.ok(sky > 50, `${sky} sky pixels in view 0`);
      assert.ok(voids > 0.8 * sky, `${voids} of ${sky} sky pixels rendered without a label`);
    }
  }
  assert.ok(psnr.learned! > psnr.none! + 2, `PSNR learned ${psnr.learned} vs none ${psnr.none}`);
});

test('checkpoints keep the background; one without it loads as no background', () => {
  const norm: Normalization = {
    center: [0, 0, 0],
    scale: 1,
    box: { min: [-1, -1, -1], max: [1, 1, 1] },
    source: 'aabb',
  };
  const config = parseTrainConfig(small, 'test');
  const a = buildModel(config, norm, 2, backend);
  a.geometry.background!.coefs.data.forEach((_, i, c) => {
    c[i] = 0.01 * (i + 1);
  });
  const ck = modelCheckpoint(a);
  assert.ok(ck.tensors.has(BACKGROUND_PARAM));
  const b = buildModel(config, norm, 2, backend);
  loadModelState(b, ck, 'ck');
  assert.deepEqual(
    Array.from(b.geometry.background!.coefs.data),
    Array.from(a.geometry.background!.coefs.data),
  );
  ck.tensors.delete(BACKGROUND_PARAM);
  const old = buildModel(config, norm, 2, backend);
  loadModelState(old, ck, 'old.bin');
  assert.equal(old.geometry.background, null, 'a checkpoint from before the background renders without one');
  assert.ok(!old.geometry.params().some((p) => p.name === BACKGROUND_PARAM));
});

test('pixels with no depth reading keep the cells their rays cross occupied unless a reading shows them empty', () => {
  const dir = withBox(writeTinyScene({ frames: 8, size: 32, stepDeg: 45 }));
  const scene = readScene(dir);
  const config = parseTrainConfig(small, 'test');
  const occupiedAt = (dropObject: boolean, world: [number, number, number]): boolean => {
    const t = buildTraining(scene, config, undefined, backend);
    const gt = framesOf(scene, 'train');
    if (dropObject) {
      // The sensor has no reading on object 1 (the sphere at (0.55, 0.35, 0.3), radius 0.3) in any view.
      for (const v of t.stages.views) {
        const w = v.intrinsics.w;
        for (let p = 0; p < v.depth!.length; p++) {
          const u = p % w;
          const row = Math.floor(p / w);
          const d = v.depth![p]!;
          if (d <= 0) continue;
          const c = v.intrinsics;
          const x = ((u + 0.5 - c.cx) / c.fx) * d;
          const y = (-(row + 0.5 - c.cy) / c.fy) * d;
          const m = v.frame.c2w;
          const wx = m[0]! * x + m[1]! * y - m[2]! * d + m[3]!;
          const wy = m[4]! * x + m[5]! * y - m[6]! * d + m[7]!;
          const wz = m[8]! * x + m[9]! * y - m[10]! * d + m[11]!;
          if (Math.hypot(wx - 0.55, wy - 0.35, wz - 0.3) < 0.32) v.depth![p] = 0;
        }
      }
      t.model.geometry.occupancy.bits.fill(1);
      assert.ok(t.model.geometry.seedOccupancy(t.stages.views));
    }
    assert.ok(gt.length > 0);
    const n = t.model.norm;
    const q = world.map((v, k) => (v - n.center[k]!) / n.scale);
    return t.model.geometry.occupancy.occupied(q[0]!, q[1]!, q[2]!);
  };
  assert.equal(occupiedAt(false, [0.55, 0.35, 0.58]), true, 'the sphere top is occupied with its readings');
  assert.equal(occupiedAt(true, [0.55, 0.35, 0.58]), true, 'and stays occupied without them');
  assert.equal(
    occupiedAt(true, [0.55, 0.35, 0.3]),
    true,
    'its inside, seen by no reading, is unknown: occupied',
  );
  assert.equal(occupiedAt(true, [0, 0, 1.2]), false, 'free space in front of readings is empty');
});
