/**
 * The scaling law of a Messy Rooms-style scene (paper section 4): with k = √(N/25), the floor area the
 * objects are spawned on grows ∝ N (side ∝ k), the cameras move away ∝ k, and the focal length
 * f = 35 mm · k magnifies by the same factor, so each image holds about the same number of objects.
 * World axes: z up, the floor is the plane z = 0, the scene is centred on the origin.
 */

/** Sensor width of the simulated camera in millimetres (a full-frame 36 mm sensor). */
export const SENSOR_WIDTH_MM = 36;

/** Focal length at N = 25 objects, millimetres. */
export const BASE_FOCAL_MM = 35;

/** Half side of the square the objects are spawned over at N = 25, metres. */
const BASE_SPAWN_HALF = 0.8;

/** Mean camera distance from the scene centre at N = 25, metres. */
const BASE_CAMERA_DISTANCE = 1.2;

/** The camera shell spans [INNER, OUTER] × the camera distance. */
const SHELL_INNER = 0.85;
const SHELL_OUTER = 1.15;

/** Camera elevation above the floor plane, degrees (the dome's lower and upper rims). */
const ELEVATION_MIN_DEG = 25;
const ELEVATION_MAX_DEG = 72;

/** Every size of a generated scene that depends on the number of objects. */
export interface SceneLayout {
  objects: number;
  /** √(N/25). */
  scale: number;
  /** The objects are spawned over [−spawnHalf, spawnHalf]² on the floor. */
  spawnHalf: number;
  /** Camera focal length, millimetres, for a SENSOR_WIDTH_MM sensor. */
  focalMm: number;
  /** Radii of the dome-shaped camera shell, metres from the scene centre. */
  shellInner: number;
  shellOuter: number;
  /** Camera elevation range, radians above the floor plane. */
  elevationMin: number;
  elevationMax: number;
}

/** Default number of views M = min(1200, ⌊600·√(N/25)⌋) (paper section 4). */
export function defaultViewCount(objects: number): number {
  return Math.max(1, Math.min(1200, Math.floor(600 * Math.sqrt(objects / 25))));
}

/** The layout of a scene with `objects` objects. */
export function sceneLayout(objects: number): SceneLayout {
  const scale = Math.sqrt(objects / 25);
  const distance = BASE_CAMERA_DISTANCE * scale;
  return {
    objects,
    scale,
    spawnHalf: BASE_SPAWN_HALF * scale,
    focalMm: BASE_FOCAL_MM * scale,
    shellInner: SHELL_INNER * distance,
    shellOuter: SHELL_OUTER * distance,
    elevationMin: (ELEVATION_MIN_DEG * Math.PI) / 180,
    elevationMax: (ELEVATION_MAX_DEG * Math.PI) / 180,
  };
}

/** Focal length in pixels of an image `widthPx` wide, for a focal length in mm on the 36 mm sensor. */
export function focalPixels(focalMm: number, widthPx: number): number {
  return (focalMm / SENSOR_WIDTH_MM) * widthPx;
}

/** Default image side of a generated scene in pixels. */
export const DEFAULT_SIZE = 512;
