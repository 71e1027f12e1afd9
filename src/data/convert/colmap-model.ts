/**
 * A COLMAP sparse model (cameras, images, points3D) as read from its text or binary files, COLMAP's camera models,
 * and their conversion to the scene format's intrinsics and camera-to-world poses.
 */
import { SceneError } from '../errors.ts';
import type { CameraModel, DistortionKey, Intrinsics } from '../scene.ts';
import { checkPose, openCvToOpenGl, quaternionToMatrix } from './common.ts';

/** Where a record was read: its file and the line or record, for error messages. */
export interface RecordPlace {
  file: string;
  where: string;
}

/** One camera of cameras.txt / cameras.bin. */
export interface ColmapCamera extends RecordPlace {
  id: number;
  /** COLMAP's model name, e.g. "OPENCV". */
  model: string;
  width: number;
  height: number;
  params: number[];
}

/** One registered image of images.txt / images.bin: its world-to-camera pose and its camera. */
export interface ColmapImage extends RecordPlace {
  id: number;
  /** Unit quaternion (qw, qx, qy, qz), Hamilton convention, of the world-to-camera rotation. */
  q: [number, number, number, number];
  /** World-to-camera translation. */
  t: [number, number, number];
  cameraId: number;
  /** Path of the image relative to the image folder. */
  name: string;
}

/** A whole sparse model; `points` holds the 3D points as x, y, z triples. */
export interface ColmapModel {
  format: 'text' | 'binary';
  cameras: Map<number, ColmapCamera>;
  images: ColmapImage[];
  points: Float64Array;
  /** The points3D file, or null when the model has none. */
  pointsFile: string | null;
}

type ParamName = 'f' | 'fx' | 'fy' | 'cx' | 'cy' | DistortionKey;

/** A COLMAP camera model clift converts: its parameter list and the scene-format model it becomes. */
interface SupportedModel {
  name: string;
  params: readonly ParamName[];
  lens: CameraModel;
}

/**
 * The camera models clift converts, by COLMAP model id. The *_FISHEYE models of COLMAP other than
 * THIN_PRISM_FISHEYE are all the equidistant θ-polynomial of OPENCV_FISHEYE with fewer coefficients.
 */
const SUPPORTED: ReadonlyMap<number, SupportedModel> = new Map([
  [0, { name: 'SIMPLE_PINHOLE', params: ['f', 'cx', 'cy'], lens: 'PINHOLE' }],
  [1, { name: 'PINHOLE', params: ['fx', 'fy', 'cx', 'cy'], lens: 'PINHOLE' }],
  [2, { name: 'SIMPLE_RADIAL', params: ['f', 'cx', 'cy', 'k1'], lens: 'SIMPLE_RADIAL' }],
  [3, { name: 'RADIAL', params: ['f', 'cx', 'cy', 'k1', 'k2'], lens: 'RADIAL' }],
  [4, { name: 'OPENCV', params: ['fx', 'fy', 'cx', 'cy', 'k1', 'k2', 'p1', 'p2'], lens: 'OPENCV' }],
  [
    5,
    {
      name: 'OPENCV_FISHEYE',
      params: ['fx', 'fy', 'cx', 'cy', 'k1', 'k2', 'k3', 'k4'],
      lens: 'OPENCV_FISHEYE',
    },
  ],
  [
    6,
    {
      name: 'FULL_OPENCV',
      params: ['fx', 'fy', 'cx', 'cy', 'k1', 'k2', 'p1', 'p2', 'k3', 'k4', 'k5', 'k6'],
      lens: 'FULL_OPENCV',
    },
  ],
  [8, { name: 'SIMPLE_RADIAL_FISHEYE', params: ['f', 'cx', 'cy', 'k1'], lens: 'OPENCV_FISHEYE' }],
  [9, { name: 'RADIAL_FISHEYE', params: ['f', 'cx', 'cy', 'k1', 'k2'], lens: 'OPENCV_FISHEYE' }],
  [14, { name: 'SIMPLE_FISHEYE', params: ['f', 'cx', 'cy'], lens: 'OPENCV_FISHEYE' }],
  [15, { name: 'FISHEYE', params: ['fx', 'fy', 'cx', 'cy'], lens: 'OPENCV_FISHEYE' }],
]);

/** COLMAP camera models clift refuses (no equivalent lens model in the scene format), by id. */
const REFUSED: ReadonlyMap<number, string> = new Map([
  [7, 'FOV'],
  [10, 'THIN_PRISM_FISHEYE'],
  [11, 'RAD_TAN_THIN_PRISM_FISHEYE'],
  [12, 'SIMPLE_DIVISION'],
  [13, 'DIVISION'],
  [16, 'EUCM'],
  [17, 'EQUIRECTANGULAR'],
]);

const SUPPORTED_NAMES = [...SUPPORTED.values()].map((m) => m.name).join(', ');

/** The COLMAP model name of a binary model id (refused ids included), or null for an unknown id. */
export function colmapModelName(id: number): string | null {
  return SUPPORTED.get(id)?.name ?? REFUSED.get(id) ?? null;
}

/**
 * The supported model of a name or id with its parameter count, or a SceneError naming the camera and its model
 * (refused models and unknown ones alike).
 */
export function supportedModel(place: RecordPlace, cameraId: number, model: string | number): SupportedModel {
  const byName =
    typeof model === 'string' ? [...SUPPORTED.values()].find((m) => m.name === model) : undefined;
  const found = typeof model === 'number' ? SUPPORTED.get(model) : byName;
  if (found) return found;
  const refused =
    typeof model === 'number' ? REFUSED.get(model) : [...REFUSED.values()].find((m) => m === model);
  const what = refused
    ? `the camera model ${refused}, which clift does not convert`
    : `an unknown camera model (${typeof model === 'number' ? `id ${model}` : JSON.stringify(model)})`;
  throw new SceneError(
    place.file,
    place.where,
    `camera ${cameraId} uses ${what}; clift converts ${SUPPORTED_NAMES}`,
  );
}

/** The scene-format intrinsics of a COLMAP camera; the principal point is kept (COLMAP centres pixels at +0.5 too). */
export function colmapIntrinsics(cam: ColmapCamera): Intrinsics {
  const spec = supportedModel(cam, cam.id, cam.model);
  const p = Object.fromEntries(spec.params.map((name, i) => [name, cam.params[i]!])) as Partial<
    Record<ParamName, number>
  >;
  const intr: Intrinsics = {
    model: spec.lens,
    fx: p.fx ?? p.f!,
    fy: p.fy ?? p.f!,
    cx: p.cx!,
    cy: p.cy!,
    w: cam.width,
    h: cam.height,
    k1: 0,
    k2: 0,
    p1: 0,
    p2: 0,
  };
  if (spec.lens === 'OPENCV_FISHEYE') Object.assign(intr, { k3: 0, k4: 0 });
  if (spec.lens === 'FULL_OPENCV') Object.assign(intr, { k3: 0, k4: 0, k5: 0, k6: 0 });
  for (const name of spec.params) if (/^[kp]\d$/.test(name)) intr[name as DistortionKey] = p[name]!;
  if (!(intr.fx > 0) || !(intr.fy > 0))
    throw new SceneError(cam.file, cam.where, `camera ${cam.id}: focal length must be positive`);
  return intr;
}

/** Largest deviation of a quaternion's norm from 1 that is taken for rounding and renormalised. */
export const QUATERNION_TOLERANCE = 1e-3;

/** Refuses a quaternion that is not unit length (beyond rounding); errors name the record. */
export function checkQuaternion(place: RecordPlace, q: readonly number[]): void {
  const n = Math.hypot(...q);
  if (!(Math.abs(n - 1) <= QUATERNION_TOLERANCE)) {
    throw new SceneError(
      place.file,
      place.where,
      `quaternion (QW QX QY QZ) = (${q.join(', ')}) has norm ${n}, not 1`,
    );
  }
}

/** The scene-format camera-to-world pose (OpenGL axes) of an image's world-to-camera (OpenCV axes) pose. */
export function colmapCameraToWorld(image: ColmapImage): Float64Array {
  const R = quaternionToMatrix(image.q);
  const [tx, ty, tz] = image.t;
  // camera-to-world = [Rᵀ | −Rᵀ t] in OpenCV axes, then flipped to OpenGL axes.
  const c2w = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) c2w[r * 4 + c] = R[c * 3 + r]!;
    c2w[r * 4 + 3] = -(R[0 * 3 + r]! * tx + R[1 * 3 + r]! * ty + R[2 * 3 + r]! * tz);
  }
  c2w[15] = 1;
  return checkPose(image.file, `${image.where} pose`, openCvToOpenGl(c2w));
}

/** Refuses a camera with a non-positive or non-integer size or a non-finite parameter. */
export function checkCamera(cam: ColmapCamera): void {
  for (const [key, v] of [
    ['WIDTH', cam.width],
    ['HEIGHT', cam.height],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new SceneError(
        cam.file,
        cam.where,
        `camera ${cam.id}: ${key} must be a positive integer, got ${v}`,
      );
  }
  const bad = cam.params.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new SceneError(
      cam.file,
      cam.where,
      `camera ${cam.id}: parameter ${bad + 1} is not a finite number`,
    );
}

/** Refuses an image whose pose is not finite or whose quaternion is not unit length. */
export function checkImage(image: ColmapImage): void {
  if (![...image.q, ...image.t].every(Number.isFinite))
    throw new SceneError(image.file, image.where, `image ${image.id}: pose has a non-finite number`);
  checkQuaternion(image, image.q);
  if (image.name.length === 0) throw new SceneError(image.file, image.where, `image ${image.id}: empty NAME`);
}

/** Refuses images naming a camera the model does not have, and repeated image ids or names. */
export function checkReferences(model: ColmapModel): void {
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const image of model.images) {
    if (!model.cameras.has(image.cameraId)) {
      throw new SceneError(
        image.file,
        image.where,
        `image ${image.id} uses CAMERA_ID ${image.cameraId}, which the cameras file does not list`,
      );
    }
    if (ids.has(image.id)) throw new SceneError(image.file, image.where, `duplicate IMAGE_ID ${image.id}`);
    if (names.has(image.name))
      throw new SceneError(image.file, image.where, `duplicate image NAME "${image.name}"`);
    ids.add(image.id);
    names.add(image.name);
  }
}
