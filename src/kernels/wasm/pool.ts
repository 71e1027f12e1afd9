/**
 * A pool of worker threads that run kernel exports on one shared WebAssembly.Memory. A call is a list of
 * chunks (argument lists of one kernel export); the calling thread and the woken workers take chunks from a
 * shared counter until none are left, so a thread that is descheduled (busy machine) simply does fewer chunks.
 * Results do not depend on which thread runs a chunk. The calling thread blocks (Atomics.wait) until the workers
 * are done, so calls are synchronous. Workers spin briefly between calls, then sleep; they are unref'd so they
 * never keep the process alive, and dispose() stops them.
 */
import { Worker } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from './wasm-api.ts';

/** Most chunks one call may have. */
export const MAX_CHUNKS = 64;
/** Most arguments one kernel export may take. */
const MAX_ARGS = 31;

/** Int32 indices / sizes of the control block shared with pool-worker.mjs. */
const LAYOUT = {
  ready: 0,
  error: 1,
  done: 16,
  next: 32,
  count: 33,
  errorByte: 192,
  errorBytes: 1024,
  slot0: 320,
  slotInts: 16,
  chunkArgs: MAX_ARGS + 1,
} as const;

/** Busy-wait iterations before a thread sleeps on a futex. */
const SPIN = 20000;

/** A kernel export callable with numeric arguments. */
export type KernelFn = (...args: number[]) => unknown;

/** Worker threads sharing the kernel module and memory with the calling thread. */
export class WorkerPool {
  private readonly ctl: Int32Array;
  private readonly f64: Float64Array;
  private readonly table: number;
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
    const tableInts = LAYOUT.slot0 + count * LAYOUT.slotInts;
    const control = new SharedArrayBuffer(tableInts * 4 + MAX_CHUNKS * LAYOUT.chunkArgs * 8);
    this.ctl = new Int32Array(control);
    this.f64 = new Float64Array(control);
    this.table = tableInts / 2;
    this.seq = new Array<number>(count).fill(0);
    const url = new URL('./pool-worker.mjs', import.meta.url);
    const layout = { ...LAYOUT, table: this.table };
    for (let index = 0; index < count; index++) {
      const worker = new Worker(url, {
        workerData: { module, memory, control, index, names, spin: SPIN, layout },
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
   * Runs fn over every chunk (chunk args in order) on the calling thread and up to chunks-1 workers, returning
   * when all are done. When scratchArg >= 0, that argument is replaced by scratch[thread] of the executing
   * thread (0 = caller, w+1 = worker w): per-thread work space.
   */
  run(
    fn: number,
    local: KernelFn,
    chunks: readonly (readonly number[])[],
    scratchArg = -1,
    scratch: number[] = [],
  ): void {
    if (this.disposed) throw new Error('backend was disposed');
    const n = chunks.length;
    if (n > MAX_CHUNKS) throw new RangeError(`${n} chunks (at most ${MAX_CHUNKS})`);
    for (let c = 0; c < n; c++) {
      const args = chunks[c]!;
      if (args.length > MAX_ARGS) throw new RangeError(`too many kernel arguments (${args.length})`);
      const at = this.table + c * LAYOUT.chunkArgs;
      this.f64[at] = args.length;
      for (let i = 0; i < args.length; i++) this.f64[at + 1 + i] = args[i]!;
    }
    Atomics.store(this.ctl, LAYOUT.count, n);
    Atomics.store(this.ctl, LAYOUT.next, 0);
    Atomics.store(this.ctl, LAYOUT.done, 0);
    const woken = Math.min(this.workers.length, n - 1);
    for (let w = 0; w < woken; w++) {
      const base = LAYOUT.slot0 + w * LAYOUT.slotInts;
      this.ctl[base + 1] = fn;
      this.ctl[base + 2] = scratchArg;
      this.f64[(base + 4) / 2] = scratch[w + 1] ?? 0;
      this.seq[w] = (this.seq[w]! + 1) | 0;
      Atomics.store(this.ctl, base, this.seq[w]!);
      Atomics.notify(this.ctl, base, 1);
    }
    let localError: unknown = null;
    try {
      for (;;) {
        const c = Atomics.add(this.ctl, LAYOUT.next, 1);
        if (c >= n) break;
        const args = chunks[c]!;
        if (scratchArg >= 0) {
          const mine = [...args];
          mine[scratchArg] = scratch[0] ?? 0;
          local(...mine);
        } else {
          local(...args);
        }
      }
    } catch (error) {
      localError = error;
      Atomics.store(this.ctl, LAYOUT.next, n); // let the workers stop early
    }
    let spins = 0;
    for (;;) {
      const done = Atomics.load(this.ctl, LAYOUT.done);
      if (done >= woken) break;
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
