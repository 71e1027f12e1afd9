// Compiles the AssemblyScript kernels (assembly/) into build/kernels-simd.wasm and
// build/kernels-relaxed-simd.wasm. Run by `npm run build:wasm` (from `prepare` on npm ci, and before tests).
// Skips the compile when both outputs are newer than every source; pass --force to rebuild anyway.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'assembly');
const outDir = join(root, 'build');

// Shared memory imported from the host; 65536 pages (4 GiB) is the declared ceiling, the host picks its own.
const common = [
  join(srcDir, 'index.ts'),
  '-O3',
  '--noAssert',
  '--runtime',
  'stub',
  '--use',
  'abort=',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory',
  '1',
  '--maximumMemory',
  '65536',
  '--enable',
  'simd',
  '--enable',
  'threads',
];

const variants = [
  { file: 'kernels-simd.wasm', extra: [] },
  { file: 'kernels-relaxed-simd.wasm', extra: ['--enable', 'relaxed-simd'] },
];

/** Newest modification time (ms) of the kernel sources and this script. */
function newestSource() {
  let t = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const name of readdirSync(srcDir)) t = Math.max(t, statSync(join(srcDir, name)).mtimeMs);
  return t;
}

function upToDate() {
  const src = newestSource();
  return variants.every((v) => {
    try {
      return statSync(join(outDir, v.file)).mtimeMs > src;
    } catch {
      return false;
    }
  });
}

if (!process.argv.includes('--force') && upToDate()) {
  console.log('wasm kernels up to date');
} else {
  mkdirSync(outDir, { recursive: true });
  for (const v of variants) {
    const out = join(outDir, v.file);
    const { error, stderr } = await asc.main([...common, ...v.extra, '--outFile', out]);
    if (error) {
      console.error(stderr.toString());
      console.error(`build-wasm: ${v.file} failed: ${error.message}`);
      process.exit(1);
    }
    console.log(`built ${out} (${statSync(out).size} bytes)`);
  }
}
