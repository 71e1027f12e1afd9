/**
 * The WASM SIMD backend: AssemblyScript kernels on one shared WebAssembly.Memory, split across a pool of
 * worker threads. Each call validates its arguments, turns arrays into byte offsets (copying arrays that
 * live outside the memory in and out), splits the work into per-thread ranges and runs them synchronously.
 * Every split gives each output element to exactly one thread, which computes it in a fixed order, so
 * results are bit-identical for any thread count.
 */
import { availableParallelism } from 'node:os';
import type {
  AdamArgs,
  Backend,
  CompositeArgs,
  CompositeBackwardArgs,
  EmaArgs,
  F32,
  GemmArgs,
  GridGatherArgs,
  GridScatterArgs,
  I32,
  LinearBackwardArgs,
  LinearForwardArgs,
  LogSumExpArgs,
  LogSumExpBackwardArgs,
  RenderWeightsArgs,
  RenderWeightsBackwardArgs,
  SoftmaxArgs,
  SoftmaxBackwardArgs,
  VmGatherArgs,
  VmScatterArgs,
} from '../backend.ts';
import * as chk from '../check.ts';
import { checkAdam, checkGemm, checkGrid, checkVm, checkVmGrads } from '../check.ts';
import { linearBackwardVia, linearForwardVia } from '../linear.ts';
import { ReferenceKernels } from '../reference-kernels.ts';
import { Heap } from './heap.ts';
import { loadKernelModule, type SimdVariant } from './loader.ts';
import { splitRange, splitRays } from './partition.ts';
import { type KernelFn, MAX_CHUNKS, WorkerPool } from './pool.ts';
import { wasm } from './wasm-api.ts';

/** Options of the WASM backend. */
export interface WasmBackendOptions {
  /** Threads per call including the calling thread (default: available cores). 1 starts no workers. */
  threads?: number;
  /** Relaxed-SIMD FMA: 'auto' (default) uses it when available (enabling V8's flag), true requires it, false never. */
  relaxedSimd?: boolean | 'auto';
  /** Upper bound of the shared memory in MiB (default 4096, the wasm32 maximum). */
  maxMemoryMiB?: number;
}

/** Kernel exports, in the order workers index them. */
const KERNELS = [
  'gemm',
  'colSum',
  'relu',
  'reluBackward',
  'adam',
  'ema',
  'vmGather',
  'vmScatter',
  'gridGather',
  'gridScatter',
  'renderWeights',
  'renderWeightsBackward',
  'compositeValues',
  'compositeValuesBackward',
  'logSumExpRows',
  'logSumExpRowsBackward',
  'softmaxRows',
  'softmaxRowsBackward',
] as const;
type KernelName = (typeof KERNELS)[number];

/** Heap starts above the first 64 KiB, which holds the module's static data. */
const HEAP_BASE = 65536;
/** Chunks per thread for calls that split freely (so a descheduled thread's share is picked up by others). */
const CHUNKS_PER_THREAD = 4;
/** Minimum work units per chunk (keeps tiny calls on the calling thread). */
const GRAIN = {
  flops: 1 << 19,
  elements: 1 << 15,
  points: 2048,
  rows: 16,
  samples: 8192,
} as const;

type Buf = F32 | I32;

/** Counters of a WASM backend, for profiling and tests. */
export interface WasmStats {
  /** Kernel calls made. */
  calls: number;
  /** Calls split across more than one thread. */
  parallelCalls: number;
  /** Bytes copied into the shared memory because an argument lived outside it. */
  stagedBytes: number;
}

/** Copies for arrays outside the shared memory during one call. */
class Staging {
  private readonly temps: { ptr: number; src: Buf; copyBack: boolean }[] = [];

  constructor(
    private readonly heap: Heap,
    private readonly stats: WasmStats,
  ) {}

  /** Byte offset of an input array (copied in when foreign); 0 for null. */
  in(a: Buf | null | undefined): number {
    return this.ref(a, true, false);
  }

  /** Byte offset of an output array (copied back when foreign); 0 for null. */
  out(a: Buf | null | undefined): number {
    return this.ref(a, false, true);
  }

  /** Byte offset of an array that is read and written. */
  inout(a: Buf | null | undefined): number {
    return this.ref(a, true, true);
  }

  /** Copies outputs back and frees the temporaries. */
  finish(ok: boolean): void {
    for (const t of this.temps) {
      if (ok && t.copyBack) t.src.set(viewLike(this.heap, t.src, t.ptr));
      this.heap.freeBytes(t.ptr);
    }
    this.temps.length = 0;
  }

  private ref(a: Buf | null | undefined, copyIn: boolean, copyBack: boolean): number {
    if (!a) return 0;
    if (this.heap.owns(a)) return a.byteOffset;
    const ptr = this.heap.allocBytes(a.byteLength);
    this.stats.stagedBytes += a.byteLength;
    if (copyIn) viewLike(this.heap, a, ptr).set(a);
    this.temps.push({ ptr, src: a, copyBack });
    return ptr;
  }
}

function viewLike(heap: Heap, a: Buf, ptr: number): Buf {
  return a instanceof Int32Array ? heap.i32(ptr, a.length) : heap.f32(ptr, a.length);
}

/** Kernel backend running the AssemblyScript SIMD build on worker threads. */
export class WasmBackend extends ReferenceKernels implements Backend {
  readonly kind = 'wasm' as const;
  readonly threads: number;
  readonly variant: SimdVariant;
  readonly description: string;
  /** Call counters (see WasmStats). */
  readonly stats: WasmStats = { calls: 0, parallelCalls: 0, stagedBytes: 0 };
  private readonly heap: Heap;
  private readonly exports: Record<KernelName | 'heapBase' | 'gemmScratchBytes', KernelFn>;
  private readonly pool: WorkerPool | null;
  private readonly scratch: number[] = [];
  private disposed = false;

  /** Compiles / instantiates the kernels and starts threads-1 workers (synchronously). */
  constructor(options: WasmBackendOptions = {}) {
    super();
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`threads must be >= 1, got ${threads}`);
    const maxMiB = options.maxMemoryMiB ?? 4096;
    const maxPages = Math.min(65536, Math.max(2, Math.floor((maxMiB * 1024 * 1024) / 65536)));
    const { module, variant } = loadKernelModule(options.relaxedSimd ?? 'auto');
    const memory = new wasm.Memory({ initial: Math.min(16, maxPages), maximum: maxPages, shared: true });
    const instance = new wasm.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as WasmBackend['exports'];
    const staticEnd = this.exports.heapBase() as number;
    if (staticEnd > HEAP_BASE) throw new Error(`kernel static data (${staticEnd} bytes) overlaps the heap`);
    this.heap = new Heap(memory, HEAP_BASE, maxPages * 65536);
    this.threads = threads;
    this.variant = variant;
    this.pool = threads > 1 ? new WorkerPool(module, memory, KERNELS, threads - 1) : null;
    this.description = `wasm ${variant} x${threads}`;
  }

  /** A zero-filled float32 tensor in the shared memory. */
  alloc(n: number): F32 {
    chk.checkCount('n', n);
    this.alive();
    return this.heap.f32(this.heap.allocBytes(n * 4), n);
  }

  /** A zero-filled int32 buffer in the shared memory. */
  allocInt32(n: number): I32 {
    chk.checkCount('n', n);
    this.alive();
    return this.heap.i32(this.heap.allocBytes(n * 4), n);
  }

  /** Frees a buffer from alloc / allocInt32 (sub-views and foreign arrays are ignored). */
  free(buffer: F32 | I32): void {
    if (this.heap.owns(buffer)) this.heap.freeBytes(buffer.byteOffset, buffer.byteLength);
  }

  /** Bytes of shared memory currently allocated to tensors. */
  get allocatedBytes(): number {
    return this.heap.usedBytes;
  }

  /** Stops the workers; further calls throw. */
  dispose(): void {
    this.disposed = true;
    this.pool?.dispose();
  }

  /** GEMM with 4x8 SIMD tiles, split into 4-row blocks of C, or 8-column blocks when C has few rows. */
  gemm(g: GemmArgs): void {
    checkGemm(g);
    const { m, n, k } = g;
    if (m === 0 || n === 0) return;
    // Every chunk packs op(B) for its columns (k × its columns): split rows only while chunks keep >= 128 rows
    // to amortise that, otherwise split columns (>= 16 per chunk).
    const wanted = this.chunkCount(2 * m * n * Math.max(k, 1), GRAIN.flops);
    const rowChunks = Math.min(wanted, Math.max(1, Math.floor(m / 128)));
    const colChunks = Math.min(wanted, Math.max(1, Math.floor(n / 16)));
    const byRows = rowChunks >= colChunks;
    const ranges = splitRange(byRows ? m : n, byRows ? rowChunks : colChunks, byRows ? 4 : 8);
    const sAi = g.transA ? 1 : k;
    const sAk = g.transA ? m : 1;
    const sBk = g.transB ? 1 : n;
    const sBj = g.transB ? k : 1;
    this.call(
      'gemm',
      (s) => {
        const a = s.in(g.a);
        const b = s.in(g.b);
        const c = g.accumulate ? s.inout(g.c) : s.out(g.c);
        const bias = s.in(g.bias);
        return ranges.map(([lo, hi]) => {
          const [i0, i1, j0, j1] = byRows ? [lo, hi, 0, n] : [0, m, lo, hi];
          const acc = g.accumulate ? 1 : 0;
          return [a, sAi, sAk, b, sBk, sBj, c, n, bias, k, i0, i1, j0, j1, acc, g.relu ? 1 : 0, 0];
        });
      },
      16,
    );
    if (g.mask) this.reluBackward(g.mask, g.c, g.c, m * n);
  }

  /** y = max(x, 0). */
  relu(x: F32, y: F32, n: number): void {
    chk.checkLength('x', x, n);
    chk.checkLength('y', y, n);
    this.elementwise('relu', n, (s) => [s.in(x), x === y ? s.inout(y) : s.out(y)]);
  }

  /** dx = y > 0 ? dy : 0. */
  reluBackward(y: F32, dy: F32, dx: F32, n: number): void {
    chk.checkLength('y', y, n);
    chk.checkLength('dy', dy, n);
    chk.checkLength('dx', dx, n);
    this.elementwise('reluBackward', n, (s) => [s.in(y), s.in(dy), dx === dy ? s.inout(dx) : s.out(dx)]);
  }

  /** Column sums, split by column blocks. */
  colSum(x: F32, rows: number, cols: number, out: F32, accumulate = false): void {
    chk.checkColSum(x, rows, cols, out);
    const parts = Math.min(this.chunkCount(rows * cols, GRAIN.elements), Math.ceil(cols / 16));
    const ranges = splitRange(cols, Math.max(parts, 1), 16);
    this.call('colSum', (s) => {
      const px = s.in(x);
      const po = accumulate ? s.inout(out) : s.out(out);
      return ranges.map(([j0, j1]) => [px, rows, cols, po, j0, j1, accumulate ? 1 : 0]);
    });
  }

  /** Fused linear forward (one GEMM with bias + ReLU epilogue). */
  linearForward(args: LinearForwardArgs): void {
    linearForwardVia(this, args);
  }

  /** Linear backward: ReLU mask, TN GEMM, column sums, NT GEMM. */
  linearBackward(args: LinearBackwardArgs): void {
    linearBackwardVia(this, args);
  }

  /** VM lookup, split by points. */
  vmGather(a: VmGatherArgs): void {
    checkVm(a, a.out, 'out');
    const ranges = splitRange(a.n, this.chunkCount(a.n, GRAIN.points));
    this.call('vmGather', (s) => {
      const head = vmHead(s, a);
      const coords = s.in(a.coords);
      const out = s.out(a.out);
      return ranges.map(([n0, n1]) => [...head, a.comps, coords, out, a.sum ? 1 : 0, n0, n1]);
    });
  }

  /** VM backward: one chunk per thread; each walks all points and updates only the plane rows / line texels it owns. */
  vmScatter(a: VmScatterArgs): void {
    checkVm(a, a.gradOut, 'gradOut');
    checkVmGrads(a);
    if (12 * a.comps > (this.exports.gemmScratchBytes() as number))
      throw new RangeError(`too many components (${a.comps})`);
    const parts = Math.min(this.ownerCount(a.n * a.comps, GRAIN.points), Math.min(...a.res));
    this.call(
      'vmScatter',
      (s) => {
        const head = vmHead(s, a);
        const grads = [...a.gradPlanes, ...a.gradLines].map((g) => s.inout(g));
        const coords = s.in(a.coords);
        const gradOut = s.in(a.gradOut);
        const [rx, ry, rz] = a.res;
        const tail = [rx, ry, rz, a.comps, coords, gradOut, a.sum ? 1 : 0, a.n];
        return Array.from({ length: parts }, (_, t) => [...head.slice(0, 6), ...grads, ...tail, t, parts, 0]);
      },
      22,
    );
  }

  /** Trilinear lookup, split by points. */
  gridGather(a: GridGatherArgs): void {
    checkGrid(a, a.grid, a.out);
    const ranges = splitRange(a.n, this.chunkCount(a.n, GRAIN.points));
    const [rx, ry, rz] = a.res;
    this.call('gridGather', (s) => {
      const grid = s.in(a.grid);
      const coords = s.in(a.coords);
      const out = s.out(a.out);
      return ranges.map(([n0, n1]) => [grid, rx, ry, rz, a.channels, coords, out, n0, n1]);
    });
  }

  /** Trilinear backward: one chunk per thread, each owning a z slab of the grid and walking all points. */
  gridScatter(a: GridScatterArgs): void {
    checkGrid(a, a.gradGrid, a.gradOut);
    const [rx, ry, rz] = a.res;
    const ranges = splitRange(rz, Math.min(this.ownerCount(a.n * a.channels, GRAIN.points), rz));
    this.call('gridScatter', (s) => {
      const grad = s.inout(a.gradGrid);
      const coords = s.in(a.coords);
      const gradOut = s.in(a.gradOut);
      return ranges.map(([z0, z1]) => [grad, rx, ry, rz, a.channels, coords, gradOut, a.n, z0, z1]);
    });
  }

  /** Compositing weights, split by rays (balanced by samples). */
  renderWeights(a: RenderWeightsArgs): void {
    chk.checkRenderWeights(a);
    const ranges = this.rayRanges(a.rayStart, a.numRays);
    this.call('renderWeights', (s) => {
      const head = [s.in(a.sigma), s.in(a.delta), s.in(a.rayStart), s.out(a.weights), s.out(a.opacity)];
      return ranges.map(([r0, r1]) => [...head, r0, r1]);
    });
  }

  /** Compositing weights backward. */
  renderWeightsBackward(a: RenderWeightsBackwardArgs): void {
    chk.checkRenderWeightsBackward(a);
    const ranges = this.rayRanges(a.rayStart, a.numRays);
    this.call('renderWeightsBackward', (s) => {
      const head = [
        s.in(a.sigma),
        s.in(a.delta),
        s.in(a.rayStart),
        s.in(a.gradWeights),
        s.in(a.gradOpacity),
        s.out(a.gradSigma),
      ];
      return ranges.map(([r0, r1]) => [...head, r0, r1]);
    });
  }

  /** Weighted per-ray sums. */
  compositeValues(a: CompositeArgs): void {
    chk.checkComposite(a);
    const ranges = this.rayRanges(a.rayStart, a.numRays);
    this.call('compositeValues', (s) => {
      const head = [s.in(a.weights), s.in(a.values), a.channels, s.in(a.rayStart), s.out(a.out)];
      return ranges.map(([r0, r1]) => [...head, r0, r1]);
    });
  }

  /** Weighted per-ray sums backward. */
  compositeValuesBackward(a: CompositeBackwardArgs): void {
    chk.checkCompositeBackward(a);
    const ranges = this.rayRanges(a.rayStart, a.numRays);
    this.call('compositeValuesBackward', (s) => {
      const head = [
        s.in(a.weights),
        s.in(a.values),
        a.channels,
        s.in(a.rayStart),
        s.in(a.gradOut),
        a.accumulate ? s.inout(a.gradWeights) : s.out(a.gradWeights),
        s.out(a.gradValues),
        a.accumulate ? 1 : 0,
      ];
      return ranges.map(([r0, r1]) => [...head, r0, r1]);
    });
  }

  /** Masked log-sum-exp rows, split by rows. */
  logSumExpRows(a: LogSumExpArgs): void {
    chk.checkLogSumExp(a);
    const ranges = this.rowRanges(a.rows, a.cols);
    this.call('logSumExpRows', (s) => {
      const head = [
        s.in(a.x),
        a.cols,
        s.out(a.out),
        s.in(a.rowLabels),
        s.in(a.colLabels),
        a.excludeDiagonal ? 1 : 0,
      ];
      return ranges.map(([r0, r1]) => [...head, r0, r1]);
    });
  }

  /** Masked log-sum-exp rows backward. */
  logSumExpRowsBackward(a: LogSumExpBackwardArgs): void {
    chk.checkLogSumExpBackward(a);
    const ranges = this.rowRanges(a.rows, a.cols);
    this.call('logSumExpRowsBackward', (s) => {
      const head = [
        s.in(a.x),
        a.cols,
        s.in(a.lse),
        s.in(a.gradOut),
        a.accumulate ? s.inout(a.gradX) : s.out(a.gradX),
        s.in(a.rowLabels),
        s.in(a.colLabels),
        a.excludeDiagonal ? 1 : 0,
        a.accumulate ? 1 : 0,
      ];
      return ranges.map(([r0, r1]) => [...head, r0, r1]);
    });
  }

  /** Softmax rows. */
  softmaxRows(a: SoftmaxArgs): void {
    chk.checkSoftmax(a);
    const ranges = this.rowRanges(a.rows, a.cols);
    this.call('softmaxRows', (s) => {
      const x = s.in(a.x);
      const y = a.y === a.x ? s.inout(a.y) : s.out(a.y);
      return ranges.map(([r0, r1]) => [x, a.cols, y, r0, r1]);
    });
  }

  /** Softmax rows backward. */
  softmaxRowsBackward(a: SoftmaxBackwardArgs): void {
    chk.checkSoftmaxBackward(a);
    const ranges = this.rowRanges(a.rows, a.cols);
    this.call('softmaxRowsBackward', (s) => {
      const y = s.in(a.y);
      const gy = s.in(a.gradY);
      const gx = a.gradX === a.gradY ? s.inout(a.gradX) : s.out(a.gradX);
      return ranges.map(([r0, r1]) => [y, gy, a.cols, gx, r0, r1]);
    });
  }

  /** Adam update. */
  adam(a: AdamArgs): void {
    const n = checkAdam(a);
    const beta1 = a.beta1 ?? 0.9;
    const beta2 = a.beta2 ?? 0.999;
    const stepSize = a.lr / (1 - beta1 ** a.step);
    const invSqrtBc2 = 1 / Math.sqrt(1 - beta2 ** a.step);
    const tail = [beta1, beta2, a.eps ?? 1e-8, stepSize, invSqrtBc2, a.weightDecay ?? 0];
    this.elementwise('adam', n, (s) => [s.inout(a.param), s.in(a.grad), s.inout(a.m), s.inout(a.v)], tail);
  }

  /** EMA update. */
  ema(a: EmaArgs): void {
    const n = a.target.length;
    chk.checkLength('source', a.source, n);
    this.elementwise('ema', n, (s) => [s.inout(a.target), s.in(a.source)], [a.momentum]);
  }

  private alive(): void {
    if (this.disposed) throw new Error('backend was disposed');
  }

  /**
   * Runs kernel `name` over the chunks (argument lists) built from staged pointers; argument `scratchArg`, when
   * given, is replaced by the executing thread's scratch buffer.
   */
  private call(name: KernelName, build: (s: Staging) => number[][], scratchArg = -1): void {
    this.alive();
    const staging = new Staging(this.heap, this.stats);
    this.stats.calls++;
    let ok = false;
    try {
      const chunks = build(staging);
      const scratch = scratchArg >= 0 ? this.scratchAll() : [];
      const fn = this.exports[name];
      if (chunks.length <= 1 || !this.pool) {
        for (const args of chunks) {
          if (scratchArg >= 0) args[scratchArg] = scratch[0]!;
          fn(...args);
        }
      } else {
        this.stats.parallelCalls++;
        this.pool.run(KERNELS.indexOf(name), fn, chunks, scratchArg, scratch);
      }
      ok = true;
    } finally {
      staging.finish(ok);
    }
  }

  /** Chunks for a freely splittable call of `work` units: several per thread, each at least `grain` units. */
  private chunkCount(work: number, grain: number): number {
    if (this.threads === 1) return 1;
    return Math.max(1, Math.min(MAX_CHUNKS, CHUNKS_PER_THREAD * this.threads, Math.floor(work / grain)));
  }

  /** Chunks for owner-computes scatters, where every chunk walks all points: at most one per thread. */
  private ownerCount(work: number, grain: number): number {
    return Math.max(1, Math.min(this.threads, Math.floor(work / grain)));
  }

  /** Element-wise kernel over [0, n) split into 16-aligned ranges: args = head, i0, i1, tail. */
  private elementwise(
    name: KernelName,
    n: number,
    head: (s: Staging) => number[],
    tail: number[] = [],
  ): void {
    const ranges = splitRange(n, this.chunkCount(n, GRAIN.elements), 16);
    this.call(name, (s) => {
      const h = head(s);
      return ranges.map(([i0, i1]) => [...h, i0, i1, ...tail]);
    });
  }

  private rowRanges(rows: number, cols: number): [number, number][] {
    const byWork = this.chunkCount(rows * Math.max(cols, 1), GRAIN.elements);
    return splitRange(rows, Math.min(byWork, Math.max(1, Math.floor(rows / GRAIN.rows))));
  }

  private rayRanges(rayStart: I32, numRays: number): [number, number][] {
    const samples = rayStart[numRays]! - rayStart[0]!;
    const parts = Math.min(this.chunkCount(samples, GRAIN.samples), Math.max(1, numRays));
    return splitRays(rayStart, numRays, parts);
  }

  /** Per-thread scratch buffers (GEMM packing, VM scatter), allocated on first use; index 0 is the caller. */
  private scratchAll(): number[] {
    while (this.scratch.length < this.threads) {
      this.scratch.push(this.heap.allocBytes(this.exports.gemmScratchBytes() as number));
    }
    return this.scratch;
  }
}

/** The first nine VM kernel arguments: plane and line pointers and the resolution. */
function vmHead(s: Staging, a: VmGatherArgs | VmScatterArgs): number[] {
  return [...a.planes.map((p) => s.in(p)), ...a.lines.map((l) => s.in(l)), ...a.res];
}
