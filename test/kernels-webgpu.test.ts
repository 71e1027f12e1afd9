// The WebGPU backend's own contract: resident buffers stay on the device until synced, host writes are
// uploaded once marked, aliased and packed views bind correctly, and a machine without an adapter gets one
// clear error naming the other backends.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { createBackend, type WebGpuBackend } from '../src/kernels/index.ts';
import { RangeSet } from '../src/kernels/webgpu/ranges.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';
import { openWebGpu } from './helpers/webgpu.ts';

const gpu = openWebGpu();
const ts = createBackend({ kind: 'ts' });
after(() => {
  if ('backend' in gpu) gpu.backend.dispose();
});

function randn(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('RangeSet', () => {
  it('merges touching ranges, subtracts and intersects', () => {
    const s = new RangeSet();
    s.add(5, 10);
    s.add(0, 2);
    s.add(2, 4);
    s.add(8, 12);
    assert.deepEqual(s.ranges(), [
      [0, 4],
      [5, 12],
    ]);
    s.subtract(3, 6);
    assert.deepEqual(s.ranges(), [
      [0, 3],
      [6, 12],
    ]);
    assert.deepEqual(s.within(2, 8), [
      [2, 3],
      [6, 8],
    ]);
    s.clear();
    assert.ok(s.empty);
  });
});

describe('WebGPU backend', () => {
  it('keeps resident buffers on the device until syncToHost, uploads host writes once marked, syncs for host kernels', (t) => {
    if (!('backend' in gpu)) return t.skip(gpu.skip);
    const be = gpu.backend;
    const rng = new Rng('resident');
    const n = 1000;
    const [p, g, m, v] = [be.alloc(n), be.alloc(n), be.alloc(n), be.alloc(n)];
    p.set(randn(rng, n));
    const ref = { p: p.slice(), m: new Float32Array(n), v: new Float32Array(n) };
    for (const x of [p, g, m, v]) be.keepResident?.(x);
    for (let step = 1; step <= 3; step++) {
      const grad = randn(rng, n);
      g.set(grad);
      be.markHostWrite?.(g);
      be.adam({ param: p, grad: g, m, v, step, lr: 0.01 });
      ts.adam({ param: ref.p, grad, m: ref.m, v: ref.v, step, lr: 0.01 });
    }
    // Nothing was copied back: the host mirror of m still holds its initial zeros.
    assert.ok(
      m.every((x) => x === 0),
      'a resident buffer was copied back without syncToHost',
    );
    for (const x of [p, m, v]) be.syncToHost?.(x);
    assert.ok(maxDiff(p, ref.p) < 1e-5, `param ${maxDiff(p, ref.p)}`);
    assert.ok(maxDiff(m, ref.m) < 1e-5, `m ${maxDiff(m, ref.m)}`);
    assert.ok(maxDiff(v, ref.v) < 1e-5, `v ${maxDiff(v, ref.v)}`);
    // A host-fallback kernel (ray marching) syncs a resident input that only the device has written.
    const rays = 50;
    const dirs = Float32Array.from({ length: rays * 3 }, (_, k) => (k % 3 === 2 ? 1 : 0));
    const start = Float32Array.from({ length: rays * 3 }, (_, k) =>
      k % 3 === 2 ? -2 : rng.uniform(-0.9, 0.9),
    );
    const origins = be.alloc(rays * 3);
    be.keepResident?.(origins);
    const source = be.alloc(rays * 3);
    source.set(start);
    be.ema({ target: origins, source, momentum: 0 }); // origins = source, on the device only
    const march = (b: typeof be, o: Float32Array) => {
      const rayStart = new Int32Array(rays + 1);
      const a = { origins: o, dirs, numRays: rays, boxMin: [-1, -1, -1], boxMax: [1, 1, 1], step: 0.1 };
      b.marchRays({ ...a, jitter: new Float32Array(rays).fill(0.5), rayStart });
      return rayStart;
    };
    assert.deepEqual([...march(be, origins)], [...march(ts, start)]);
    for (const x of [p, g, m, v, origins, source]) be.free(x);
  });

  it('fillZero clears a resident buffer on the device without a transfer, before later host writes land', (t) => {
    if (!('backend' in gpu)) return t.skip(gpu.skip);
    const be = gpu.backend as WebGpuBackend;
    const n = 64;
    const x = be.alloc(n);
    be.keepResident(x);
    const source = be.alloc(n);
    source.set(randn(new Rng('fill-zero'), n));
    be.ema({ target: x, source, momentum: 0 }); // x = source, on the device only
    be.fillZero(x);
    x[5] = 7;
    be.markHostWrite(x.subarray(5, 6));
    const out = be.alloc(n);
    const { uploadedBytes, downloadedBytes } = be.stats;
    be.ema({ target: out, source: x, momentum: 0 }); // out = the device's x
    assert.deepEqual(
      [...out],
      Array.from({ length: n }, (_, i) => (i === 5 ? 7 : 0)),
    );
    // Uploaded: the one float the host marked and the ordinary output's n; downloaded: that output only.
    assert.equal(be.stats.uploadedBytes - uploadedBytes, 4 + 4 * n);
    assert.equal(be.stats.downloadedBytes - downloadedBytes, 4 * n);
    for (const v of [x, source, out]) be.free(v);
  });

  it('tiled GEMM (above the per-output path) with every transpose and epilogue matches the reference', (t) => {
    if (!('backend' in gpu)) return t.skip(gpu.skip);
    const be = gpu.backend;
    const rng = new Rng('tiled-gemm');
    // 130×150 = 19500 outputs takes the 64×64-tile kernel; k = 40 is two full K slabs and a partial one.
    const [m, n, k] = [130, 150, 40];
    const a = randn(rng, m * k);
    const b = randn(rng, k * n);
    const bias = randn(rng, n);
    const mask = Float32Array.from(randn(rng, m * n), (v, i) => (i % 5 === 0 ? 0 : v));
    const c0 = randn(rng, m * n);
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const expected = c0.slice();
        ts.gemm({ a, b, c: expected, m, n, k, transA, transB, bias, accumulate: true, relu: true, mask });
        const c = be.alloc(m * n);
        c.set(c0);
        be.gemm({ a, b, c, m, n, k, transA, transB, bias, accumulate: true, relu: true, mask });
        for (let i = 0; i < c.length; i++) {
          const tol = 1e-5 * Math.abs(expected[i]!) + 2e-6 * Math.sqrt(k + 1); // the backend suite's GEMM bound
          assert.ok(
            Math.abs(c[i]! - expected[i]!) <= tol,
            `transA=${transA} transB=${transB} C[${i}]: ${c[i]}`,
          );
        }
        be.free(c);
      }
  });

  it('keeps the relative precision of small densities and opacities (float32 cancellation)', (t) => {
    if (!('backend' in gpu)) return t.skip(gpu.skip);
    const be = gpu.backend;
    // softplus(−10) ≈ 4.5e-5: log(1 + e^x) in float32 was 1.3e-3 off, enough to change a whole training run.
    const n = 400;
    const x = Float32Array.from({ length: n }, (_, i) => -40 + (40 * i) / n);
    const [pre, out] = [new Float32Array(n), new Float32Array(n)];
    const [preRef, outRef] = [new Float32Array(n), new Float32Array(n)];
    be.softplus({ x, n, shift: 0, pre, out });
    ts.softplus({ x, n, shift: 0, pre: preRef, out: outRef });
    for (let i = 0; i < n; i++)
      assert.ok(
        Math.abs(out[i]! - outRef[i]!) <= 1e-5 * outRef[i]!,
        `softplus(${x[i]}) = ${out[i]} vs ${outRef[i]}`,
      );
    // Rays of one thin sample: opacity 1 − e^{−τ} for τ down to 1e-7 (1 − T in float32 would cancel).
    const rays = 50;
    const rayStart = Int32Array.from({ length: rays + 1 }, (_, r) => r);
    const sigma = Float32Array.from({ length: rays }, (_, r) => 10 ** (-7 + r / 10));
    const delta = new Float32Array(rays).fill(1);
    const [w, op] = [new Float32Array(rays), new Float32Array(rays)];
    const [wRef, opRef] = [new Float32Array(rays), new Float32Array(rays)];
    be.renderWeights({ sigma, delta, rayStart, numRays: rays, weights: w, opacity: op });
    ts.renderWeights({ sigma, delta, rayStart, numRays: rays, weights: wRef, opacity: opRef });
    for (let r = 0; r < rays; r++) {
      assert.ok(
        Math.abs(op[r]! - opRef[r]!) <= 1e-5 * opRef[r]!,
        `opacity at τ=${sigma[r]}: ${op[r]} vs ${opRef[r]}`,
      );
      assert.ok(
        Math.abs(w[r]! - wRef[r]!) <= 1e-5 * wRef[r]!,
        `weight at τ=${sigma[r]}: ${w[r]} vs ${wRef[r]}`,
      );
    }
  });

  it('binds sub-views of one allocation and in-place outputs (one binding per device buffer)', (t) => {
    if (!('backend' in gpu)) return t.skip(gpu.skip);
    const be = gpu.backend;
    const rng = new Rng('alias');
    const [m, n, k] = [9, 7, 5];
    const pool = be.alloc(m * k + k * n + n + m * n);
    pool.set(randn(rng, pool.length));
    const a = pool.subarray(0, m * k);
    const b = pool.subarray(m * k, m * k + k * n);
    const bias = pool.subarray(m * k + k * n, m * k + k * n + n);
    const c = pool.subarray(m * k + k * n + n);
    const expected = c.slice();
    ts.gemm({ a, b, c: expected, m, n, k, bias, accumulate: true });
    be.gemm({ a, b, c, m, n, k, bias, accumulate: true });
    assert.ok(maxDiff(c, expected) < 1e-5, `gemm on one buffer: ${maxDiff(c, expected)}`);
    const x = be.alloc(4 * 6);
    x.set(randn(rng, x.length));
    const y = x.slice();
    ts.softmaxRows({ x: y, rows: 4, cols: 6, y });
    be.softmaxRows({ x, rows: 4, cols: 6, y: x });
    assert.ok(maxDiff(x, y) < 1e-6, `in-place softmax: ${maxDiff(x, y)}`);
  });

  it('without an adapter, clift train --backend webgpu ends in one error line naming the other backends', async (t) => {
    if (!('backend' in gpu)) return t.skip(gpu.skip);
    const scene = writeTinyScene({ frames: 3, size: 16 });
    const out = join(mkdtempSync(join(tmpdir(), 'clift-nogpu-')), 'run');
    const bin = join(import.meta.dirname, '..', 'bin', 'clift.js');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [bin, 'train', '--scene', scene, '--out', out, '--iters', '1', '--backend', 'webgpu'],
        { env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' }, timeout: 60_000 },
        (error, _stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    const lines = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('clift:') && !l.startsWith('clift: warning'));
    assert.notEqual(result.code, 0);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /no WebGPU adapter found.*--backend wasm or --backend native/);
    // Dawn and the Vulkan loader print their own warnings; clift itself prints one line and no JS stack.
    assert.doesNotMatch(result.stderr, /\n\s+at .*\.(ts|js|mjs):\d+/, 'no stack trace');
    assert.ok(!existsSync(out), 'no run folder left behind');
  });
});
