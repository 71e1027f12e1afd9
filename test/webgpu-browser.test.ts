// Browser smoke test of the WebGPU backend: headless chromium on SwiftShader runs the same kernels as Node (an MLP
// layer forward, backward and Adam step, a VM gather, compositing weights) through the same synchronous backend,
// with the device in one Worker and the blocking caller in another; the outputs must match Node's.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { Rng } from '../src/core/rng.ts';
import { createBackend } from '../src/kernels/index.ts';
import { CHROMIUM } from './helpers/viewer-browser.ts';
import { openWebGpu } from './helpers/webgpu.ts';
import { runSmokeKernels, SMOKE, type SmokeInputs } from './helpers/webgpu-page/smoke-kernels.ts';

const gpu = openWebGpu();
after(() => {
  if ('backend' in gpu) gpu.backend.dispose();
});

/** The page: starts the device worker and the kernel worker, joined by a MessageChannel. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>clift webgpu smoke</title><script type="module">
const device = new Worker('/device.js', { type: 'module' });
const kernels = new Worker('/kernel.js', { type: 'module' });
const channel = new MessageChannel();
device.postMessage({ port: channel.port1 }, [channel.port1]);
window.runSmoke = (inputs) => new Promise((resolve) => {
  kernels.onmessage = (e) => resolve(e.data);
  kernels.onerror = (e) => resolve({ error: String(e.message) });
  kernels.postMessage({ port: channel.port2, inputs }, [channel.port2]);
});
</script>`;

function inputs(): SmokeInputs {
  const rng = new Rng('webgpu-browser');
  const randn = (n: number) => Array.from({ length: n }, () => rng.normal());
  const { batch, inDim, outDim, comps, res, points } = SMOKE;
  const [rx, ry, rz] = res;
  const rayStart = [0];
  for (let r = 0; r < 9; r++) rayStart.push(rayStart[r]! + rng.int(12));
  const ns = rayStart[rayStart.length - 1]!;
  return {
    x: randn(batch * inDim),
    w: randn(inDim * outDim),
    b: randn(outDim),
    dy: randn(batch * outDim),
    planes: [ry * rx, rz * rx, rz * ry].map((s) => randn(s * comps)),
    lines: [rz, ry, rx].map((s) => randn(s * comps)),
    coords: Array.from({ length: points * 3 }, () => rng.uniform(-1.05, 1.05)),
    sigma: Array.from({ length: ns }, () => rng.uniform(0, 4)),
    delta: Array.from({ length: ns }, () => rng.uniform(0.01, 0.3)),
    rayStart,
  };
}

/** Serves the page and the two worker bundles, cross-origin isolated (SharedArrayBuffer needs it). */
async function serve(): Promise<Server> {
  const dir = join(import.meta.dirname, 'helpers', 'webgpu-page');
  const out = await build({
    entryPoints: { device: join(dir, 'device-worker.ts'), kernel: join(dir, 'kernel-worker.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    outdir: '/',
    logLevel: 'silent',
  });
  const files = new Map(out.outputFiles.map((f) => [`/${f.path.split('/').pop()}`, f.text]));
  files.set('/', PAGE);
  const server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': req.url === '/' ? 'text/html' : 'text/javascript',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function maxRelDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return d;
}

test('headless chromium runs the WebGPU kernels on SwiftShader with Node’s results', {
  timeout: 120_000,
}, async (t) => {
  if (!('backend' in gpu)) return t.skip(gpu.skip);
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`CI: ${CHROMIUM} is missing`);
    return t.skip(`${CHROMIUM} not found`);
  }
  const data = inputs();
  const node = runSmokeKernels(gpu.backend, data);
  const ts = runSmokeKernels(createBackend({ kind: 'ts' }), data);
  const server = await serve();
  const profile = mkdtempSync(join(tmpdir(), 'clift-chromium-webgpu-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    assert.equal(
      await page.evaluate(
        () => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated,
      ),
      true,
      'page is cross-origin isolated',
    );
    const result = (await page.evaluate(
      (inp) => (globalThis as unknown as { runSmoke: (i: unknown) => Promise<unknown> }).runSmoke(inp),
      data,
    )) as { error?: string; adapter?: string; outputs?: Record<string, number[]> };
    assert.equal(result.error, undefined, result.error);
    assert.match(result.adapter ?? '', /swiftshader/i);
    for (const [name, values] of Object.entries(node)) {
      const browser = result.outputs![name]!;
      const d = maxRelDiff(browser, values);
      assert.ok(d <= 1e-6, `${name}: browser vs Node ${d}`);
      assert.ok(maxRelDiff(values, ts[name]!) <= 1e-4, `${name}: Node WebGPU vs reference`);
    }
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
