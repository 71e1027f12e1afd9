/** A fully connected ReLU network (no activation on the output) with batched forward and backward passes. */
import type { Rng } from '../core/rng.ts';
import type { Backend } from '../kernels/backend.ts';
import { compute } from './compute.ts';
import type { InputEncoding } from './frequency-encoding.ts';
import { makeParam, type Param, uniformInit } from './params.ts';
import { Workspace } from './workspace.ts';

/** Activations kept by forward for backward (views into the MLP's workspace: valid until its next forward). */
export interface MlpTape {
  n: number;
  /** Input of each layer. */
  inputs: Float32Array[];
  /** Output of each layer (post-ReLU for hidden layers). */
  outputs: Float32Array[];
  output: Float32Array;
}

/** An MLP with sizes [in, hidden…, out]; layer l has weight `${name}.W${l}` (in×out) and bias `${name}.b${l}`. */
export class Mlp {
  readonly sizes: number[];
  readonly weights: Param[] = [];
  readonly biases: Param[] = [];
  private readonly backend: Backend;
  private readonly input: Workspace;
  private readonly acts: Workspace[];
  private readonly grads: Workspace[];
  /** Transform of each input row before the first layer (sizes[0] is its output width). */
  readonly encoding: InputEncoding | null;

  constructor(
    name: string,
    sizes: number[],
    rng: Rng,
    backend: Backend = compute(),
    encoding?: InputEncoding,
  ) {
    if (encoding && encoding.outDim !== sizes[0])
      throw new Error(`${name}: encoding gives ${encoding.outDim} inputs, first layer takes ${sizes[0]}`);
    this.sizes = sizes;
    this.encoding = encoding ?? null;
    this.backend = backend;
    const param = (pname: string, size: number, bound: number): Param =>
      makeParam(pname, 'mlp', size, uniformInit(rng, bound), backend);
    for (let l = 0; l + 1 < sizes.length; l++) {
      const bound = 1 / Math.sqrt(sizes[l]!);
      this.weights.push(param(`${name}.W${l}`, sizes[l]! * sizes[l + 1]!, bound));
      this.biases.push(param(`${name}.b${l}`, sizes[l + 1]!, bound));
    }
    this.input = new Workspace(backend);
    this.acts = this.weights.map(() => new Workspace(backend));
    this.grads = sizes.map(() => new Workspace(backend));
  }

  /** All parameters, weights then biases per layer. */
  params(): Param[] {
    return this.weights.flatMap((w, l) => [w, this.biases[l]!]);
  }

  /** Forward pass on n rows (of the encoding's input width when there is one). */
  forward(x: Float32Array, n: number): MlpTape {
    const L = this.weights.length;
    const h0 = this.input.get(n * this.sizes[0]!);
    if (this.encoding) this.encoding.apply(x, n, h0);
    else h0.set(x.subarray(0, n * this.sizes[0]!));
    const inputs: Float32Array[] = [];
    const outputs: Float32Array[] = [];
    let h = h0;
    for (let l = 0; l < L; l++) {
      inputs.push(h);
      const y = this.acts[l]!.get(n * this.sizes[l + 1]!);
      this.backend.linearForward({
        x: h,
        w: this.weights[l]!.data,
        b: this.biases[l]!.data,
        y,
        batch: n,
        inDim: this.sizes[l]!,
        outDim: this.sizes[l + 1]!,
        relu: l + 1 < L,
      });
      outputs.push(y);
      h = y;
    }
    return { n, inputs, outputs, output: h };
  }

  /** Accumulates parameter gradients from dOutput; returns the gradient w.r.t. the input if asked. */
  backward(tape: MlpTape, dOutput: Float32Array, wantInputGrad = false): Float32Array | null {
    const L = this.weights.length;
    const n = tape.n;
    if (wantInputGrad && this.encoding)
      throw new Error('Mlp.backward: no input gradient through an input encoding');
    let dy = this.grads[L]!.get(n * this.sizes[L]!);
    dy.set(dOutput.subarray(0, n * this.sizes[L]!));
    for (let l = L - 1; l >= 0; l--) {
      const needDx = l > 0 || wantInputGrad;
      const dx = needDx ? this.grads[l]!.get(n * this.sizes[l]!) : null;
      this.backend.linearBackward({
        x: tape.inputs[l]!,
        w: this.weights[l]!.data,
        y: tape.outputs[l]!,
        dy,
        dx,
        dw: this.weights[l]!.grad,
        db: this.biases[l]!.grad,
        batch: n,
        inDim: this.sizes[l]!,
        outDim: this.sizes[l + 1]!,
        // dy arrives masked: the layer above zeroed its dx where this layer's ReLU output is 0.
        relu: false,
        maskDx: l > 0,
        accumulate: true,
      });
      if (!dx) return null;
      dy = dx;
    }
    return Float32Array.from(dy);
  }
}
