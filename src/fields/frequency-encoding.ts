/**
 * Frequency encoding of normalised coordinates: x ↦ (x, sin(2^k·π·x), cos(2^k·π·x)) for k < F, per coordinate.
 * F = 0 is the identity (raw coordinates, as the paper's label fields use).
 */

/** An input transform applied to every row before the first layer of an MLP. */
export interface InputEncoding {
  inDim: number;
  outDim: number;
  /** Writes the encodings of n rows of x into out (n × outDim). */
  apply(x: Float32Array, n: number, out: Float32Array): void;
}

/** The frequency encoding of `dim`-D inputs with `frequencies` octaves. */
export function frequencyEncoding(dim: number, frequencies: number): InputEncoding {
  const outDim = dim * (1 + 2 * frequencies);
  return {
    inDim: dim,
    outDim,
    apply(x, n, out) {
      for (let r = 0; r < n; r++) {
        const o = r * outDim;
        for (let c = 0; c < dim; c++) {
          const v = x[r * dim + c]!;
          out[o + c] = v;
          let f = Math.PI;
          for (let k = 0; k < frequencies; k++) {
            out[o + dim + 2 * k * dim + c] = Math.sin(f * v);
            out[o + dim + (2 * k + 1) * dim + c] = Math.cos(f * v);
            f *= 2;
          }
        }
      }
    },
  };
}

/** The first-layer width and encoding of an MLP on `dim`-D inputs with `frequencies` octaves (none for 0). */
export function encodedInput(dim: number, frequencies: number): { width: number; encoding?: InputEncoding } {
  if (frequencies === 0) return { width: dim };
  const encoding = frequencyEncoding(dim, frequencies);
  return { width: encoding.outDim, encoding };
}
