/** The in-memory form of a clift scene (see the scene format): cameras, class list and frames. */

/** One entry of `semantic_classes`. */
export interface SemanticClass {
  id: number;
  name: string;
  thing: boolean;
}

/** The camera models of the scene format's `camera_model` key (COLMAP's and nerfstudio's names). */
export const CAMERA_MODELS = [
  'PINHOLE',
  'SIMPLE_RADIAL',
  'RADIAL',
  'OPENCV',
  'FULL_OPENCV',
  'OPENCV_FISHEYE',
] as const;
export type CameraModel = (typeof CAMERA_MODELS)[number];

/** Every distortion coefficient key a camera model may carry. */
export const DISTORTION_KEYS = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'p1', 'p2'] as const;
export type DistortionKey = (typeof DISTORTION_KEYS)[number];

/**
 * The coefficients each model uses (all required in transforms.json for that model):
 * SIMPLE_RADIAL and RADIAL scale radially by 1 + k1 r² (+ k2 r⁴); OPENCV adds tangential p1 p2; FULL_OPENCV's
 * radial factor is the rational (1 + k1 r² + k2 r⁴ + k3 r⁶) / (1 + k4 r² + k5 r⁴ + k6 r⁶); OPENCV_FISHEYE is
 * equidistant, the angle θ off the axis mapping to θ (1 + k1 θ² + k2 θ⁴ + k3 θ⁶ + k4 θ⁸).
 */
export const MODEL_COEFFICIENTS: Readonly<Record<CameraModel, readonly DistortionKey[]>> = {
  PINHOLE: [],
  SIMPLE_RADIAL: ['k1'],
  RADIAL: ['k1', 'k2'],
  OPENCV: ['k1', 'k2', 'p1', 'p2'],
  FULL_OPENCV: ['k1', 'k2', 'p1', 'p2', 'k3', 'k4', 'k5', 'k6'],
  OPENCV_FISHEYE: ['k1', 'k2', 'k3', 'k4'],
};

/** Whether a string names a camera model of the scene format. */
export function isCameraModel(s: unknown): s is CameraModel {
  return (CAMERA_MODELS as readonly unknown[]).includes(s);
}

/**
 * Intrinsics in pixels plus the distortion coefficients of `model` (see MODEL_COEFFICIENTS); coefficients the
 * model does not use are 0 or absent.
 */
export interface Intrinsics {
  model: CameraModel;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
  k1: number;
  k2: number;
  p1: number;
  p2: number;
  k3?: number;
  k4?: number;
  k5?: number;
  k6?: number;
}

export type Split = 'train' | 'val' | 'test';

/** The per-frame map keys of the scene format (plus clift's optional confidence map). */
export const MAP_KEYS = [
  'depth_file_path',
  'instance_file_path',
  'semantic_file_path',
  'confidence_file_path',
  'gt_instance_file_path',
  'gt_semantic_file_path',
] as const;
export type MapKey = (typeof MAP_KEYS)[number];

/** One posed photo with its optional maps; paths are relative to the scene folder. */
export interface Frame {
  index: number;
  /** file_path basename without extension: the key of prediction files. */
  stem: string;
  filePath: string;
  /** camera-to-world, OpenGL axes, row-major 4×4. */
  c2w: Float64Array;
  split: Split;
  intrinsics: Intrinsics;
  maps: Partial<Record<MapKey, string>>;
  /** The frame object as read, so writers keep keys they do not know. */
  raw: Record<string, unknown>;
}

/** A whole scene as read from `transforms.json`. */
export interface Scene {
  dir: string;
  transformsPath: string;
  classes: SemanticClass[];
  /** metres per depth-PNG unit. */
  depthScale: number;
  aabb: [[number, number, number], [number, number, number]] | null;
  frames: Frame[];
  /** The top-level object as read, so writers keep keys they do not know. */
  raw: Record<string, unknown>;
}

/** Semantic value meaning void / ignore after reading (8-bit 255 is widened to this). */
export const VOID_LABEL = 65535;

/** Frames of one split (or all when `split` is 'all'). */
export function framesOf(scene: Scene, split: Split | 'all'): Frame[] {
  return split === 'all' ? scene.frames : scene.frames.filter((f) => f.split === split);
}

/** Ids of the thing classes. */
export function thingIds(scene: Scene): number[] {
  return scene.classes.filter((c) => c.thing).map((c) => c.id);
}
