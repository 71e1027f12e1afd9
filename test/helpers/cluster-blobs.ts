/** Seeded synthetic point sets for the clustering tests and benchmark. */
import { Rng } from '../../src/core/rng.ts';

/** Points with their generating labels (-1 for uniform background noise). */
export interface LabelledPoints {
  points: Float32Array;
  n: number;
  d: number;
  truth: Int32Array;
  centers: Float64Array;
}

/** Options for gaussianBlobs. */
export interface BlobOptions {
  blobs: number;
  perBlob: number;
  d: number;
  sigma: number;
  /** Blob centres are drawn in [-box, box]^d, at least minSeparation apart. */
  box: number;
  minSeparation: number;
  /** Extra uniform points in [-box, box]^d, as a fraction of the blob points. */
  noiseFraction?: number;
  seed: number | string;
}

/** Isotropic Gaussian blobs plus optional uniform noise, in a seeded random order. */
export function gaussianBlobs(o: BlobOptions): LabelledPoints {
  const rng = new Rng(o.seed);
  const { d, box } = o;
  const centers = new Float64Array(o.blobs * d);
  for (let b = 0; b < o.blobs; b++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 10000) throw new Error('cannot place blob centres that far apart');
      for (let t = 0; t < d; t++) centers[b * d + t] = rng.uniform(-box, box);
      let ok = true;
      for (let c = 0; c < b && ok; c++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += (centers[b * d + t]! - centers[c * d + t]!) ** 2;
        ok = Math.sqrt(s) >= o.minSeparation;
      }
      if (ok) break;
    }
  }
  const nBlob = o.blobs * o.perBlob;
  const nNoise = Math.round(nBlob * (o.noiseFraction ?? 0));
  const n = nBlob + nNoise;
  const raw = new Float32Array(n * d);
  const rawTruth = new Int32Array(n);
  for (let i = 0; i < nBlob; i++) {
    const b = Math.floor(i / o.perBlob);
    rawTruth[i] = b;
    for (let t = 0; t < d; t++) raw[i * d + t] = centers[b * d + t]! + o.sigma * rng.normal();
  }
  for (let i = nBlob; i < n; i++) {
    rawTruth[i] = -1;
    for (let t = 0; t < d; t++) raw[i * d + t] = rng.uniform(-box, box);
  }
  const order = rng.permutation(n);
  const points = new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = order[i]!;
    truth[i] = rawTruth[s]!;
    points.set(raw.subarray(s * d, s * d + d), i * d);
  }
  return { points, n, d, truth, centers };
}
