/** A fully connected ReLU network (no activation on the output) with batched forward and backward passes. */
import type { Rng } from '../core/rng.ts';
import { makeParam, type Param, uniformInit } from './params.ts';

/** y[n×out] = x[n×in] · W[in×out] + b. */
function linearForward(
  x: Float32Array,
  n: number,
  W: Float32Array,
  b: Float32Array,
  inD: number,
  outD: number,
  y: Float32Array,
): void {
  for (let i = 0; i < n; i++) {
    const yo = i * outD;
    for (let o = 0; o < outD; o++) y[yo + o] = b[o]!;
    for (let k = 0; k < inD; k++) {
      const xv = x[i * inD + k]!;
      if (xv === 0) continue;
      const wo = k * outD;
      for (let o = 0; o < outD; o++) y[yo + o]! += xv * W[wo + o]!;
    }
  }
}

/** dW += xᵀ·dy, db += Σ dy, and (if dx) dx = dy · Wᵀ. */
function linearBackward(
  x: Float32Array,
  n: number,
  W: Float32Array,
  inD: number,
  outD: number,
  dy: Float32Array,
  dW: Float32Array,
  db: Float32Array,
  dx: Float32Array | null,
): void {
  for (let i = 0; i < n; i++) {
    const yo = i * outD;
    for (let o = 0; o < outD; o++) db[o]! += dy[yo + o]!;
    for (let k = 0; k < inD; k++) {
      const xv = x[i * inD + k]!;
      const wo = k * outD;
      let acc = 0;
      for (let o = 0; o < outD; o++) {
        const g = dy[yo + o]!;
        acc += g * W[wo + o]!;
        if (xv !== 0) dW[wo + o]! += xv * g;
      }
      if (dx) dx[i * inD + k] = acc;
    }
  }
}

/** Activations kept by forward for backward. */
export interface MlpTape {
  n: number;
  /** Input of each layer (post-ReLU output of the previous one). */
  inputs: Float32Array[];
  output: Float32Array;
}

/** An MLP with sizes [in, hidden…, out]; layer l has weight `${name}.W${l}` (in×out) and bias `${name}.b${l}`. */
export class Mlp {
  readonly sizes: number[];
  readonly weights: Param[] = [];
  readonly biases: Param[] = [];

  constructor(name: string, sizes: number[], rng: Rng) {
    this.sizes = sizes;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const bound = 1 / Math.sqrt(sizes[l]!);
      this.weights.push(
        makeParam(`${name}.W${l}`, 'mlp', sizes[l]! * sizes[l + 1]!, uniformInit(rng, bound)),
      );
      this.biases.push(makeParam(`${name}.b${l}`, 'mlp', sizes[l + 1]!, uniformInit(rng, bound)));
    }
  }

  /** All parameters, weights then biases per layer. */
  params(): Param[] {
    return this.weights.flatMap((w, l) => [w, this.biases[l]!]);
  }

  /** Forward pass on n rows. */
  forward(x: Float32Array, n: number): MlpTape {
    const inputs: Float32Array[] = [];
    let h = x;
    const L = this.weights.length;
    for (let l = 0; l < L; l++) {
      inputs.push(h);
      const outD = this.sizes[l + 1]!;
      const y = new Float32Array(n * outD);
      linearForward(h, n, this.weights[l]!.data, this.biases[l]!.data, this.sizes[l]!, outD, y);
      if (l + 1 < L) for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = 0;
      h = y;
    }
    return { n, inputs, output: h };
  }

  /** Accumulates parameter gradients from dOutput; returns the gradient w.r.t. the input if asked. */
  backward(tape: MlpTape, dOutput: Float32Array, wantInputGrad = false): Float32Array | null {
    let dy = dOutput;
    for (let l = this.weights.length - 1; l >= 0; l--) {
      const inD = this.sizes[l]!;
      const x = tape.inputs[l]!;
      const needDx = l > 0 || wantInputGrad;
      const dx = needDx ? new Float32Array(tape.n * inD) : null;
      linearBackward(
        x,
        tape.n,
        this.weights[l]!.data,
        inD,
        this.sizes[l + 1]!,
        dy,
        this.weights[l]!.grad,
        this.biases[l]!.grad,
        dx,
      );
      if (l > 0 && dx) for (let i = 0; i < dx.length; i++) if (x[i]! <= 0) dx[i] = 0; // ReLU of the previous layer
      if (!dx) return null;
      dy = dx;
    }
    return dy;
  }
}
