// Compiles the native kernels (native/*.cc) into build/clift-native.node with the machine's g++ against Node's
// own headers, for this machine's CPU (-march=native) with OpenMP. Run by `npm run build:native` (from
// `prepare` on npm ci, and before tests). Skips the compile when the output is newer than every source; pass
// --force to rebuild. Without a compiler or Node headers it prints why and exits 0: clift then uses WASM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'native');
const out = join(root, 'build', 'clift-native.node');
const sources = readdirSync(srcDir)
  .filter((f) => f.endsWith('.cc'))
  .map((f) => join(srcDir, f));

function newestSource() {
  let t = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const f of readdirSync(srcDir)) t = Math.max(t, statSync(join(srcDir, f)).mtimeMs);
  return t;
}

/** Node's C headers: beside the running node (official builds) or the distribution's /usr/include/node. */
function nodeHeaders() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'];
  return candidates.find((d) => existsSync(join(d, 'node_api.h'))) ?? null;
}

if (!process.argv.includes('--force') && existsSync(out) && statSync(out).mtimeMs > newestSource()) {
  console.log('native kernels up to date');
  process.exit(0);
}
const headers = nodeHeaders();
const cxx = process.env.CXX || 'g++';
if (!headers) {
  console.log('build-native: no node_api.h found; skipping (clift will use the WASM kernels)');
  process.exit(0);
}
mkdirSync(dirname(out), { recursive: true });
const flags = [
  '-O3',
  '-march=native',
  '-fno-math-errno',
  '-fopenmp',
  '-fPIC',
  '-shared',
  '-std=c++17',
  '-Wall',
];
try {
  execFileSync(cxx, [...flags, `-I${headers}`, ...sources, '-o', out], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  console.log(`built ${out} (${statSync(out).size} bytes)`);
} catch (e) {
  console.log(`build-native: ${cxx} failed (${e.message.split('\n')[0]}); clift will use the WASM kernels`);
}
