/**
 * A pool of worker threads that run kernel exports on one shared WasmMemory. The calling thread takes
 * part 0 of every task itself and blocks (Atomics.wait) until the workers finish theirs, so calls are
 * synchronous. Workers spin briefly between tasks, then sleep; they are unref'd so they never keep the
 * process alive, and dispose() stops them.
 */
import { Worker } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from './wasm-api.ts';

/** Int32 indices / sizes of the control block shared with pool-worker.mjs. */
const LAYOUT = {
  ready: 0,
  error: 1,
  done: 16,
  errorByte: 128,
  errorBytes: 1024,
  slot0: 288,
  slotInts: 64,
  argOffsetInts: 4,
  maxArgs: 28,
} as const;

/** Busy-wait iterations before a thread sleeps on a futex. */
const SPIN = 20000;

/** A kernel export callable with numeric arguments. */
export type KernelFn = (...args: number[]) => unknown;

/** Worker threads sharing the kernel module and memory with the calling thread. */
export class WorkerPool {
  private readonly ctl: Int32Array;
  private readonly f64: Float64Array;
  private readonly workers: Worker[] = [];
  private readonly seq: number[];
  private disposed = false;

  /** Starts `count` workers and waits (synchronously) until each has instantiated the module. */
  constructor(
    module: WasmModule,
    memory: WasmMemory,
    private readonly names: readonly string[],
    count: number,
  ) {
    const control = new SharedArrayBuffer((LAYOUT.slot0 + count * LAYOUT.slotInts) * 4);
    this.ctl = new Int32Array(control);
    this.f64 = new Float64Array(control);
    this.seq = new Array<number>(count).fill(0);
    const url = new URL('./pool-worker.mjs', import.meta.url);
    for (let index = 0; index < count; index++) {
      const worker = new Worker(url, {
        workerData: { module, memory, control, index, names, spin: SPIN, layout: LAYOUT },
        execArgv: [],
      });
      worker.unref();
      this.workers.push(worker);
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = Atomics.load(this.ctl, LAYOUT.ready);
      if (ready >= count) break;
      if (Date.now() > deadline) {
        this.dispose();
        throw new Error(`kernel workers did not start within 60 s (${ready}/${count} ready)`);
      }
      Atomics.wait(this.ctl, LAYOUT.ready, ready, 100);
    }
    try {
      this.throwIfFailed('starting kernel workers');
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Number of worker threads (the calling thread is not counted). */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Runs fns[fn](...parts[i]) for every part: part 0 on the calling thread, part i on worker i-1, and
   * returns when all are done. parts.length must be at most size + 1.
   */
  run(fn: number, local: KernelFn, parts: readonly (readonly number[])[]): void {
    if (this.disposed) throw new Error('backend was disposed');
    const remote = parts.length - 1;
    if (remote > this.workers.length)
      throw new RangeError(`${parts.length} parts for ${this.workers.length} workers`);
    Atomics.store(this.ctl, LAYOUT.done, 0);
    for (let w = 0; w < remote; w++) {
      const args = parts[w + 1]!;
      if (args.length > LAYOUT.maxArgs) throw new RangeError(`too many kernel arguments (${args.length})`);
      const base = LAYOUT.slot0 + w * LAYOUT.slotInts;
      this.ctl[base + 1] = fn;
      this.ctl[base + 2] = args.length;
      const a0 = (base + LAYOUT.argOffsetInts) / 2;
      for (let i = 0; i < args.length; i++) this.f64[a0 + i] = args[i]!;
      this.seq[w] = (this.seq[w]! + 1) | 0;
      Atomics.store(this.ctl, base, this.seq[w]!);
      Atomics.notify(this.ctl, base, 1);
    }
    let localError: unknown = null;
    try {
      local(...parts[0]!);
    } catch (error) {
      localError = error;
    }
    let spins = 0;
    for (;;) {
      const done = Atomics.load(this.ctl, LAYOUT.done);
      if (done >= remote) break;
      if (++spins > SPIN) Atomics.wait(this.ctl, LAYOUT.done, done, 50);
    }
    if (localError) throw localError;
    this.throwIfFailed(`kernel ${this.names[fn]}`);
  }

  /** Stops and releases the workers. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.workers.forEach((worker, w) => {
      const base = LAYOUT.slot0 + w * LAYOUT.slotInts;
      this.ctl[base + 1] = -1;
      Atomics.store(this.ctl, base, (this.seq[w]! + 1) | 0);
      Atomics.notify(this.ctl, base, 1);
      void worker.terminate();
    });
  }

  private throwIfFailed(what: string): void {
    if (Atomics.load(this.ctl, LAYOUT.error) === 0) return;
    const bytes = new Uint8Array(this.ctl.buffer, LAYOUT.errorByte, LAYOUT.errorBytes);
    const end = bytes.indexOf(0);
    const text = new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end));
    Atomics.store(this.ctl, LAYOUT.error, 0);
    throw new Error(`${what} failed in a worker: ${text}`);
  }
}
