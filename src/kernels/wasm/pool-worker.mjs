// Worker thread of the kernel pool: instantiates the kernel module on the shared memory, then runs the tasks
// the main thread posts into its control slot (function index + numeric arguments) until told to stop.
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
  const argc = ctl[base + 2];
  args.length = argc;
  const a0 = (base + layout.argOffsetInts) / 2;
  for (let i = 0; i < argc; i++) args[i] = f64[a0 + i];
  try {
    fns[fn](...args);
  } catch (error) {
    fail(error);
  }
  Atomics.add(ctl, layout.done, 1);
  Atomics.notify(ctl, layout.done);
}
