/**
 * The backdrops of the Messy Rooms-style scenes, `old_room` and `large_corridor`: an empty closed
 * room around the objects (floor, walls, ceiling, all background id 0) with its own procedural
 * textures and lights. Sizes follow the scene layout so the cameras always stay inside the room.
 * `open_yard` is old_room with low walls and no ceiling: rays that clear the walls see a sky (a colour
 * gradient by direction, no depth, ground-truth void), while the objects and cameras stay those of old_room.
 */
import type { Vec3 } from '../rays/camera.ts';
import type { SceneLayout } from './layout.ts';
import { fbm3, hash3, mix, type Rgb, srgbToLinear } from './textures.ts';

export type EnvName = 'old_room' | 'large_corridor' | 'open_yard';

/** Every environment name. */
export const ENV_NAMES: readonly EnvName[] = ['old_room', 'large_corridor', 'open_yard'];

/** Whether a string names an environment. */
export function isEnvName(name: string): name is EnvName {
  return (ENV_NAMES as readonly string[]).includes(name);
}

/** Surfaces of the room, as stored in the renderer's per-vertex table. */
export const FLOOR = 0;
export const WALL = 1;
export const CEILING = 2;
export type Surface = typeof FLOOR | typeof WALL | typeof CEILING;

/** A point light; `color` is its linear RGB irradiance on a surface facing it. */
export interface Light {
  position: Vec3;
  color: Rgb;
  shadows: boolean;
}

/** An axis-aligned room [−halfX, halfX] × [−halfY, halfY] × [0, height]. */
export interface Room {
  halfX: number;
  halfY: number;
  height: number;
}

/** A backdrop: room, lights and ambient light; `open` when the walls are low and there is no ceiling. */
export interface Environment {
  name: EnvName;
  /** The room the physics drops the objects into (its full height walls keep them in). */
  room: Room;
  lights: Light[];
  ambient: Rgb;
  /** Rendered walls end at `wallHeight` and there is no ceiling; rays that hit nothing see the sky. */
  open?: { wallHeight: number };
}

/** Height of open_yard's walls at N = 25, metres: below the lowest cameras, so their upper rows see sky. */
const OPEN_WALL_HEIGHT = 0.35;

const lin = (r: number, g: number, b: number): Rgb => [srgbToLinear(r), srgbToLinear(g), srgbToLinear(b)];

/** The environment `name` sized for a layout. */
export function makeEnvironment(name: EnvName, layout: SceneLayout): Environment {
  const reach = layout.shellOuter * Math.cos(layout.elevationMin);
  const margin = 0.5 * Math.max(1, layout.scale);
  const half = reach + margin;
  const top = layout.shellOuter * Math.sin(layout.elevationMax) + margin;
  if (name === 'old_room' || name === 'open_yard') {
    const room = { halfX: half, halfY: half, height: top * 1.1 };
    return {
      name,
      ...(name === 'open_yard' ? { open: { wallHeight: OPEN_WALL_HEIGHT * Math.max(1, layout.scale) } } : {}),
      room,
      lights: [
        { position: [0.6 * half, -0.5 * half, 0.7 * room.height], color: [0.95, 0.8, 0.6], shadows: true },
        {
          position: [-half * 0.95, 0.4 * half, 0.6 * room.height],
          color: [0.14, 0.17, 0.22],
          shadows: false,
        },
      ],
      ambient: [0.2, 0.18, 0.15],
    };
  }
  const room = { halfX: half, halfY: 3 * half, height: top * 1.5 };
  return {
    name,
    room,
    lights: [
      { position: [-0.2 * half, 0.9 * half, 0.9 * room.height], color: [0.78, 0.83, 0.92], shadows: true },
      { position: [0, -room.halfY * 0.95, 0.5 * room.height], color: [0.16, 0.16, 0.17], shadows: false },
    ],
    ambient: [0.24, 0.26, 0.29],
  };
}

// old_room palette (sRGB specified, stored linear).
const WOOD_DARK = lin(0.32, 0.18, 0.08);
const WOOD_LIGHT = lin(0.55, 0.34, 0.17);
const GAP = lin(0.06, 0.04, 0.03);
const PAPER_A = lin(0.86, 0.81, 0.66);
const PAPER_B = lin(0.62, 0.69, 0.56);
const WAINSCOT = lin(0.25, 0.2, 0.14);
const RAIL = lin(0.42, 0.33, 0.22);
const PLASTER = lin(0.82, 0.79, 0.72);
// large_corridor palette.
const TILE_A = lin(0.62, 0.62, 0.6);
const TILE_B = lin(0.34, 0.35, 0.38);
const GROUT = lin(0.2, 0.2, 0.2);
const CONCRETE = lin(0.74, 0.75, 0.77);
const SEAM = lin(0.45, 0.46, 0.48);
const SKIRTING = lin(0.1, 0.1, 0.11);
const CEIL = lin(0.58, 0.58, 0.6);
const PANEL = lin(0.98, 0.98, 0.96);

const fract = (x: number): number => x - Math.floor(x);

function oldRoom(surface: Surface, x: number, y: number, z: number, out: Rgb): void {
  if (surface === FLOOR) {
    const plankW = 0.16;
    const plankL = 1.3;
    const row = Math.floor(y / plankW);
    const sx = x + hash3(row, 0, 0, 11) * plankL;
    const col = Math.floor(sx / plankL);
    if (fract(y / plankW) < 0.04 || fract(sx / plankL) < 0.006) {
      out[0] = GAP[0];
      out[1] = GAP[1];
      out[2] = GAP[2];
      return;
    }
    mix(WOOD_DARK, WOOD_LIGHT, hash3(row, col, 1, 12), out);
    const grain = 0.7 + 0.6 * fbm3(sx * 2, y * 45, 0, 13 + col, 3);
    out[0] *= grain;
    out[1] *= grain;
    out[2] *= grain;
    return;
  }
  if (surface === CEILING) {
    const k = 0.88 + 0.12 * fbm3(x * 1.5, y * 1.5, 0, 14, 3);
    out[0] = PLASTER[0] * k;
    out[1] = PLASTER[1] * k;
    out[2] = PLASTER[2] * k;
    return;
  }
  const h = x + y;
  if (z < 0.9) {
    const seam = fract(h / 0.55) < 0.02;
    const k = seam ? 0.5 : 0.85 + 0.3 * fbm3(h * 3, z * 20, 0, 15, 3);
    out[0] = WAINSCOT[0] * k;
    out[1] = WAINSCOT[1] * k;
    out[2] = WAINSCOT[2] * k;
    return;
  }
  if (z < 0.96) {
    out[0] = RAIL[0];
    out[1] = RAIL[1];
    out[2] = RAIL[2];
    return;
  }
  const stripe = fract(h / 0.18) < 0.5 ? 0 : 1;
  const motif = (fract(h / 0.18 + 0.25) - 0.5) ** 2 + (fract(z / 0.24) - 0.5) ** 2 < 0.02 ? 0.6 : 0;
  mix(PAPER_A, PAPER_B, Math.max(stripe * 0.8, motif), out);
  const stain = 0.75 + 0.25 * fbm3(h * 0.8, z * 0.8, 0, 16);
  out[0] *= stain;
  out[1] *= stain;
  out[2] *= stain * 0.95;
}

function corridor(surface: Surface, x: number, y: number, z: number, out: Rgb): void {
  if (surface === FLOOR) {
    const t = 0.6;
    if (fract(x / t) < 0.02 || fract(y / t) < 0.02) {
      out[0] = GROUT[0];
      out[1] = GROUT[1];
      out[2] = GROUT[2];
      return;
    }
    const parity = (Math.floor(x / t) + Math.floor(y / t)) & 1;
    const k = 0.9 + 0.2 * fbm3(x * 12, y * 12, 0, 21, 2);
    const c = parity ? TILE_A : TILE_B;
    out[0] = c[0] * k;
    out[1] = c[1] * k;
    out[2] = c[2] * k;
    return;
  }
  if (surface === CEILING) {
    const panel = fract(y / 2.4) > 0.25 && fract(y / 2.4) < 0.75 && Math.abs(x) < 0.5;
    const c = panel ? PANEL : CEIL;
    out[0] = c[0];
    out[1] = c[1];
    out[2] = c[2];
    return;
  }
  if (z < 0.14) {
    out[0] = SKIRTING[0];
    out[1] = SKIRTING[1];
    out[2] = SKIRTING[2];
    return;
  }
  const h = x + y;
  const seam = fract(h / 1.5) < 0.008 || fract(z / 2.5) < 0.004;
  const k = 0.85 + 0.25 * fbm3(h * 4, z * 4, 0, 22, 4);
  const c = seam ? SEAM : CONCRETE;
  out[0] = c[0] * k;
  out[1] = c[1] * k;
  out[2] = c[2] * k;
}

/** Albedo (linear RGB) of a room surface at world point (x, y, z), written into out. */
export function backdropAlbedo(
  name: EnvName,
  surface: Surface,
  x: number,
  y: number,
  z: number,
  out: Rgb,
): void {
  if (name === 'large_corridor') corridor(surface, x, y, z, out);
  else oldRoom(surface, x, y, z, out);
}

// open_yard's sky (sRGB specified, stored linear): ground haze below the horizon, pale at the horizon, deep
// blue at the zenith, warmer towards the sun.
const SKY_GROUND = lin(0.42, 0.4, 0.36);
const SKY_HORIZON = lin(0.86, 0.89, 0.93);
const SKY_ZENITH = lin(0.3, 0.5, 0.86);
const SKY_SUN = lin(0.98, 0.86, 0.62);
const SUN_DIR: Vec3 = [0.55, -0.45, 0.7];

/** Sky colour (linear RGB) seen along unit direction (dx, dy, dz), z up, written into out. */
export function skyColor(dx: number, dy: number, dz: number, out: Rgb): void {
  if (dz < 0) mix(SKY_HORIZON, SKY_GROUND, Math.min(1, Math.sqrt(-dz / 0.3)), out);
  else mix(SKY_HORIZON, SKY_ZENITH, Math.sqrt(dz), out);
  const l = Math.hypot(SUN_DIR[0], SUN_DIR[1], SUN_DIR[2]);
  const cos = (dx * SUN_DIR[0] + dy * SUN_DIR[1] + dz * SUN_DIR[2]) / l;
  const glow = 0.35 * Math.max(0, cos) ** 3;
  for (let k = 0; k < 3; k++) out[k] = out[k]! * (1 - glow) + SKY_SUN[k]! * glow;
}
