/**
 * Which background model fits a sky: the colour of every pixel with no depth reading (what rays that leave the
 * scene see) fitted as a function of its ray direction alone, by SH of degree 1 and 2 (the background model) and a
 * tiny MLP on a frequency-encoded direction, all with Adam on the same pixels. Prints PSNR on those pixels and
 * microseconds per ray of the forward pass (docs/open-scenes.md).
 * Usage: npx tsx bench/background-fit.ts SCENE [--steps N]
 */
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { framesOf } from '../src/data/scene.ts';
import { loadTrainingViews } from '../src/data/training-views.ts';
import { compute } from '../src/fields/compute.ts';
import { encodedInput } from '../src/fields/frequency-encoding.ts';
import { Mlp } from '../src/fields/mlp.ts';
import { markParamsWritten, type Param, syncParams } from '../src/fields/params.ts';
import { BackgroundField } from '../src/model/background.ts';
import { normalizeScene } from '../src/rays/normalize.ts';
import { raysForView } from '../src/rays/ray-bundle.ts';
import { Adam } from '../src/train/adam.ts';

const sceneDir = process.argv[2];
if (!sceneDir) throw new Error('usage: bench/background-fit.ts SCENE [--steps N]');
const steps = Number(process.argv[process.argv.indexOf('--steps') + 1]) || 600;
const scene = readScene(sceneDir);
const frames = framesOf(scene, 'train');
const views = loadTrainingViews(scene, frames, 96);
const norm = normalizeScene(scene, frames);
const dirs: number[] = [];
const rgb: number[] = [];
for (const v of views) {
  const rays = raysForView(v.frame, v.intrinsics, norm);
  for (let p = 0; p < rays.n; p++) {
    if (!v.depth || v.depth[p]! > 0) continue;
    for (let k = 0; k < 3; k++) {
      dirs.push(rays.dirs[p * 3 + k]!);
      rgb.push(v.rgb[p * 3 + k]!);
    }
  }
}
const n = dirs.length / 3;
const D = Float32Array.from(dirs);
const T = Float32Array.from(rgb);
const backend = compute();

/** A model under test: forward to colours, backward from the colour gradient, its parameters. */
interface Candidate {
  name: string;
  forward(d: Float32Array, m: number): Float32Array;
  backward(dRgb: Float32Array): void;
  params: Param[];
  lr: number;
}

function sh(degree: 1 | 2): Candidate {
  const f = new BackgroundField(backend);
  let last: Float32Array = new Float32Array(0);
  let lastDirs: Float32Array = new Float32Array(0);
  const mask = (): void => {
    // Degree 1 keeps only the first 4 of the 9 functions of every channel (on the host: synced and marked).
    if (degree !== 1) return;
    syncParams([f.coefs], backend);
    for (let q = 0; q < f.coefs.data.length; q++) if (q % 9 >= 4) f.coefs.data[q] = 0;
    markParamsWritten([f.coefs], backend);
  };
  return {
    name: `SH degree ${degree} (${degree === 1 ? 12 : 27} parameters)`,
    forward: (d, m) => {
      mask();
      lastDirs = d;
      last = f.forward(d, m);
      return last;
    },
    backward: (dRgb) => f.backward(lastDirs, last, dRgb, lastDirs.length / 3),
    params: f.params(),
    lr: 1e-2,
  };
}

function mlp(octaves: number, hidden: number): Candidate {
  const input = encodedInput(3, octaves, backend);
  const net = new Mlp('bg', [input.width, hidden, hidden, 3], new Rng(1), backend, input.encoding);
  let tape: ReturnType<Mlp['forward']> | null = null;
  let out: Float32Array = new Float32Array(0);
  return {
    name: `MLP ${input.width}→${hidden}→${hidden}→3 on ${octaves} octaves (${net.params().reduce((s, p) => s + p.data.length, 0)} parameters)`,
    forward: (d, m) => {
      tape = net.forward(d, m);
      out = new Float32Array(m * 3);
      for (let i = 0; i < m * 3; i++) out[i] = 1 / (1 + Math.exp(-tape.output[i]!));
      return out;
    },
    backward: (dRgb) => {
      const g = new Float32Array(dRgb.length);
      for (let i = 0; i < g.length; i++) g[i] = dRgb[i]! * out[i]! * (1 - out[i]!);
      net.backward(tape!, g);
    },
    params: net.params(),
    lr: 5e-3,
  };
}

console.log(`${n} sky pixels from ${views.length} training views; ${steps} Adam steps on batches of 2048`);
for (const c of [sh(1), sh(2), mlp(4, 32)]) {
  const adam = new Adam(c.params, { lr: { grid: c.lr, mlp: c.lr }, beta2: 0.99 }, backend);
  const rng = new Rng(2);
  const B = Math.min(2048, n);
  for (let s = 0; s < steps; s++) {
    const d = new Float32Array(B * 3);
    const t = new Float32Array(B * 3);
    for (let b = 0; b < B; b++) {
      const i = rng.int(n);
      for (let k = 0; k < 3; k++) {
        d[b * 3 + k] = D[i * 3 + k]!;
        t[b * 3 + k] = T[i * 3 + k]!;
      }
    }
    const out = c.forward(d, B);
    const g = new Float32Array(B * 3);
    for (let i = 0; i < g.length; i++) g[i] = (2 * (out[i]! - t[i]!)) / g.length;
    c.backward(g);
    adam.step();
  }
  const t0 = performance.now();
  const out = c.forward(D, n);
  const us = ((performance.now() - t0) * 1000) / n;
  let se = 0;
  for (let i = 0; i < out.length; i++) se += (out[i]! - T[i]!) ** 2;
  console.log(
    `${c.name}: PSNR ${(-10 * Math.log10(se / out.length)).toFixed(2)} dB, ${us.toFixed(3)} µs/ray`,
  );
}
