/**
 * Procedural solid textures: albedo as a function of a 3D point (object-local for objects, world for
 * the room), so no UV maps are needed and there are no seams. Colours are linear RGB in [0, 1].
 */
import type { Rng } from '../core/rng.ts';

export type Rgb = [number, number, number];

export type TextureKind = 'plain' | 'checker' | 'stripes' | 'dots' | 'noise' | 'marble';

/** Every texture kind, in the order the sampler draws from. */
export const TEXTURE_KINDS: readonly TextureKind[] = [
  'plain',
  'checker',
  'stripes',
  'dots',
  'noise',
  'marble',
];

/** One object's texture: two colours, a feature size (metres), a direction and a noise seed. */
export interface TextureSpec {
  kind: TextureKind;
  /** Main and second colour, linear RGB. */
  a: Rgb;
  b: Rgb;
  /** Feature period in metres. */
  period: number;
  /** Unit direction of stripes and marble veins. */
  axis: [number, number, number];
  seed: number;
}

/** sRGB component in [0, 1] to linear. */
export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Entries of the linear → 8-bit sRGB table (fine enough that no entry skips an 8-bit level). */
const SRGB_STEPS = 16384;
const SRGB_TABLE = new Uint8Array(SRGB_STEPS + 1);
for (let i = 0; i <= SRGB_STEPS; i++) {
  const x = i / SRGB_STEPS;
  SRGB_TABLE[i] = Math.round(255 * (x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055));
}

/** Linear component to an 8-bit sRGB value (clamped to [0, 1] first). */
export function linearToSrgb8(c: number): number {
  return c <= 0 ? 0 : c >= 1 ? 255 : SRGB_TABLE[Math.round(c * SRGB_STEPS)]!;
}

/** HSV (all in [0, 1]) to linear RGB. */
export function hsvToLinear(h: number, s: number, v: number): Rgb {
  const f = (n: number): number => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [srgbToLinear(f(5)), srgbToLinear(f(3)), srgbToLinear(f(1))];
}

/** A 32-bit integer hash of a lattice point and a seed, as a float in [0, 1). */
export function hash3(ix: number, iy: number, iz: number, seed: number): number {
  let h = Math.imul(ix | 0, 0x8da6b343) ^ Math.imul(iy | 0, 0xd8163841) ^ Math.imul(iz | 0, 0xcb1ab31f);
  h = Math.imul(h ^ seed, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Smooth trilinear value noise in [0, 1) with a unit lattice. */
export function valueNoise3(x: number, y: number, z: number, seed: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const iz = Math.floor(z);
  const fx = x - ix;
  const fy = y - iy;
  const fz = z - iz;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const sz = fz * fz * (3 - 2 * fz);
  let acc = 0;
  for (let c = 0; c < 8; c++) {
    const dx = c & 1;
    const dy = (c >> 1) & 1;
    const dz = (c >> 2) & 1;
    const w = (dx ? sx : 1 - sx) * (dy ? sy : 1 - sy) * (dz ? sz : 1 - sz);
    acc += w * hash3(ix + dx, iy + dy, iz + dz, seed);
  }
  return acc;
}

/** Fractal sum of `octaves` value-noise layers, in [0, 1). */
export function fbm3(x: number, y: number, z: number, seed: number, octaves = 4): number {
  let sum = 0;
  let amp = 0.5;
  let norm = 0;
  for (let o = 0; o < octaves; o++) {
    sum += amp * valueNoise3(x, y, z, seed + o * 1013);
    norm += amp;
    x *= 2.03;
    y *= 2.03;
    z *= 2.03;
    amp *= 0.5;
  }
  return sum / norm;
}

/** Writes the mix (1 − t)·a + t·b into out. */
export function mix(a: Rgb, b: Rgb, t: number, out: Rgb): void {
  out[0] = a[0] + (b[0] - a[0]) * t;
  out[1] = a[1] + (b[1] - a[1]) * t;
  out[2] = a[2] + (b[2] - a[2]) * t;
}

/** A random object texture whose features suit an object of half-size `size` metres. */
export function sampleTexture(rng: Rng, size: number): TextureSpec {
  const kind = TEXTURE_KINDS[rng.int(TEXTURE_KINDS.length)]!;
  const hue = rng.next();
  const a = hsvToLinear(hue, rng.uniform(0.35, 0.95), rng.uniform(0.45, 0.95));
  const hue2 = (hue + rng.uniform(0.15, 0.85)) % 1;
  const b = hsvToLinear(hue2, rng.uniform(0.1, 0.9), rng.uniform(0.25, 1));
  const theta = rng.uniform(0, Math.PI);
  const z = rng.uniform(-1, 1);
  const s = Math.sqrt(1 - z * z);
  return {
    kind,
    a,
    b,
    period: size * rng.uniform(0.3, 0.7),
    axis: [s * Math.cos(theta), s * Math.sin(theta), z],
    seed: rng.nextUint32() | 0,
  };
}

/** Albedo of a texture at object-local point (x, y, z), written into out. */
export function textureAlbedo(tex: TextureSpec, x: number, y: number, z: number, out: Rgb): void {
  const p = tex.period;
  const along = (x * tex.axis[0] + y * tex.axis[1] + z * tex.axis[2]) / p;
  switch (tex.kind) {
    case 'plain': {
      mix(tex.a, tex.b, 0.15 * fbm3(x / p, y / p, z / p, tex.seed, 3), out);
      return;
    }
    case 'checker': {
      const parity = (Math.floor(x / p) + Math.floor(y / p) + Math.floor(z / p)) & 1;
      mix(tex.a, tex.b, parity, out);
      return;
    }
    case 'stripes': {
      const f = along - Math.floor(along);
      mix(tex.a, tex.b, f < 0.5 ? 0 : 1, out);
      return;
    }
    case 'dots': {
      const qx = x / p - Math.floor(x / p) - 0.5;
      const qy = y / p - Math.floor(y / p) - 0.5;
      const qz = z / p - Math.floor(z / p) - 0.5;
      mix(tex.a, tex.b, qx * qx + qy * qy + qz * qz < 0.09 ? 1 : 0, out);
      return;
    }
    case 'noise': {
      const n = fbm3((2 * x) / p, (2 * y) / p, (2 * z) / p, tex.seed);
      mix(tex.a, tex.b, Math.min(1, Math.max(0, (n - 0.3) * 2.5)), out);
      return;
    }
    case 'marble': {
      const n = fbm3(x / p, y / p, z / p, tex.seed);
      mix(tex.a, tex.b, 0.5 + 0.5 * Math.sin(Math.PI * (along + 4 * n)), out);
      return;
    }
  }
}
