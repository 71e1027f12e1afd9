/** The noise levels of the simulated 2D segmenter and their rates. */

/** Names of the noise levels, from exact to very noisy. */
export type NoiseName = 'none' | 'low' | 'medium' | 'high';

/** The noise level names in increasing order of noise. */
export const NOISE_NAMES: readonly NoiseName[] = ['none', 'low', 'medium', 'high'];

/** Rates of one noise level; sizes are fractions of the image's shorter side (at least one pixel). */
export interface NoiseLevel {
  /** Probability that a visible object is not detected at all in a view. */
  missRate: number;
  /** Probability that two detected objects touching in the view come out as one segment. */
  mergeRate: number;
  /** Probability that a segment is cut in two by a random line through its centroid. */
  splitRate: number;
  /** Probability that a segment's boundary is eroded or dilated (50/50). */
  boundaryRate: number;
  /** Largest erosion/dilation radius (fraction of the shorter side); the radius is uniform in 1..max px. */
  boundaryRadius: number;
  /** Mean number of false-positive blobs per view (Poisson). */
  falsePositives: number;
  /** Range of a false-positive ellipse's semi-axes (fractions of the shorter side). */
  blobRadius: [number, number];
  /** Confidence of a segment that matches its object exactly (before jitter and boundary falloff). */
  confidentClean: number;
  /** Confidence of a merged, split or boundary-changed segment. */
  confidentNoisy: number;
  /** Confidence of a false-positive blob. */
  confidentFalse: number;
  /** Uniform per-segment confidence jitter, ± this much. */
  confidenceJitter: number;
  /** Width of the low-confidence band around every segment boundary (fraction of the shorter side; 0 = none). */
  boundaryBand: number;
}

/**
 * The segmenter's noise levels. Every view also gets a fresh random id for each segment (ids are never
 * consistent across views), at every level including `none`.
 *
 * | level  | miss | merge | split | boundary (p, max r) | false blobs / view (semi-axes) | confidence clean / noisy / false, band |
 * |--------|------|-------|-------|---------------------|--------------------------------|----------------------------------------|
 * | none   | 0    | 0     | 0     | 0, –                | 0                              | 1 everywhere                           |
 * | low    | 0.03 | 0.05  | 0.03  | 0.25, 1 % side      | 0.25 (2–5 % side)              | 0.95 / 0.75 / 0.40 ± 0.03, 1.5 % side  |
 * | medium | 0.08 | 0.12  | 0.08  | 0.50, 2 % side      | 1.0 (2–6 % side)               | 0.90 / 0.65 / 0.35 ± 0.05, 2 % side    |
 * | high   | 0.18 | 0.25  | 0.15  | 0.80, 3.5 % side    | 3.0 (3–8 % side)               | 0.85 / 0.55 / 0.30 ± 0.08, 3 % side    |
 *
 * Rates are per object (miss), per touching pair (merge), per segment (split, boundary) and per view
 * (false blobs). Confidence falls linearly to half its value at a segment boundary across the band; the
 * background is 1.0 away from boundaries.
 */
export const NOISE_LEVELS: Readonly<Record<NoiseName, NoiseLevel>> = {
  none: {
    missRate: 0,
    mergeRate: 0,
    splitRate: 0,
    boundaryRate: 0,
    boundaryRadius: 0,
    falsePositives: 0,
    blobRadius: [0, 0],
    confidentClean: 1,
    confidentNoisy: 1,
    confidentFalse: 1,
    confidenceJitter: 0,
    boundaryBand: 0,
  },
  low: {
    missRate: 0.03,
    mergeRate: 0.05,
    splitRate: 0.03,
    boundaryRate: 0.25,
    boundaryRadius: 0.01,
    falsePositives: 0.25,
    blobRadius: [0.02, 0.05],
    confidentClean: 0.95,
    confidentNoisy: 0.75,
    confidentFalse: 0.4,
    confidenceJitter: 0.03,
    boundaryBand: 0.015,
  },
  medium: {
    missRate: 0.08,
    mergeRate: 0.12,
    splitRate: 0.08,
    boundaryRate: 0.5,
    boundaryRadius: 0.02,
    falsePositives: 1,
    blobRadius: [0.02, 0.06],
    confidentClean: 0.9,
    confidentNoisy: 0.65,
    confidentFalse: 0.35,
    confidenceJitter: 0.05,
    boundaryBand: 0.02,
  },
  high: {
    missRate: 0.18,
    mergeRate: 0.25,
    splitRate: 0.15,
    boundaryRate: 0.8,
    boundaryRadius: 0.035,
    falsePositives: 3,
    blobRadius: [0.03, 0.08],
    confidentClean: 0.85,
    confidentNoisy: 0.55,
    confidentFalse: 0.3,
    confidenceJitter: 0.08,
    boundaryBand: 0.03,
  },
};

/** True when `name` is one of the noise level names. */
export function isNoiseName(name: string): name is NoiseName {
  return (NOISE_NAMES as readonly string[]).includes(name);
}
