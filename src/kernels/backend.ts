/**
 * The numeric Backend: every hot loop of clift's fields and losses goes through this interface.
 *
 * Conventions (see src/kernels/README.md for the full layout reference):
 * - Tensors are row-major Float32Array views; sizes are in elements. Index buffers are Int32Array.
 * - Allocate tensors with `backend.alloc(n)` / `backend.allocInt32(n)`: on the WASM backend they live in the
 *   shared WebAssembly memory, so kernels run on them without copies. Plain typed arrays are also accepted
 *   but are copied in and out around every call (correct, slow).
 * - Every call is synchronous: when it returns, outputs are written (worker threads are joined inside).
 * - Outputs are overwritten unless the argument docs say "adds into" or `accumulate: true` is given.
 * - Results do not depend on the number of threads (work is split so each output element is computed by
 *   exactly one thread, in a fixed order); see README for the tolerance between backends.
 */

/** A dense float32 tensor (row-major). */
export type F32 = Float32Array;
/** An int32 buffer (ray offsets, labels). */
export type I32 = Int32Array;

/** TensoRF VM mode pairs: plane i spans axes MATRIX_MODE[i] = [a, b] (a = columns, b = rows). */
export const MATRIX_MODE: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
];
/** TensoRF VM vector modes: line i runs along axis VECTOR_MODE[i]. */
export const VECTOR_MODE: readonly number[] = [2, 1, 0];

/** C = op(A)·op(B) (+ bias) (+ C), optionally followed by ReLU. op(A) is m×k, op(B) is k×n, C is m×n. */
export interface GemmArgs {
  /** m×k, or k×m when transA. */
  a: F32;
  /** k×n, or n×k when transB. */
  b: F32;
  /** m×n output. */
  c: F32;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  /** Length n, added to every row. */
  bias?: F32 | null;
  /** Add into C instead of overwriting it. */
  accumulate?: boolean;
  /** Apply max(·, 0) to the final result. */
  relu?: boolean;
  /**
   * m×n: zero the final C where mask ≤ 0 (the backward of a ReLU whose output is `mask`, fused into the product).
   */
  mask?: F32 | null;
}

/** Fully connected layer y = act(x·w + b); w is stored inDim×outDim (row-major). */
export interface LinearForwardArgs {
  /** batch×inDim input. */
  x: F32;
  /** inDim×outDim weights. */
  w: F32;
  /** outDim bias (optional). */
  b?: F32 | null;
  /** batch×outDim output (post-activation). */
  y: F32;
  batch: number;
  inDim: number;
  outDim: number;
  relu?: boolean;
}

/** Backward of linearForward. */
export interface LinearBackwardArgs {
  /** batch×inDim input of the forward pass. */
  x: F32;
  /** inDim×outDim weights. */
  w: F32;
  /** batch×outDim output of the forward pass (needed when relu). */
  y: F32;
  /** batch×outDim gradient w.r.t. y. When relu is set it is overwritten in place with the pre-activation gradient. */
  dy: F32;
  /** batch×inDim gradient w.r.t. x (omit for the first layer). */
  dx?: F32 | null;
  /** inDim×outDim weight gradient. */
  dw: F32;
  /** outDim bias gradient (omit when the layer has no bias). */
  db?: F32 | null;
  batch: number;
  inDim: number;
  outDim: number;
  relu?: boolean;
  /**
   * Zero dx where x ≤ 0: x is the previous layer's ReLU output, so dx leaves already masked for that layer's
   * backward (which then runs without relu).
   */
  maskDx?: boolean;
  /** Add into dw / db instead of overwriting them (dx is always overwritten). */
  accumulate?: boolean;
}

/**
 * TensoRF vector-matrix decomposition shared by vmGather / vmScatter, stored channel-last.
 * With [a, b] = MATRIX_MODE[i] and v = VECTOR_MODE[i], plane i has shape (res[b], res[a], comps): component c
 * of texel (row, col) is at (row·res[a] + col)·comps + c, the column following axis a and the row axis b.
 * Line i has shape (res[v], comps). Coordinates are n×3 (x,y,z) in [-1,1], sampled bilinearly / linearly with
 * align_corners=True (−1 is texel 0, +1 is texel res−1) and zero padding outside.
 */
export interface VmArgs {
  planes: readonly [F32, F32, F32];
  lines: readonly [F32, F32, F32];
  /** Grid resolution per axis [rx, ry, rz]. */
  res: readonly [number, number, number];
  /** Components per plane/line (the same for all three modes). */
  comps: number;
  /** n×3 normalised coordinates. */
  coords: F32;
  n: number;
  /** When true the output is the per-point sum over all 3·comps products (density) instead of the features. */
  sum?: boolean;
}

/** vmGather output: out[p, i·comps + c] = plane_i[c](p)·line_i[c](p), or out[p] = Σ when sum. */
export interface VmGatherArgs extends VmArgs {
  /** n×(3·comps), or n when sum. */
  out: F32;
}

/** vmScatter: adds the gradients w.r.t. planes and lines for a gradient on vmGather's output. */
export interface VmScatterArgs extends VmArgs {
  /** Same shape as vmGather's out. */
  gradOut: F32;
  /** Adds into these (same shapes as planes / lines). */
  gradPlanes: readonly [F32, F32, F32];
  gradLines: readonly [F32, F32, F32];
}

/**
 * Dense trilinear grid with C channels, channel-last: value (x,y,z,c) at ((z·ry + y)·rx + x)·C + c.
 * Coordinates n×3 (x,y,z) in [-1,1], align_corners=True, zero padding outside.
 */
export interface GridArgs {
  res: readonly [number, number, number];
  channels: number;
  coords: F32;
  n: number;
}

/** gridGather: out[p, c] = trilinear sample of grid at coords[p]. */
export interface GridGatherArgs extends GridArgs {
  grid: F32;
  /** n×C. */
  out: F32;
}

/** gridScatter: adds the trilinear splat of gradOut into gradGrid. */
export interface GridScatterArgs extends GridArgs {
  /** n×C. */
  gradOut: F32;
  /** Adds into (same shape as the grid). */
  gradGrid: F32;
}

/**
 * Ragged rays: ray r owns samples rayStart[r] .. rayStart[r+1]-1 (rayStart has numRays+1 entries,
 * non-decreasing, rayStart[0] may be > 0).
 */
export interface RayArgs {
  rayStart: I32;
  numRays: number;
}

/**
 * renderWeights (paper eq. 1): tau_s = sigma_s·delta_s, T_s = exp(-Σ_{j<s} tau_j), w_s = T_s·(1 - exp(-tau_s)).
 * Any distance scale must be folded into delta.
 */
export interface RenderWeightsArgs extends RayArgs {
  sigma: F32;
  delta: F32;
  /** Per-sample output weights. */
  weights: F32;
  /** Optional per-ray output opacity 1 - T_end = Σ_s w_s (for background blending). */
  opacity?: F32 | null;
}

/** Backward of renderWeights: gradSigma (overwritten) from gradients on weights and opacity. */
export interface RenderWeightsBackwardArgs extends RayArgs {
  sigma: F32;
  delta: F32;
  gradWeights: F32;
  gradOpacity?: F32 | null;
  gradSigma: F32;
}

/** compositeValues: out[r, c] = Σ_{s in r} weights[s]·values[s, c]. */
export interface CompositeArgs extends RayArgs {
  weights: F32;
  /** samples×channels. */
  values: F32;
  channels: number;
  /** numRays×channels. */
  out: F32;
}

/** Backward of compositeValues. */
export interface CompositeBackwardArgs extends RayArgs {
  weights: F32;
  values: F32;
  channels: number;
  /** numRays×channels. */
  gradOut: F32;
  /** Per-sample Σ_c values·gradOut (overwritten, or added when accumulate). */
  gradWeights?: F32 | null;
  /** samples×channels, w_s·gradOut[r] (overwritten). */
  gradValues?: F32 | null;
  accumulate?: boolean;
}

/**
 * Row mask for log-sum-exp: column c counts for row r when rowLabels[r] == colLabels[c] (when labels are
 * given) and c != r (when excludeDiagonal). Without labels every column counts (except the diagonal).
 */
export interface RowMask {
  rowLabels?: I32 | null;
  colLabels?: I32 | null;
  excludeDiagonal?: boolean;
}

/** out[r] = log Σ_{c in mask(r)} exp(x[r, c]); -Infinity when the mask of row r is empty. */
export interface LogSumExpArgs extends RowMask {
  x: F32;
  rows: number;
  cols: number;
  out: F32;
}

/** gradX[r, c] = gradOut[r]·exp(x[r, c] - lse[r]) on the mask, 0 elsewhere (added when accumulate). */
export interface LogSumExpBackwardArgs extends RowMask {
  x: F32;
  rows: number;
  cols: number;
  /** The forward output. */
  lse: F32;
  gradOut: F32;
  gradX: F32;
  accumulate?: boolean;
}

/** y[r, :] = softmax(x[r, :]). y may alias x. */
export interface SoftmaxArgs {
  x: F32;
  rows: number;
  cols: number;
  y: F32;
}

/** gradX = y ⊙ (gradY - rowsum(gradY ⊙ y)). gradX may alias gradY. */
export interface SoftmaxBackwardArgs {
  y: F32;
  gradY: F32;
  rows: number;
  cols: number;
  gradX: F32;
}

/**
 * Adam (as in the usual deep-learning definition, L2 weight decay added to the gradient):
 * m = b1·m + (1-b1)·g; v = b2·v + (1-b2)·g²; p -= lr/(1-b1^t) · m / (sqrt(v)/sqrt(1-b2^t) + eps).
 */
export interface AdamArgs {
  param: F32;
  grad: F32;
  m: F32;
  v: F32;
  /** 1-based step count t (after incrementing for this update). */
  step: number;
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** target = momentum·target + (1 - momentum)·source (the slow field's update). */
export interface EmaArgs {
  target: F32;
  source: F32;
  momentum: number;
}

/**
 * Slow-fast contrastive loss (paper eq. 4) of fast embeddings against slow ones, with its gradient w.r.t. the
 * fast rows: sim = exp(−‖f_p − s_q‖/τ), softmax over scale·sim, loss −log(Σ_pos / Σ_all) averaged over the fast
 * rows whose label occurs among the slow rows (others get no loss and a zero gradient).
 */
export interface SlowFastArgs {
  /** n1×d fast embeddings. */
  fast: F32;
  /** n2×d slow embeddings (constants). */
  slow: F32;
  n1: number;
  n2: number;
  d: number;
  fastLabels: I32;
  slowLabels: I32;
  /** τ (> 0). */
  temperature: number;
  /** Factor on the softmax logits. */
  logitScale: number;
  /** n1×d gradient of the loss w.r.t. fast (overwritten). */
  grad: F32;
}

/**
 * Vanilla contrastive loss (paper eq. 3) over the n rows of one image: sim = exp(−γ‖e_i − e_j‖²), γ =
 * gammaPositive within a label and gammaNegative across, per anchor −log(Σ_pos e^sim / Σ_all e^sim), mean over rows.
 */
export interface VanillaContrastiveArgs {
  /** n×d embeddings. */
  emb: F32;
  labels: I32;
  n: number;
  d: number;
  gammaPositive: number;
  gammaNegative: number;
  /** n×d gradient (overwritten). */
  grad: F32;
}

/** Total variation of one channel-last plane (rows × cols × comps), weighted; gradient added into grad. */
export interface TvArgs {
  data: F32;
  /** Same shape as data; the gradient is added. */
  grad: F32;
  rows: number;
  cols: number;
  comps: number;
  weight: number;
}

/** SH colour (degree 2, 9 functions per channel): rgb = sigmoid(SH(dir) · coefs) per point. */
export interface ShColorArgs {
  /** n×27: coefficients of red (9), green (9), blue (9). */
  coefs: F32;
  /** n×3 unit view directions. */
  dirs: F32;
  n: number;
  /** n×3 output. */
  rgb: F32;
}

/** Backward of shColor to the coefficients. */
export interface ShColorBackwardArgs {
  dirs: F32;
  /** The forward output. */
  rgb: F32;
  gradRgb: F32;
  n: number;
  /** n×27 (overwritten). */
  gradCoefs: F32;
}

/** The density activation: pre = x + shift, out = softplus(pre) (= pre above 20), computed in double precision. */
export interface SoftplusArgs {
  x: F32;
  n: number;
  shift: number;
  /** n shifted inputs, kept for the backward (may alias x). */
  pre: F32;
  /** n outputs. */
  out: F32;
}

/** Backward of softplus: gradX = gradOut · sigmoid(pre). */
export interface SoftplusBackwardArgs {
  pre: F32;
  gradOut: F32;
  n: number;
  /** n gradients (overwritten; may alias gradOut). */
  gradX: F32;
}

/** Frequency encoding: row (x, sin(2^k·π·x), cos(2^k·π·x) for k < F), blocks of dim values each. */
export interface FrequencyEncodeArgs {
  /** n×dim inputs. */
  x: F32;
  n: number;
  dim: number;
  frequencies: number;
  /** n×(dim·(1 + 2F)) output. */
  out: F32;
}

/**
 * Stratified ray marching: ray r is sampled at t = t0 + step·(jitter[r] + i) < t1 between its entry t0 ≥ 0 and
 * exit t1 of the box, keeping samples inside occupied cells (occupancy bits over [min, max] at res³ cells,
 * x fastest), computed in double precision. Call it once without xyz / t to get rayStart (the ragged layout),
 * then again with buffers of rayStart[numRays] samples to fill them.
 */
export interface MarchArgs {
  /** numRays×3 origins and unit directions. */
  origins: F32;
  dirs: F32;
  numRays: number;
  boxMin: readonly number[];
  boxMax: readonly number[];
  step: number;
  /** Per ray, the first sample's offset in steps ([0, 1)). */
  jitter: F32;
  occupancy?: { bits: Uint8Array; res: number; min: readonly number[]; max: readonly number[] } | null;
  /** numRays + 1 ray offsets (written). */
  rayStart: I32;
  /** Sample positions (samples×3) and distances, filled on the second call. */
  xyz?: F32 | null;
  t?: F32 | null;
}

/**
 * HDBSCAN core distances over all pairs: out[i] = the squared distance from point i to its k-th nearest point,
 * counting itself (so k = 1 gives 0). Distances are summed in double precision, dimension by dimension.
 */
export interface CoreDistancesArgs {
  /** n×d points. */
  points: F32;
  n: number;
  d: number;
  k: number;
  /** n outputs. */
  out: Float64Array;
}

/**
 * The minimum spanning tree of the mutual-reachability graph by Prim's algorithm over all pairs, grown from point
 * 0: edge e joins lo[e] < hi[e] with squared weight max(coreSq[lo], coreSq[hi], ‖x_lo − x_hi‖²). Edges rank by
 * (weight, lower endpoint, higher endpoint), a strict order, so the tree is unique; edges come in the order Prim
 * adds them.
 */
export interface MutualReachabilityMstArgs {
  /** n×d points. */
  points: F32;
  n: number;
  d: number;
  /** n squared core distances. */
  coreSq: Float64Array;
  /** n − 1 edges (written). */
  lo: I32;
  hi: I32;
  w2: Float64Array;
}

/** Which implementation a backend is. */
export type BackendKind = 'ts' | 'wasm' | 'native' | 'webgpu';

/** The kernel set every field and loss is written against. */
export interface Backend {
  readonly kind: BackendKind;
  /** Threads used per call (1 for the TS reference). */
  readonly threads: number;
  /** Human-readable description, e.g. "wasm relaxed-simd ×2". */
  readonly description: string;

  /** A zero-filled float32 tensor in backend memory. The view stays valid until free/dispose. */
  alloc(n: number): F32;
  /** A zero-filled int32 buffer in backend memory. */
  allocInt32(n: number): I32;
  /** Releases a buffer returned by alloc / allocInt32 (others are ignored). */
  free(buffer: F32 | I32): void;
  /** Stops worker threads and releases memory; the backend is unusable afterwards. */
  dispose(): void;
  /**
   * Device backends (WebGPU): keep the buffer of this alloc'd view on the device between kernels. The caller then
   * calls syncToHost before reading it on the host and markHostWrite after writing it there. Absent on backends
   * whose buffers are host memory (for them every view is always current).
   */
  keepResident?(view: F32 | I32): void;
  /** Device backends: brings the host view of a resident buffer up to date with what kernels wrote. */
  syncToHost?(view: F32 | I32): void;
  /** Device backends: the host wrote this view of a resident buffer; kernels upload it before reading it. */
  markHostWrite?(view: F32 | I32): void;
  /** Device backends: zeroes the view on the host and, when resident, on the device (no transfer). */
  fillZero?(view: F32 | I32): void;

  /** General matrix product; see GemmArgs. */
  gemm(args: GemmArgs): void;
  /** y = max(x, 0) element-wise over n elements (y may alias x). */
  relu(x: F32, y: F32, n: number): void;
  /** dx = dy where y > 0, else 0 (dx may alias dy). */
  reluBackward(y: F32, dy: F32, dx: F32, n: number): void;
  /** out[j] = Σ_r x[r, j] for an rows×cols matrix (added when accumulate). */
  colSum(x: F32, rows: number, cols: number, out: F32, accumulate?: boolean): void;
  /** Fused fully connected layer forward. */
  linearForward(args: LinearForwardArgs): void;
  /** Fully connected layer backward (ReLU mask, weight / bias / input gradients). */
  linearBackward(args: LinearBackwardArgs): void;

  /** TensoRF VM feature lookup. */
  vmGather(args: VmGatherArgs): void;
  /** TensoRF VM backward (adds into gradPlanes / gradLines). */
  vmScatter(args: VmScatterArgs): void;
  /** Trilinear dense-grid lookup. */
  gridGather(args: GridGatherArgs): void;
  /** Trilinear dense-grid backward (adds into gradGrid). */
  gridScatter(args: GridScatterArgs): void;

  /** Per-sample compositing weights (paper eq. 1). */
  renderWeights(args: RenderWeightsArgs): void;
  /** Backward of renderWeights to densities. */
  renderWeightsBackward(args: RenderWeightsBackwardArgs): void;
  /** Weighted per-ray sum of per-sample values. */
  compositeValues(args: CompositeArgs): void;
  /** Backward of compositeValues to weights and values. */
  compositeValuesBackward(args: CompositeBackwardArgs): void;

  /** Masked row-wise log-sum-exp. */
  logSumExpRows(args: LogSumExpArgs): void;
  /** Backward of logSumExpRows. */
  logSumExpRowsBackward(args: LogSumExpBackwardArgs): void;
  /** Row-wise softmax. */
  softmaxRows(args: SoftmaxArgs): void;
  /** Backward of softmaxRows. */
  softmaxRowsBackward(args: SoftmaxBackwardArgs): void;

  /** One Adam update of param (and its moments) in place. */
  adam(args: AdamArgs): void;
  /** Exponential moving average update in place. */
  ema(args: EmaArgs): void;

  /** Slow-fast contrastive loss; writes the gradient and returns the loss. */
  slowFast(args: SlowFastArgs): number;
  /** Vanilla contrastive loss; writes the gradient and returns the loss. */
  vanillaContrastive(args: VanillaContrastiveArgs): number;
  /** weight × (mean squared horizontal + mean squared vertical neighbour difference); adds its gradient. */
  tvPlane(args: TvArgs): number;
  /** View-dependent colour from SH coefficients. */
  shColor(args: ShColorArgs): void;
  /** Backward of shColor. */
  shColorBackward(args: ShColorBackwardArgs): void;
  /** Density activation: shift, then softplus. */
  softplus(args: SoftplusArgs): void;
  /** Backward of softplus. */
  softplusBackward(args: SoftplusBackwardArgs): void;
  /** Frequency encoding of coordinates (the label MLPs' input). */
  frequencyEncode(args: FrequencyEncodeArgs): void;
  /** Ray marching: counts samples per ray, or fills their positions (see MarchArgs). */
  marchRays(args: MarchArgs): void;
  /** HDBSCAN core distances over all pairs (see CoreDistancesArgs). */
  coreDistancesSq(args: CoreDistancesArgs): void;
  /** Exact mutual-reachability minimum spanning tree (see MutualReachabilityMstArgs). */
  mutualReachabilityMst(args: MutualReachabilityMstArgs): void;
}
