/**
 * Frequency encoding of normalised coordinates: x ↦ (x, sin(2^k·π·x), cos(2^k·π·x)) for k < F, per coordinate.
 * F = 0 is the identity (raw coordinates, as the paper's label fields use).
 */
import type { Backend } from '../kernels/backend.ts';
import { compute } from './compute.ts';

/** An input transform applied to every row before the first layer of an MLP. */
export interface InputEncoding {
  inDim: number;
  outDim: number;
  /** Writes the encodings of n rows of x into out (n × outDim). */
  apply(x: Float32Array, n: number, out: Float32Array): void;
}

/** The frequency encoding of `dim`-D inputs with `frequencies` octaves, computed by the backend. */
export function frequencyEncoding(
  dim: number,
  frequencies: number,
  backend: Backend = compute(),
): InputEncoding {
  const outDim = dim * (1 + 2 * frequencies);
  return {
    inDim: dim,
    outDim,
    apply(x, n, out) {
      backend.frequencyEncode({ x, n, dim, frequencies, out });
    },
  };
}

/** The first-layer width and encoding of an MLP on `dim`-D inputs with `frequencies` octaves (none for 0). */
export function encodedInput(
  dim: number,
  frequencies: number,
  backend: Backend = compute(),
): { width: number; encoding?: InputEncoding } {
  if (frequencies === 0) return { width: dim };
  const encoding = frequencyEncoding(dim, frequencies, backend);
  return { width: encoding.outDim, encoding };
}
