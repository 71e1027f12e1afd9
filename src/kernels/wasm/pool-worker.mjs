// Worker thread of the kernel pool: instantiates the kernel module on the shared memory; when woken through its
// control slot (function index, scratch), takes chunks (argument lists) from the shared counter until none are
// left, then reports done. Stops when the function index is negative.
// Plain JavaScript so it starts without any TypeScript loader. Control layout: see pool.ts.
import { workerData } from 'node:worker_threads';

const { module, memory, control, index, names, spin, layout } = workerData;
const ctl = new Int32Array(control);
const f64 = new Float64Array(control);
const base = layout.slot0 + index * layout.slotInts;

function fail(error) {
  const text = new TextEncoder().encode(String(error?.stack ?? error));
  const bytes = new Uint8Array(control, layout.errorByte, layout.errorBytes);
  bytes.fill(0);
  bytes.set(text.subarray(0, layout.errorBytes - 1));
  Atomics.store(ctl, layout.error, 1);
}

let fns = [];
try {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  fns = names.map((name) => instance.exports[name]);
} catch (error) {
  fail(error);
}
Atomics.add(ctl, layout.ready, 1);
Atomics.notify(ctl, layout.ready);

let seen = 0;
const args = [];
for (;;) {
  let seq = Atomics.load(ctl, base);
  let spins = 0;
  while (seq === seen) {
    if (++spins > spin) {
      Atomics.wait(ctl, base, seen);
      spins = 0;
    }
    seq = Atomics.load(ctl, base);
  }
  seen = seq;
  const fn = ctl[base + 1];
  if (fn < 0) break;
  const scratchArg = ctl[base + 2];
  const scratch = f64[(base + 4) / 2];
  const count = Atomics.load(ctl, layout.count);
  try {
    for (;;) {
      const c = Atomics.add(ctl, layout.next, 1);
      if (c >= count) break;
      const at = layout.table + c * layout.chunkArgs;
      const argc = f64[at];
      args.length = argc;
      for (let i = 0; i < argc; i++) args[i] = f64[at + 1 + i];
      if (scratchArg >= 0) args[scratchArg] = scratch;
      fns[fn](...args);
    }
  } catch (error) {
    fail(error);
    Atomics.store(ctl, layout.next, count);
  }
  Atomics.add(ctl, layout.done, 1);
  Atomics.notify(ctl, layout.done);
}
