import { Worker } from 'node:worker_threads';
const sab = new SharedArrayBuffer(8); const ctl = new Int32Array(sab);
const t0 = performance.now();
const w = new Worker(new URL('./probe-w.mjs', import.meta.url), { workerData: { sab } });
const r = Atomics.wait(ctl, 0, 0, 20000);
console.log(r, ctl[1], performance.now() - t0);
await w.terminate();
