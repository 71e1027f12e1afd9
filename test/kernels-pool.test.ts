// The WASM backend's worker pool: work is really split, resident tensors are not copied, sub-views are not
// freed by mistake, and a process that never calls dispose() still exits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WasmBackend } from '../src/kernels/index.ts';

describe('wasm worker pool', () => {
  it('splits large calls across threads and copies only arrays that live outside the shared memory', () => {
    const be = new WasmBackend({ threads: 2 });
    try {
      const n = 1 << 17;
      const x = be.alloc(n).fill(-1);
      const y = be.alloc(n);
      be.relu(x, y, n);
      assert.equal(be.stats.calls, 1);
      assert.equal(be.stats.parallelCalls, 1);
      assert.equal(be.stats.stagedBytes, 0);
      be.relu(x, y, 8); // tiny call stays on the calling thread
      assert.equal(be.stats.parallelCalls, 1);
      const foreign = new Float32Array(n).fill(2);
      be.relu(foreign, y, n);
      assert.equal(be.stats.stagedBytes, n * 4);
      assert.equal(y[n - 1], 2);
    } finally {
      be.dispose();
    }
  });

  it('ignores free() of a sub-view, so the parent tensor stays allocated', () => {
    const be = new WasmBackend({ threads: 1 });
    try {
      const params = be.alloc(256);
      be.free(params.subarray(0, 16));
      const other = be.alloc(256);
      assert.notEqual(other.byteOffset, params.byteOffset);
    } finally {
      be.dispose();
    }
  });

  it('lets the process exit without dispose()', () => {
    const index = fileURLToPath(new URL('../src/kernels/index.ts', import.meta.url));
    const script = [
      `import { createBackend } from ${JSON.stringify(index)};`,
      'const be = createBackend({ kind: "wasm", threads: 2 });',
      'const x = be.alloc(1 << 17).fill(3); be.relu(x, x, x.length);',
      'console.log(x[5]);',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.error, undefined, 'child did not exit in time');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), '3');
  });
});
