/// <reference types="@webgpu/types" />
/**
 * The Backend's kernels on a GPUDevice: records compute dispatches for one kernel call into a command encoder.
 * Arguments arrive with every buffer resolved to a device buffer and an element offset (see device-server.ts).
 * Browser-safe: uses only the WebGPU API, no Node imports.
 */
import { MATRIX_MODE, VECTOR_MODE } from '../backend.ts';
import { assemble, type KernelDef, packUniforms } from './shader.ts';
import { COMPOSITE, COMPOSITE_BACKWARD, RENDER_WEIGHTS, RENDER_WEIGHTS_BACKWARD } from './wgsl/composite.ts';
import { SLOW_FAST, VANILLA_GRAD, VANILLA_SUMS } from './wgsl/contrastive.ts';
import { ADAM, COL_SUM, EMA, RELU, RELU_BACKWARD } from './wgsl/elementwise.ts';
import { FREQUENCY_ENCODE, SH_COLOR, SH_COLOR_BACKWARD, SOFTPLUS, SOFTPLUS_BACKWARD } from './wgsl/field.ts';
import { GEMM, GEMM_SMALL, GEMM_SMALL_OUTPUTS, GEMM_TILE } from './wgsl/gemm.ts';
import { GRID_GATHER, GRID_SCATTER, VM_GATHER, VM_SCATTER } from './wgsl/sample.ts';
import { LOG_SUM_EXP, LOG_SUM_EXP_BACKWARD, SOFTMAX, SOFTMAX_BACKWARD } from './wgsl/softmax.ts';
import { TV_GRAD, TV_LOSS } from './wgsl/tv.ts';

/** A buffer argument on the device: the device buffer and the element offset of the view inside it. */
export interface Bound {
  readonly buffer: GPUBuffer;
  readonly off: number;
}

/** One kernel call's arguments: buffers (single, tuple or absent) and numbers / flags. */
export interface GpuArgs {
  readonly bufs: Readonly<Record<string, Bound | readonly Bound[] | null>>;
  readonly scalars: Readonly<Record<string, number | boolean | undefined>>;
}

/** Kernel names this device runs (the rest run on the host by the reference). */
export const GPU_OPS = [
  'gemm',
  'relu',
  'reluBackward',
  'colSum',
  'adam',
  'ema',
  'softmaxRows',
  'softmaxRowsBackward',
  'logSumExpRows',
  'logSumExpRowsBackward',
  'renderWeights',
  'renderWeightsBackward',
  'compositeValues',
  'compositeValuesBackward',
  'vmGather',
  'vmScatter',
  'gridGather',
  'gridScatter',
  'softplus',
  'softplusBackward',
  'shColor',
  'shColorBackward',
  'frequencyEncode',
  'slowFast',
  'vanillaContrastive',
  'tvPlane',
] as const;
/** A kernel with a WGSL implementation. */
export type GpuOp = (typeof GPU_OPS)[number];

/** Most workgroups per grid dimension that every WebGPU device allows. */
const MAX_GROUPS = 65535;

/** Compiles kernels on first use (per binding pattern) and records their dispatches. */
export class GpuKernels {
  private readonly pipelines = new Map<
    string,
    { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }
  >();
  private readonly dummies: GPUBuffer[] = [];
  /** Uniform buffers of the calls recorded since the last release(). */
  private readonly transient: GPUBuffer[] = [];

  /** Binds to a device. */
  constructor(private readonly device: GPUDevice) {}

  /** Destroys the per-call uniform buffers once their commands were submitted and finished. */
  release(): void {
    for (const b of this.transient) b.destroy();
    this.transient.length = 0;
  }

  /** Records the dispatches of kernel `op` into `enc`. */
  record(op: GpuOp, a: GpuArgs, enc: GPUCommandEncoder): void {
    const pass = enc.beginComputePass();
    try {
      this.ops[op](a, pass);
    } finally {
      pass.end();
    }
  }

  private readonly ops: Record<GpuOp, (a: GpuArgs, pass: GPUComputePassEncoder) => void> = {
    gemm: (a, pass) => {
      const s = a.scalars;
      const m = num(s.m);
      const n = num(s.n);
      if (m === 0 || n === 0) return;
      const bias = one(a.bufs.bias);
      const mask = one(a.bufs.mask);
      const bufs = [one(a.bufs.a), one(a.bufs.b), one(a.bufs.c), bias, mask];
      const scalars = {
        m,
        n,
        k: num(s.k),
        transA: flag(s.transA),
        transB: flag(s.transB),
        hasBias: bias ? 1 : 0,
        acc: flag(s.accumulate),
        relu: flag(s.relu),
        hasMask: mask ? 1 : 0,
      };
      if (m * n < GEMM_SMALL_OUTPUTS) {
        this.linear(pass, GEMM_SMALL, bufs, { ...scalars, outputs: m * n }, 'outputs');
        return;
      }
      this.dispatch(pass, GEMM, bufs, scalars, [Math.ceil(n / GEMM_TILE), Math.ceil(m / GEMM_TILE)]);
    },
    relu: (a, pass) => this.linear(pass, RELU, [a.bufs.x, a.bufs.y], { n: num(a.scalars.n) }, 'n'),
    reluBackward: (a, pass) =>
      this.linear(pass, RELU_BACKWARD, [a.bufs.y, a.bufs.dy, a.bufs.dx], { n: num(a.scalars.n) }, 'n'),
    colSum: (a, pass) => {
      const s = a.scalars;
      const sc = { rows: num(s.rows), cols: num(s.cols), acc: flag(s.accumulate) };
      this.linear(pass, COL_SUM, [a.bufs.x, a.bufs.out], sc, 'cols');
    },
    adam: (a, pass) => {
      const s = a.scalars;
      const b1 = s.beta1 === undefined ? 0.9 : num(s.beta1);
      const b2 = s.beta2 === undefined ? 0.999 : num(s.beta2);
      const step = num(s.step);
      const sc = {
        n: num(s.n),
        beta1: b1,
        beta2: b2,
        omb1: 1 - b1,
        omb2: 1 - b2,
        lrc: num(s.lr) / (1 - b1 ** step),
        sbc2: Math.sqrt(1 - b2 ** step),
        eps: s.eps === undefined ? 1e-8 : num(s.eps),
        wd: s.weightDecay === undefined ? 0 : num(s.weightDecay),
      };
      this.linear(pass, ADAM, [a.bufs.param, a.bufs.grad, a.bufs.m, a.bufs.v], sc, 'n');
    },
    ema: (a, pass) => {
      const mom = num(a.scalars.momentum);
      const sc = { n: num(a.scalars.n), mom, omm: 1 - mom };
      this.linear(pass, EMA, [a.bufs.target, a.bufs.source], sc, 'n');
    },
    softmaxRows: (a, pass) => this.rows(pass, SOFTMAX, [a.bufs.x, a.bufs.y], a),
    softmaxRowsBackward: (a, pass) =>
      this.rows(pass, SOFTMAX_BACKWARD, [a.bufs.y, a.bufs.gradY, a.bufs.gradX], a),
    logSumExpRows: (a, pass) =>
      this.rows(pass, LOG_SUM_EXP, [a.bufs.x, a.bufs.out, a.bufs.rowLabels, a.bufs.colLabels], a),
    logSumExpRowsBackward: (a, pass) => {
      const b = a.bufs;
      this.rows(pass, LOG_SUM_EXP_BACKWARD, [b.x, b.lse, b.gradOut, b.gradX, b.rowLabels, b.colLabels], a);
    },
    renderWeights: (a, pass) => {
      const b = a.bufs;
      const sc = { numRays: num(a.scalars.numRays), hasOpacity: b.opacity ? 1 : 0 };
      this.linear(pass, RENDER_WEIGHTS, [b.sigma, b.delta, b.rayStart, b.weights, b.opacity], sc, 'numRays');
    },
    renderWeightsBackward: (a, pass) => {
      const b = a.bufs;
      const sc = { numRays: num(a.scalars.numRays), hasOpacity: b.gradOpacity ? 1 : 0 };
      const bufs = [b.sigma, b.delta, b.rayStart, b.gradWeights, b.gradOpacity, b.gradSigma];
      this.linear(pass, RENDER_WEIGHTS_BACKWARD, bufs, sc, 'numRays');
    },
    compositeValues: (a, pass) => {
      const b = a.bufs;
      const sc = { numRays: num(a.scalars.numRays), channels: num(a.scalars.channels) };
      this.linear(pass, COMPOSITE, [b.weights, b.values, b.rayStart, b.out], sc, 'numRays');
    },
    compositeValuesBackward: (a, pass) => {
      const b = a.bufs;
      const s = a.scalars;
      const sc = {
        numRays: num(s.numRays),
        channels: num(s.channels),
        hasGW: b.gradWeights ? 1 : 0,
        hasGV: b.gradValues ? 1 : 0,
        acc: flag(s.accumulate),
      };
      const bufs = [b.weights, b.values, b.rayStart, b.gradOut, b.gradWeights, b.gradValues];
      this.linear(pass, COMPOSITE_BACKWARD, bufs, sc, 'numRays');
    },
    vmGather: (a, pass) => {
      for (let i = 0; i < 3; i++) {
        const b = a.bufs;
        this.linear(
          pass,
          VM_GATHER,
          [at(b.planes, i), at(b.lines, i), b.coords, b.out],
          vmScalars(a, i),
          'n',
        );
      }
    },
    vmScatter: (a, pass) => {
      for (let i = 0; i < 3; i++) {
        const b = a.bufs;
        const bufs = [
          at(b.planes, i),
          at(b.lines, i),
          b.coords,
          b.gradOut,
          at(b.gradPlanes, i),
          at(b.gradLines, i),
        ];
        this.linear(pass, VM_SCATTER, bufs, vmScalars(a, i), 'n');
      }
    },
    gridGather: (a, pass) => {
      const b = a.bufs;
      this.linear(pass, GRID_GATHER, [b.grid, b.coords, b.out], gridScalars(a), 'n');
    },
    gridScatter: (a, pass) => {
      const b = a.bufs;
      this.linear(pass, GRID_SCATTER, [b.coords, b.gradOut, b.gradGrid], gridScalars(a), 'n');
    },
    softplus: (a, pass) => {
      const sc = { n: num(a.scalars.n), shift: num(a.scalars.shift) };
      this.linear(pass, SOFTPLUS, [a.bufs.x, a.bufs.pre, a.bufs.out], sc, 'n');
    },
    softplusBackward: (a, pass) =>
      this.linear(
        pass,
        SOFTPLUS_BACKWARD,
        [a.bufs.pre, a.bufs.gradOut, a.bufs.gradX],
        { n: num(a.scalars.n) },
        'n',
      ),
    shColor: (a, pass) =>
      this.linear(pass, SH_COLOR, [a.bufs.coefs, a.bufs.dirs, a.bufs.rgb], { n: num(a.scalars.n) }, 'n'),
    shColorBackward: (a, pass) => {
      const b = a.bufs;
      this.linear(
        pass,
        SH_COLOR_BACKWARD,
        [b.dirs, b.rgb, b.gradRgb, b.gradCoefs],
        { n: num(a.scalars.n) },
        'n',
      );
    },
    frequencyEncode: (a, pass) => {
      const s = a.scalars;
      const sc = { count: num(s.n) * num(s.dim), dim: num(s.dim), freqs: num(s.frequencies) };
      this.linear(pass, FREQUENCY_ENCODE, [a.bufs.x, a.bufs.out], sc, 'count');
    },
    slowFast: (a, pass) => {
      const b = a.bufs;
      const s = a.scalars;
      const sc = {
        n1: num(s.n1),
        n2: num(s.n2),
        d: num(s.d),
        invTau: 1 / num(s.temperature),
        scale: num(s.logitScale),
        invValid: 1 / num(s.valid),
      };
      const bufs = [b.fast, b.slow, b.fastLabels, b.slowLabels, b.grad, b.loss];
      this.linear(pass, SLOW_FAST, bufs, sc, 'n1');
    },
    vanillaContrastive: (a, pass) => {
      const b = a.bufs;
      const s = a.scalars;
      const sc = { n: num(s.n), d: num(s.d), gPos: num(s.gammaPositive), gNeg: num(s.gammaNegative) };
      const bufs = [b.emb, b.labels, b.sums, b.grad, b.loss];
      this.linear(pass, VANILLA_SUMS, bufs, sc, 'n');
      this.linear(pass, VANILLA_GRAD, bufs, sc, 'n');
    },
    tvPlane: (a, pass) => {
      const s = a.scalars;
      const [rows, cols, comps] = [num(s.rows), num(s.cols), num(s.comps)];
      const weight = num(s.weight);
      const pairsA = comps * rows * (cols - 1);
      const pairsB = comps * (rows - 1) * cols;
      const sc = {
        rows,
        cols,
        comps,
        wa: pairsA > 0 ? weight / pairsA : 0,
        wb: pairsB > 0 ? weight / pairsB : 0,
        count: rows * cols * comps,
      };
      const bufs = [a.bufs.data, a.bufs.grad, a.bufs.loss];
      this.linear(pass, TV_GRAD, bufs, sc, 'count');
      this.linear(pass, TV_LOSS, bufs, sc, 'rows');
    },
  };

  /** A row kernel: one invocation per row, with the row-mask flags. */
  private rows(pass: GPUComputePassEncoder, def: KernelDef, bufs: Arg[], a: GpuArgs): void {
    const s = a.scalars;
    const sc = {
      rows: num(s.rows),
      cols: num(s.cols),
      hasLabels: a.bufs.rowLabels && a.bufs.colLabels ? 1 : 0,
      noDiag: flag(s.excludeDiagonal),
      acc: flag(s.accumulate),
      zero: 0,
    };
    if (sc.cols === 0) return;
    this.linear(pass, def, bufs, sc, 'rows');
  }

  /** A 1-D kernel over `scalars[bound]` invocations, in 256-wide workgroups laid out on a 2-D grid. */
  private linear(
    pass: GPUComputePassEncoder,
    def: KernelDef,
    bufs: Arg[],
    scalars: Record<string, number>,
    bound: string,
  ): void {
    const count = scalars[bound] ?? 0;
    if (count === 0) return;
    const groups = Math.ceil(count / 256);
    const gx = Math.min(groups, MAX_GROUPS);
    this.dispatch(pass, def, bufs.map(one), scalars, [gx, Math.ceil(groups / gx)]);
  }

  /** Binds each distinct device buffer once (absent arguments get their own dummy) and dispatches. */
  private dispatch(
    pass: GPUComputePassEncoder,
    def: KernelDef,
    bufs: (Bound | null)[],
    scalars: Record<string, number>,
    groups: [number, number],
  ): void {
    const distinct: GPUBuffer[] = [];
    const slots = bufs.map((b, j) => {
      const buffer = b ? b.buffer : this.dummy(j);
      let s = distinct.indexOf(buffer);
      if (s < 0) s = distinct.push(buffer) - 1;
      return s;
    });
    const { pipeline, layout } = this.pipeline(def, slots, distinct.length);
    const data = packUniforms(
      def,
      bufs.map((b) => b?.off ?? 0),
      scalars,
    );
    const uniform = this.device.createBuffer({
      size: data.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.device.queue.writeBuffer(uniform, 0, data);
    this.transient.push(uniform);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
    distinct.forEach((buffer, s) => {
      entries.push({ binding: s + 1, resource: { buffer } });
    });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.device.createBindGroup({ layout, entries }));
    pass.dispatchWorkgroups(groups[0], groups[1]);
  }

  /** The compute pipeline of a kernel for one binding pattern (compiled once). */
  private pipeline(def: KernelDef, slots: number[], count: number) {
    const key = `${def.name}:${slots.join(',')}`;
    let entry = this.pipelines.get(key);
    if (!entry) {
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      ];
      for (let s = 0; s < count; s++)
        entries.push({ binding: s + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
      const layout = this.device.createBindGroupLayout({ entries });
      const module = this.device.createShaderModule({ code: assemble(def, slots), label: def.name });
      const pipeline = this.device.createComputePipeline({
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
        label: def.name,
      });
      entry = { pipeline, layout };
      this.pipelines.set(key, entry);
    }
    return entry;
  }

  /** A 16-byte placeholder for absent argument j (never read: its flag is off). */
  private dummy(j: number): GPUBuffer {
    while (this.dummies.length <= j)
      this.dummies.push(this.device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE }));
    return this.dummies[j]!;
  }
}

type Arg = Bound | readonly Bound[] | null | undefined;

function one(b: Arg): Bound | null {
  if (!b) return null;
  if (Array.isArray(b)) throw new Error('a buffer tuple where one buffer was expected');
  return b as Bound;
}

function at(b: Arg, i: number): Bound {
  if (!Array.isArray(b)) throw new Error('a buffer tuple was expected');
  return (b as readonly Bound[])[i]!;
}

function num(v: number | boolean | undefined): number {
  if (typeof v !== 'number') throw new Error(`expected a number, got ${String(v)}`);
  return v;
}

function flag(v: number | boolean | undefined): number {
  return v ? 1 : 0;
}

function vmScalars(a: GpuArgs, i: number): Record<string, number> {
  const [ax, bx] = MATRIX_MODE[i]!;
  const v = VECTOR_MODE[i]!;
  const res = [num(a.scalars.res0), num(a.scalars.res1), num(a.scalars.res2)];
  return {
    n: num(a.scalars.n),
    comps: num(a.scalars.comps),
    axisA: ax,
    axisB: bx,
    axisV: v,
    resA: res[ax]!,
    resB: res[bx]!,
    resV: res[v]!,
    sum: flag(a.scalars.sum),
    mode: i,
  };
}

function gridScalars(a: GpuArgs): Record<string, number> {
  const s = a.scalars;
  return { n: num(s.n), channels: num(s.channels), rx: num(s.res0), ry: num(s.res1), rz: num(s.res2) };
}
