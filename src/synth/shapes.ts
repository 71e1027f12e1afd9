/**
 * The kinds of objects a synthetic scene is made of, with their size parameters in metres, and a seeded
 * sampler. Local frames have +y as the object's own "up" (the axis of revolution of round objects).
 */
import type { Rng } from '../core/rng.ts';

/** One object shape; every length is in metres. */
export type ShapeSpec =
  | { kind: 'box'; hx: number; hy: number; hz: number }
  | { kind: 'sphere'; r: number }
  | { kind: 'cylinder'; r: number; hh: number }
  | { kind: 'cone'; r: number; hh: number }
  | { kind: 'capsule'; r: number; hh: number }
  | { kind: 'torus'; R: number; r: number }
  /** A spherical-cap shell of radius R and wall t, cut at `rimDeg` below the equator. */
  | { kind: 'bowl'; R: number; t: number; rimDeg: number }
  /** An open cylinder of radius R, height h, wall and bottom thickness t. */
  | { kind: 'cup'; R: number; h: number; t: number }
  /** A cup with a half-torus handle of radius handleR and tube radius handleT. */
  | { kind: 'mug'; R: number; h: number; t: number; handleR: number; handleT: number }
  | { kind: 'dumbbell'; barR: number; barHH: number; ballR: number }
  /** A cylinder stem with a hemispherical cap. */
  | { kind: 'mushroom'; stemR: number; stemHH: number; capR: number }
  /** A box top on four cylinder legs. */
  | { kind: 'table'; hx: number; hz: number; topT: number; legH: number; legR: number };

export type ShapeKind = ShapeSpec['kind'];

/** Every shape kind, in the order the sampler draws from. */
export const SHAPE_KINDS: readonly ShapeKind[] = [
  'box',
  'sphere',
  'cylinder',
  'cone',
  'capsule',
  'torus',
  'bowl',
  'cup',
  'mug',
  'dumbbell',
  'mushroom',
  'table',
];

/** Smallest and largest characteristic half-size of an object, metres. */
const SIZE_MIN = 0.06;
const SIZE_MAX = 0.14;

/** A random shape of a random kind; its half-extent is about SIZE_MIN..SIZE_MAX. */
export function sampleShape(rng: Rng): ShapeSpec {
  const kind = SHAPE_KINDS[rng.int(SHAPE_KINDS.length)]!;
  const s = rng.uniform(SIZE_MIN, SIZE_MAX);
  const u = (lo: number, hi: number): number => s * rng.uniform(lo, hi);
  switch (kind) {
    case 'box':
      return { kind, hx: u(0.4, 1), hy: u(0.25, 1), hz: u(0.4, 1) };
    case 'sphere':
      return { kind, r: u(0.5, 0.9) };
    case 'cylinder':
      return { kind, r: u(0.3, 0.7), hh: u(0.4, 1) };
    case 'cone':
      return { kind, r: u(0.4, 0.8), hh: u(0.5, 1) };
    case 'capsule':
      return { kind, r: u(0.25, 0.45), hh: u(0.3, 0.7) };
    case 'torus': {
      const R = u(0.55, 0.85);
      return { kind, R, r: R * rng.uniform(0.2, 0.4) };
    }
    case 'bowl': {
      const R = u(0.7, 1);
      return { kind, R, t: R * rng.uniform(0.07, 0.12), rimDeg: rng.uniform(0, 30) };
    }
    case 'cup': {
      const R = u(0.4, 0.7);
      return { kind, R, h: u(0.8, 1.5), t: R * rng.uniform(0.1, 0.16) };
    }
    case 'mug': {
      const R = u(0.4, 0.6);
      const h = u(0.8, 1.2);
      return { kind, R, h, t: R * 0.12, handleR: h * rng.uniform(0.25, 0.35), handleT: R * 0.12 };
    }
    case 'dumbbell': {
      const ballR = u(0.3, 0.45);
      return { kind, barR: ballR * rng.uniform(0.3, 0.45), barHH: u(0.5, 0.8), ballR };
    }
    case 'mushroom': {
      const capR = u(0.6, 0.9);
      return { kind, stemR: capR * rng.uniform(0.25, 0.4), stemHH: u(0.25, 0.45), capR };
    }
    case 'table': {
      const hx = u(0.6, 1);
      return { kind, hx, hz: u(0.45, 0.9), topT: s * 0.12, legH: u(0.5, 0.9), legR: s * 0.07 };
    }
  }
}
