/**
 * An MLP on xyz whose input is, optionally, a trainable TensoRF VM feature grid's features at xyz next to the
 * frequency encoding of xyz. Without a grid it is exactly the plain encoded MLP (same parameters, same numbers).
 */
import type { Rng } from '../core/rng.ts';
import type { Backend } from '../kernels/backend.ts';
import { compute } from './compute.ts';
import { encodedInput, type InputEncoding } from './frequency-encoding.ts';
import { Mlp, type MlpTape } from './mlp.ts';
import type { Param } from './params.ts';
import { VmGrid } from './tensorf-vm.ts';

/** Shape of the optional feature grid: VM components per mode (0 = no grid) and resolution per axis. */
export interface FeatureGridShape {
  components: number;
  resolution: number;
}

/** What forward keeps for backward. */
export interface GridMlpTape {
  n: number;
  mlp: MlpTape;
  /** The input positions (grid path only; scatter needs them). */
  coords: Float32Array | null;
  output: Float32Array;
}

/** Initial scale of the grid's planes and lines: features start near 0.01, so the MLP first sees the encoding. */
const GRID_INIT = 0.1;

/** xyz ↦ MLP([grid features(xyz) | frequency encoding(xyz)]); positions are label-box coordinates in [−1, 1]³. */
export class GridEncodedMlp {
  readonly mlp: Mlp;
  readonly grid: VmGrid | null;
  /** The frequency encoding beside the grid features (none for raw xyz). */
  private readonly encoding: InputEncoding | undefined;
  private input = new Float32Array(0);

  constructor(
    name: string,
    hidden: number[],
    out: number,
    rng: Rng,
    frequencies: number,
    shape?: FeatureGridShape,
    backend: Backend = compute(),
  ) {
    const enc = encodedInput(3, frequencies, backend);
    this.encoding = enc.encoding;
    if (!shape || shape.components === 0) {
      this.grid = null;
      this.mlp = new Mlp(name, [enc.width, ...hidden, out], rng, backend, enc.encoding);
      return;
    }
    const r = shape.resolution;
    this.grid = new VmGrid(`${name}.grid`, shape.components, [r, r, r], rng.fork('grid'), GRID_INIT, backend);
    this.mlp = new Mlp(name, [this.grid.features + enc.width, ...hidden, out], rng, backend);
  }

  /** Layer widths of the MLP (input first, embedding size last). */
  get sizes(): number[] {
    return this.mlp.sizes;
  }

  /** Grid parameters (group 'grid') then MLP parameters (group 'mlp'). */
  params(): Param[] {
    return [...(this.grid?.params() ?? []), ...this.mlp.params()];
  }

  /** Outputs for n positions (n × 3 label-box coordinates). */
  forward(x: Float32Array, n: number): GridMlpTape {
    if (!this.grid) {
      const t = this.mlp.forward(x, n);
      return { n, mlp: t, coords: null, output: t.output };
    }
    const F = this.grid.features;
    const width = this.mlp.sizes[0]!;
    const feats = new Float32Array(n * F);
    this.grid.gather(x, n, feats);
    const encoded = new Float32Array(n * (width - F));
    if (this.encoding) this.encoding.apply(x, n, encoded);
    else encoded.set(x.subarray(0, n * 3));
    if (this.input.length < n * width) this.input = new Float32Array(Math.ceil(n * width * 1.25));
    const input = this.input.subarray(0, n * width);
    for (let i = 0; i < n; i++) {
      input.set(feats.subarray(i * F, (i + 1) * F), i * width);
      input.set(encoded.subarray(i * (width - F), (i + 1) * (width - F)), i * width + F);
    }
    const t = this.mlp.forward(input, n);
    return { n, mlp: t, coords: Float32Array.from(x.subarray(0, n * 3)), output: t.output };
  }

  /** Accumulates MLP and grid gradients from the gradient of the output. */
  backward(tape: GridMlpTape, dOutput: Float32Array): void {
    if (!this.grid) {
      this.mlp.backward(tape.mlp, dOutput);
      return;
    }
    const dx = this.mlp.backward(tape.mlp, dOutput, true)!;
    const F = this.grid.features;
    const width = this.mlp.sizes[0]!;
    const dFeats = new Float32Array(tape.n * F);
    for (let i = 0; i < tape.n; i++) dFeats.set(dx.subarray(i * width, i * width + F), i * F);
    this.grid.scatter(tape.coords!, tape.n, dFeats);
  }
}
