/**
 * The WebGPU backend, calling thread side. The Backend contract is synchronous, WebGPU is not: the device lives
 * in a worker thread (device-server.ts) and every kernel call posts one command and blocks on a shared control
 * block with Atomics.wait until the device thread has finished it. Buffers from alloc() are Float32Array /
 * Int32Array views of SharedArrayBuffers, so the host mirrors are visible to both threads without copies; the
 * device thread keeps one device buffer per host buffer and syncs the views each call touches (uploads them
 * before, copies the written ones back after). Kernels without WGSL run the TypeScript reference on the host
 * mirrors. See src/kernels/README.md, "WebGPU backend".
 */
import type {
  AdamArgs,
  Backend,
  CompositeArgs,
  CompositeBackwardArgs,
  CoreDistancesArgs,
  EmaArgs,
  F32,
  FrequencyEncodeArgs,
  GemmArgs,
  GridGatherArgs,
  GridScatterArgs,
  I32,
  LinearBackwardArgs,
  LinearForwardArgs,
  LogSumExpArgs,
  LogSumExpBackwardArgs,
  MarchArgs,
  MutualReachabilityMstArgs,
  RenderWeightsArgs,
  RenderWeightsBackwardArgs,
  ShColorArgs,
  ShColorBackwardArgs,
  SlowFastArgs,
  SoftmaxArgs,
  SoftmaxBackwardArgs,
  SoftplusArgs,
  SoftplusBackwardArgs,
  TvArgs,
  VanillaContrastiveArgs,
  VmGatherArgs,
  VmScatterArgs,
} from '../backend.ts';
import * as chk from '../check.ts';
import { linearBackwardVia, linearForwardVia } from '../linear.ts';
import { ReferenceKernels } from '../reference-kernels.ts';
import type { GpuOp } from './gpu-kernels.ts';
import { type BufArg, type BufRef, type Command, CTL, READY_SEQ, readError, readText } from './protocol.ts';
import { mergeRanges, RangeSet } from './ranges.ts';

/** Dirty state of a resident buffer: ranges the host wrote since the last upload / the device wrote since. */
interface Residency {
  readonly hostDirty: RangeSet;
  readonly deviceDirty: RangeSet;
}

type View = F32 | I32;
type BufValue = View | readonly View[] | null | undefined;

/** The device thread as the caller sees it: post a command, stop it. */
export interface DeviceThread {
  post(cmd: Command): void;
  terminate(): void;
}

/** Starts the device thread serving the given control block (Node: a worker_threads Worker). */
export type SpawnDevice = (control: SharedArrayBuffer) => DeviceThread;

/** Options of the WebGPU backend. */
export interface WebGpuBackendOptions {
  /** How long to wait for the device to start, in ms (default 60 s). */
  startTimeoutMs?: number;
  /**
   * false: keepResident is ignored, so every view is synced around every call (the behaviour before the model
   * kept its parameters on the device; for measuring what residency saves). Default true.
   */
  resident?: boolean;
}

/** Round trips and bytes moved between the host mirrors and the device, cumulative since the backend started. */
export interface TransferStats {
  /** Round trips to the device thread. */
  calls: number;
  /** Bytes of foreign (not alloc'd) arrays copied into and out of temporary shared buffers. */
  stagedBytes: number;
  /** Bytes copied from host mirrors to device buffers. */
  uploadedBytes: number;
  /** Bytes copied from device buffers back into host mirrors (per-call readbacks and syncToHost). */
  downloadedBytes: number;
  /** The part of downloadedBytes that syncToHost brought back from resident buffers. */
  residentDownloadedBytes: number;
}

/** Longest a single call may block, in ms. */
const CALL_TIMEOUT_MS = 600_000;

/** Thrown when WebGPU is unavailable; names the backends to use instead. */
export class WebGpuUnavailableError extends Error {}

/** Kernel backend on a WebGPU device in a worker thread. */
export class WebGpuBackend extends ReferenceKernels implements Backend {
  readonly kind = 'webgpu' as const;
  readonly threads = 1;
  /** "webgpu on <adapter>". */
  readonly description: string;
  /** The adapter's vendor, architecture and description. */
  readonly adapter: string;
  /** Round trips and bytes moved (cumulative; read deltas around a step to measure it). */
  readonly stats: TransferStats = {
    calls: 0,
    stagedBytes: 0,
    uploadedBytes: 0,
    downloadedBytes: 0,
    residentDownloadedBytes: 0,
  };

  private readonly control = new SharedArrayBuffer(CTL.bytes);
  private readonly ctl = new Int32Array(this.control, 0, 16);
  private readonly thread: DeviceThread;
  private readonly ids = new WeakMap<ArrayBufferLike, number>();
  private readonly owned = new Map<number, View>();
  private readonly resident = new Map<number, Residency>();
  private readonly residency: boolean;
  /** Device ranges of resident buffers the host zeroed, cleared on the device by the next command. */
  private clears: BufRef[] = [];
  private scratchBuf: F32 | null = null;
  private added: { id: number; memory: SharedArrayBuffer }[] = [];
  private freed: number[] = [];
  private nextId = 1;
  private seq = READY_SEQ;
  private disposed = false;

  /** Starts the device thread and waits until it has a device; throws WebGpuUnavailableError if none. */
  constructor(spawn: SpawnDevice, options: WebGpuBackendOptions = {}) {
    super();
    this.residency = options.resident ?? true;
    Atomics.store(this.ctl, CTL.done, -1);
    this.thread = spawn(this.control);
    const timeout = options.startTimeoutMs ?? 60_000;
    const ok = this.wait(READY_SEQ, timeout);
    const error = ok ? readError(this.control) : `the device thread did not start within ${timeout / 1000} s`;
    if (error !== null) {
      this.thread.terminate();
      this.disposed = true;
      throw new WebGpuUnavailableError(
        `WebGPU backend unavailable: ${error}. Use --backend wasm or --backend native instead ` +
          '(on a machine without a GPU, a software Vulkan driver can stand in: ' +
          'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json with Debian chromium installed)',
      );
    }
    this.adapter = readText(this.control);
    this.description = `webgpu on ${this.adapter}`;
    noteHostKernels();
  }

  /** A zero-filled float32 host mirror (shared memory) with a device buffer behind it. */
  alloc(n: number): F32 {
    chk.checkCount('n', n);
    return this.register(new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n));
  }

  /** A zero-filled int32 host mirror with a device buffer behind it. */
  allocInt32(n: number): I32 {
    chk.checkCount('n', n);
    return this.register(new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n));
  }

  /** Releases a buffer returned by alloc / allocInt32 (sub-views and other arrays are ignored). */
  free(buffer: View): void {
    const id = this.ids.get(buffer.buffer);
    if (id === undefined || this.owned.get(id) !== buffer) return;
    this.owned.delete(id);
    this.resident.delete(id);
    this.clears = this.clears.filter((c) => c.id !== id);
    this.ids.delete(buffer.buffer);
    this.freed.push(id);
  }

  /**
   * Keeps the buffer of `view` on the device: kernels no longer copy it back after writing it, nor upload it
   * before reading it. In exchange the caller calls syncToHost before reading it on the host and markHostWrite
   * after writing it there. Only for buffers from alloc / allocInt32 (others are ignored).
   */
  keepResident(view: View): void {
    const id = this.ids.get(view.buffer);
    if (!this.residency || id === undefined || this.resident.has(id)) return;
    const r: Residency = { hostDirty: new RangeSet(), deviceDirty: new RangeSet() };
    // The device copy may be older than the host mirror: the next kernel uploads all of it.
    r.hostDirty.add(0, this.owned.get(id)!.length);
    this.resident.set(id, r);
  }

  /** Copies what kernels wrote into `view` since the last sync back into its host mirror (resident buffers). */
  syncToHost(view: View): void {
    const id = this.ids.get(view.buffer);
    const r = id === undefined ? undefined : this.resident.get(id);
    if (id === undefined || !r || r.deviceDirty.empty) return;
    const lo = view.byteOffset / 4;
    const downloads = r.deviceDirty
      .within(lo, lo + view.length)
      .map(([a, b]) => ({ id, off: a, len: b - a }));
    if (downloads.length === 0) return;
    r.deviceDirty.subtract(lo, lo + view.length);
    this.post('sync', [], {}, {}, [], downloads);
    this.stats.residentDownloadedBytes += 4 * downloads.reduce((s, d) => s + d.len, 0);
  }

  /**
   * Zeroes `view` on the host and, for a resident buffer, on the device too (a clear sent with the next command:
   * nothing crosses the bus). Other views are just filled on the host (the next kernel uploads them anyway).
   */
  fillZero(view: View): void {
    view.fill(0);
    const id = this.ids.get(view.buffer);
    const r = id === undefined ? undefined : this.resident.get(id);
    if (id === undefined || !r || view.length === 0) return;
    const lo = view.byteOffset / 4;
    r.hostDirty.subtract(lo, lo + view.length);
    r.deviceDirty.subtract(lo, lo + view.length);
    this.clears.push({ id, off: lo, len: view.length });
  }

  /** Records that the host wrote `view` (resident buffers): the next kernel that reads it uploads it first. */
  markHostWrite(view: View): void {
    const id = this.ids.get(view.buffer);
    const r = id === undefined ? undefined : this.resident.get(id);
    if (!r) return;
    const lo = view.byteOffset / 4;
    r.hostDirty.add(lo, lo + view.length);
    r.deviceDirty.subtract(lo, lo + view.length);
  }

  /** Destroys the device and stops its thread. */
  dispose(): void {
    if (this.disposed) return;
    try {
      this.post('dispose', [], {}, {}, [], []);
    } finally {
      this.disposed = true;
      this.thread.terminate();
    }
  }

  /** One round trip to the device thread that runs nothing (for measuring the call overhead). */
  ping(): void {
    this.post('ping', [], {}, {}, [], []);
  }

  /** General matrix product on the device. */
  gemm(g: GemmArgs): void {
    chk.checkGemm(g);
    const { a, b, c, bias, mask } = g;
    const { m, n, k, transA, transB, accumulate, relu } = g;
    this.call('gemm', { a, b, c, bias, mask }, { m, n, k, transA, transB, accumulate, relu }, ['c']);
  }

  /** y = max(x, 0) on the device. */
  relu(x: F32, y: F32, n: number): void {
    chk.checkLength('x', x, n);
    chk.checkLength('y', y, n);
    this.call('relu', { x, y }, { n }, ['y']);
  }

  /** dx = y > 0 ? dy : 0 on the device. */
  reluBackward(y: F32, dy: F32, dx: F32, n: number): void {
    chk.checkLength('y', y, n);
    chk.checkLength('dy', dy, n);
    chk.checkLength('dx', dx, n);
    this.call('reluBackward', { y, dy, dx }, { n }, ['dx']);
  }

  /** Column sums on the device (one invocation per column). */
  colSum(x: F32, rows: number, cols: number, out: F32, accumulate = false): void {
    chk.checkColSum(x, rows, cols, out);
    this.call('colSum', { x, out }, { rows, cols, accumulate }, ['out']);
  }

  /** Linear layer forward through gemm. */
  linearForward(args: LinearForwardArgs): void {
    linearForwardVia(this, args);
  }

  /** Linear layer backward through reluBackward, gemm and colSum. */
  linearBackward(args: LinearBackwardArgs): void {
    linearBackwardVia(this, args);
  }

  /** VM lookup on the device (one dispatch per mode). */
  vmGather(a: VmGatherArgs): void {
    chk.checkVm(a, a.out, 'out');
    const { planes, lines, coords, out } = a;
    this.call('vmGather', { planes, lines, coords, out }, vmScalars(a), ['out']);
  }

  /** VM backward on the device (atomic float adds). */
  vmScatter(a: VmScatterArgs): void {
    chk.checkVm(a, a.gradOut, 'gradOut');
    chk.checkVmGrads(a);
    const { planes, lines, coords, gradOut, gradPlanes, gradLines } = a;
    const bufs = { planes, lines, coords, gradOut, gradPlanes, gradLines };
    this.call('vmScatter', bufs, vmScalars(a), ['gradPlanes', 'gradLines']);
  }

  /** Trilinear lookup on the device. */
  gridGather(a: GridGatherArgs): void {
    chk.checkGrid(a, a.grid, a.out);
    this.call('gridGather', { grid: a.grid, coords: a.coords, out: a.out }, gridScalars(a), ['out']);
  }

  /** Trilinear backward on the device (atomic float adds). */
  gridScatter(a: GridScatterArgs): void {
    chk.checkGrid(a, a.gradGrid, a.gradOut);
    const bufs = { coords: a.coords, gradOut: a.gradOut, gradGrid: a.gradGrid };
    this.call('gridScatter', bufs, gridScalars(a), ['gradGrid']);
  }

  /** Compositing weights on the device (one invocation per ray). */
  renderWeights(a: RenderWeightsArgs): void {
    chk.checkRenderWeights(a);
    const { sigma, delta, rayStart, weights, opacity } = a;
    const bufs = { sigma, delta, rayStart, weights, opacity };
    this.call('renderWeights', bufs, { numRays: a.numRays }, ['weights', 'opacity']);
  }

  /** Compositing weights backward on the device. */
  renderWeightsBackward(a: RenderWeightsBackwardArgs): void {
    chk.checkRenderWeightsBackward(a);
    const { sigma, delta, rayStart, gradWeights, gradOpacity, gradSigma } = a;
    const bufs = { sigma, delta, rayStart, gradWeights, gradOpacity, gradSigma };
    this.call('renderWeightsBackward', bufs, { numRays: a.numRays }, ['gradSigma']);
  }

  /** Weighted per-ray sums on the device. */
  compositeValues(a: CompositeArgs): void {
    chk.checkComposite(a);
    const { weights, values, rayStart, out } = a;
    this.call(
      'compositeValues',
      { weights, values, rayStart, out },
      { numRays: a.numRays, channels: a.channels },
      ['out'],
    );
  }

  /** Weighted per-ray sums backward on the device. */
  compositeValuesBackward(a: CompositeBackwardArgs): void {
    chk.checkCompositeBackward(a);
    const { weights, values, rayStart, gradOut, gradWeights, gradValues } = a;
    const bufs = { weights, values, rayStart, gradOut, gradWeights, gradValues };
    const scalars = { numRays: a.numRays, channels: a.channels, accumulate: a.accumulate };
    this.call('compositeValuesBackward', bufs, scalars, ['gradWeights', 'gradValues']);
  }

  /** Masked log-sum-exp rows on the device. */
  logSumExpRows(a: LogSumExpArgs): void {
    chk.checkLogSumExp(a);
    const { x, out, rowLabels, colLabels } = a;
    const scalars = { rows: a.rows, cols: a.cols, excludeDiagonal: a.excludeDiagonal };
    if (a.cols === 0) {
      this.onHost(a, ['out'], () => out.fill(Number.NEGATIVE_INFINITY, 0, a.rows));
      return;
    }
    this.call('logSumExpRows', { x, out, rowLabels, colLabels }, scalars, ['out']);
  }

  /** Masked log-sum-exp rows backward on the device. */
  logSumExpRowsBackward(a: LogSumExpBackwardArgs): void {
    chk.checkLogSumExpBackward(a);
    const { x, lse, gradOut, gradX, rowLabels, colLabels } = a;
    const scalars = {
      rows: a.rows,
      cols: a.cols,
      excludeDiagonal: a.excludeDiagonal,
      accumulate: a.accumulate,
    };
    this.call('logSumExpRowsBackward', { x, lse, gradOut, gradX, rowLabels, colLabels }, scalars, ['gradX']);
  }

  /** Softmax rows on the device. */
  softmaxRows(a: SoftmaxArgs): void {
    chk.checkSoftmax(a);
    this.call('softmaxRows', { x: a.x, y: a.y }, { rows: a.rows, cols: a.cols }, ['y']);
  }

  /** Softmax rows backward on the device. */
  softmaxRowsBackward(a: SoftmaxBackwardArgs): void {
    chk.checkSoftmaxBackward(a);
    const bufs = { y: a.y, gradY: a.gradY, gradX: a.gradX };
    this.call('softmaxRowsBackward', bufs, { rows: a.rows, cols: a.cols }, ['gradX']);
  }

  /** Adam update on the device. */
  adam(a: AdamArgs): void {
    const n = chk.checkAdam(a);
    const { param, grad, m, v } = a;
    const scalars = {
      n,
      step: a.step,
      lr: a.lr,
      beta1: a.beta1,
      beta2: a.beta2,
      eps: a.eps,
      weightDecay: a.weightDecay,
    };
    this.call('adam', { param, grad, m, v }, scalars, ['param', 'm', 'v']);
  }

  /** EMA update on the device. */
  ema(a: EmaArgs): void {
    chk.checkLength('source', a.source, a.target.length);
    const n = a.target.length;
    this.call('ema', { target: a.target, source: a.source }, { n, momentum: a.momentum }, ['target']);
  }

  /** Slow-fast loss on the device; the per-row losses are summed on the host in double precision. */
  override slowFast(a: SlowFastArgs): number {
    chk.checkSlowFast(a);
    const slowSet = new Set(a.slowLabels.subarray(0, a.n2));
    let valid = 0;
    for (let p = 0; p < a.n1; p++) if (slowSet.has(a.fastLabels[p]!)) valid++;
    if (a.n2 === 0 || valid === 0) {
      this.onHost(a, ['grad'], () => a.grad.fill(0, 0, a.n1 * a.d));
      return 0;
    }
    const loss = this.scratch(a.n1);
    const bufs = {
      fast: a.fast,
      slow: a.slow,
      fastLabels: a.fastLabels,
      slowLabels: a.slowLabels,
      grad: a.grad,
      loss,
    };
    const { n1, n2, d, temperature, logitScale } = a;
    this.call('slowFast', bufs, { n1, n2, d, temperature, logitScale, valid }, ['grad', 'loss']);
    let total = 0;
    for (let p = 0; p < n1; p++) total += loss[p]!;
    return total / valid;
  }

  /** Vanilla contrastive loss on the device (two passes); the per-anchor losses are summed on the host. */
  override vanillaContrastive(a: VanillaContrastiveArgs): number {
    chk.checkVanillaContrastive(a);
    if (a.n === 0) return 0;
    const scratch = this.scratch(3 * a.n);
    const loss = scratch.subarray(0, a.n);
    const sums = scratch.subarray(a.n, 3 * a.n);
    const bufs = { emb: a.emb, labels: a.labels, sums, grad: a.grad, loss };
    const { n, d, gammaPositive, gammaNegative } = a;
    this.call('vanillaContrastive', bufs, { n, d, gammaPositive, gammaNegative }, ['grad', 'loss']);
    let total = 0;
    for (let p = 0; p < n; p++) total += loss[p]!;
    return total / n;
  }

  /** Total variation on the device; the per-row losses are summed on the host in double precision. */
  override tvPlane(a: TvArgs): number {
    chk.checkTv(a);
    const { rows, cols, comps, weight } = a;
    if (rows * cols * comps === 0) return 0;
    const loss = this.scratch(rows);
    this.call('tvPlane', { data: a.data, grad: a.grad, loss }, { rows, cols, comps, weight }, [
      'grad',
      'loss',
    ]);
    let total = 0;
    for (let r = 0; r < rows; r++) total += loss[r]!;
    return total;
  }

  /** SH colour on the device. */
  override shColor(a: ShColorArgs): void {
    chk.checkShColor(a);
    this.call('shColor', { coefs: a.coefs, dirs: a.dirs, rgb: a.rgb }, { n: a.n }, ['rgb']);
  }

  /** SH colour backward on the device. */
  override shColorBackward(a: ShColorBackwardArgs): void {
    chk.checkShColorBackward(a);
    const bufs = { dirs: a.dirs, rgb: a.rgb, gradRgb: a.gradRgb, gradCoefs: a.gradCoefs };
    this.call('shColorBackward', bufs, { n: a.n }, ['gradCoefs']);
  }

  /** Density activation on the device. */
  override softplus(a: SoftplusArgs): void {
    chk.checkSoftplus(a);
    this.call('softplus', { x: a.x, pre: a.pre, out: a.out }, { n: a.n, shift: a.shift }, ['pre', 'out']);
  }

  /** Its backward on the device. */
  override softplusBackward(a: SoftplusBackwardArgs): void {
    chk.checkSoftplusBackward(a);
    this.call('softplusBackward', { pre: a.pre, gradOut: a.gradOut, gradX: a.gradX }, { n: a.n }, ['gradX']);
  }

  /** Frequency encoding on the device. */
  override frequencyEncode(a: FrequencyEncodeArgs): void {
    chk.checkFrequencyEncode(a);
    const scalars = { n: a.n, dim: a.dim, frequencies: a.frequencies };
    this.call('frequencyEncode', { x: a.x, out: a.out }, scalars, ['out']);
  }

  /** Ray marching by the reference on the host mirrors. */
  override marchRays(a: MarchArgs): void {
    this.onHost(a, ['rayStart', 'xyz', 't'], () => super.marchRays(a));
  }

  /** HDBSCAN core distances: the reference on the host (outputs are plain float64 arrays). */
  override coreDistancesSq(a: CoreDistancesArgs): void {
    this.onHost(a, [], () => super.coreDistancesSq(a));
  }

  /** Mutual-reachability MST: the reference on the host (outputs are plain arrays). */
  override mutualReachabilityMst(a: MutualReachabilityMstArgs): void {
    this.onHost(a, [], () => super.mutualReachabilityMst(a));
  }

  /**
   * Runs host code on the mirrors: resident buffers among the arguments are synced first and the written ones
   * marked after (ordinary buffers are current between calls: every call copies its outputs back).
   */
  private onHost<T>(args: object, writes: readonly string[], run: () => T): T {
    if (this.disposed) throw new Error('the WebGPU backend was disposed');
    const fields = args as Record<string, unknown>;
    for (const v of Object.values(fields)) for (const view of viewsOf(v)) this.syncToHost(view);
    const result = run();
    for (const w of writes) for (const view of viewsOf(fields[w])) this.markHostWrite(view);
    return result;
  }

  /** A view of at least n floats of a scratch buffer that grows as needed (valid until the next scratch call). */
  private scratch(n: number): F32 {
    if (!this.scratchBuf || this.scratchBuf.length < n) {
      if (this.scratchBuf) this.free(this.scratchBuf);
      this.scratchBuf = this.alloc(Math.max(1024, n));
    }
    return this.scratchBuf.subarray(0, n);
  }

  private register<T extends View>(view: T): T {
    const id = this.nextId++;
    this.ids.set(view.buffer, id);
    this.owned.set(id, view);
    this.added.push({ id, memory: view.buffer as SharedArrayBuffer });
    return view;
  }

  /**
   * Runs one kernel on the device. Views of ordinary buffers are uploaded before and, when written, copied back
   * after (the call then blocks until the GPU finished); resident buffers upload only what the host marked and
   * stay on the device when written (the call returns once the kernel is submitted). Arrays not from alloc() are
   * staged through temporary shared buffers (copied in, and back if written).
   */
  private call(
    op: GpuOp,
    bufs: Record<string, BufValue>,
    scalars: Record<string, number | boolean | undefined>,
    writes: readonly string[],
  ): void {
    if (this.disposed) throw new Error('the WebGPU backend was disposed');
    const refs: BufRef[] = [];
    const uploads: BufRef[] = [];
    const downloads: BufRef[] = [];
    const staged: { from: View; to: View; written: boolean }[] = [];
    const refOf = (v: View, written: boolean): number => {
      let id = this.ids.get(v.buffer);
      let off = v.byteOffset / 4;
      if (id === undefined) {
        const copy = v instanceof Int32Array ? this.allocInt32(v.length) : this.alloc(v.length);
        copy.set(v as never);
        staged.push({ from: v, to: copy, written });
        this.stats.stagedBytes += v.byteLength * (written ? 2 : 1);
        id = this.ids.get(copy.buffer)!;
        off = 0;
      }
      const ref = { id, off, len: v.length };
      const r = this.resident.get(id);
      if (!r) {
        uploads.push(ref);
        if (written) downloads.push(ref);
      } else {
        for (const [a, b] of r.hostDirty.ranges()) uploads.push({ id, off: a, len: b - a });
        r.hostDirty.clear();
        if (written) r.deviceDirty.add(off, off + v.length);
      }
      return refs.push(ref) - 1;
    };
    const args: Record<string, BufArg> = {};
    for (const [name, value] of Object.entries(bufs)) {
      const written = writes.includes(name);
      if (!value) args[name] = null;
      else if (Array.isArray(value)) args[name] = value.map((v: View) => refOf(v, written));
      else args[name] = refOf(value as View, written);
    }
    try {
      this.post(op, refs, args, scalars, uploads, downloads);
    } finally {
      for (const s of staged) {
        if (s.written) s.from.set(s.to as never);
        this.free(s.to);
      }
    }
  }

  /** Posts one command and blocks until the device thread signals it (see Command.downloads for when). */
  private post(
    op: string,
    refs: BufRef[],
    bufs: Record<string, BufArg>,
    scalars: Record<string, number | boolean | undefined>,
    uploads: BufRef[],
    downloads: BufRef[],
  ): void {
    // A ping measures the bare round trip and a dispose ends everything: pending clears wait for a real command.
    const carriesClears = op !== 'ping' && op !== 'dispose';
    const cmd: Command = {
      seq: ++this.seq,
      op,
      added: this.added,
      freed: this.freed,
      clears: carriesClears ? this.clears : [],
      refs,
      bufs,
      scalars,
      uploads,
      downloads,
    };
    this.added = [];
    this.freed = [];
    if (carriesClears) this.clears = [];
    this.stats.calls++;
    this.stats.uploadedBytes += rangeBytes(uploads);
    this.stats.downloadedBytes += rangeBytes(downloads);
    this.thread.post(cmd);
    if (!this.wait(cmd.seq, CALL_TIMEOUT_MS))
      throw new Error(`WebGPU ${op}: the device thread did not answer within ${CALL_TIMEOUT_MS / 1000} s`);
    const error = readError(this.control);
    if (error !== null) throw new Error(error);
  }

  /** Blocks until command `seq` is done; false on timeout. */
  private wait(seq: number, timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = Atomics.load(this.ctl, CTL.done);
      if (done === seq) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.ctl, CTL.done, done, Math.min(left, 1000));
    }
  }
}

/** Kernels that have no WGSL yet and run the TypeScript reference on the host mirrors. */
export const HOST_KERNELS = ['marchRays', 'coreDistancesSq', 'mutualReachabilityMst'] as const;

let noted = false;

/** Says once per process which kernels run on the host. */
function noteHostKernels(): void {
  if (noted) return;
  noted = true;
  console.warn(
    `clift: on --backend webgpu, the TypeScript reference runs ${HOST_KERNELS.join(', ')} on the host`,
  );
}

/** Bytes in the union of the views (what the device thread copies: overlapping views are merged). */
function rangeBytes(refs: readonly BufRef[]): number {
  let n = 0;
  for (const ranges of mergeRanges(refs).values()) for (const [lo, hi] of ranges) n += hi - lo;
  return 4 * n;
}

/** The typed-array views in an argument value (one view, or a tuple of them). */
function viewsOf(v: unknown): View[] {
  if (v instanceof Float32Array || v instanceof Int32Array) return [v];
  if (Array.isArray(v))
    return v.filter((x): x is View => x instanceof Float32Array || x instanceof Int32Array);
  return [];
}

function vmScalars(a: VmGatherArgs | VmScatterArgs) {
  return { n: a.n, comps: a.comps, sum: a.sum, res0: a.res[0], res1: a.res[1], res2: a.res[2] };
}

function gridScalars(a: GridGatherArgs | GridScatterArgs) {
  return { n: a.n, channels: a.channels, res0: a.res[0], res1: a.res[1], res2: a.res[2] };
}
