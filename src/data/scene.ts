/** The in-memory form of a clift scene (see the scene format): cameras, class list and frames. */

/** One entry of `semantic_classes`. */
export interface SemanticClass {
  id: number;
  name: string;
  thing: boolean;
}

/** Pinhole intrinsics in pixels, plus OPENCV radial/tangential distortion when present. */
export interface Intrinsics {
  model: 'PINHOLE' | 'OPENCV';
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
