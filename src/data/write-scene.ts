/** Writes transforms.json for a scene, keeping keys of the original that clift does not know. */
import { join } from 'node:path';
import { writeFileAtomic } from './png.ts';
import { type Frame, type Intrinsics, MODEL_COEFFICIENTS, type Scene, type SemanticClass } from './scene.ts';

/** The JSON of a 4×4 row-major matrix. */
export function matrixToJson(m: ArrayLike<number>): number[][] {
  return [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => m[r * 4 + c]!));
}

/** The camera keys of intrinsics as transforms.json spells them, with the coefficients its model uses. */
export function intrinsicsToJson(intr: Intrinsics): Record<string, unknown> {
  const out: Record<string, unknown> = {
    camera_model: intr.model,
    fl_x: intr.fx,
    fl_y: intr.fy,
    cx: intr.cx,
    cy: intr.cy,
    w: intr.w,
    h: intr.h,
  };
  for (const key of MODEL_COEFFICIENTS[intr.model]) out[key] = intr[key] ?? 0;
  return out;
}

/** The JSON of one frame: its original keys, overwritten by the current values. */
export function frameToJson(frame: Frame, shared: Intrinsics | null): Record<string, unknown> {
  const out: Record<string, unknown> = { ...frame.raw, file_path: frame.filePath };
  out.transform_matrix = matrixToJson(frame.c2w);
  out.split = frame.split;
  for (const [k, v] of Object.entries(frame.maps)) out[k] = v;
  if (
    shared === null ||
    JSON.stringify(intrinsicsToJson(shared)) !== JSON.stringify(intrinsicsToJson(frame.intrinsics))
  ) {
    Object.assign(out, intrinsicsToJson(frame.intrinsics));
  }
  return out;
}

/** The whole transforms.json object of a scene. */
export function sceneToJson(
  scene: Scene,
  shared: Intrinsics | null = scene.frames[0]?.intrinsics ?? null,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...scene.raw };
  if (shared) Object.assign(out, intrinsicsToJson(shared));
  out.depth_unit_scale_factor = scene.depthScale;
  if (scene.aabb) out.aabb = scene.aabb;
  out.semantic_classes = scene.classes.map((c: SemanticClass) => ({
    id: c.id,
    name: c.name,
    thing: c.thing,
  }));
  out.frames = scene.frames.map((f) => frameToJson(f, shared));
  return out;
}

/** Writes `<dir>/transforms.json` atomically from a JSON object. */
export function writeTransforms(dir: string, json: Record<string, unknown>): void {
  writeFileAtomic(join(dir, 'transforms.json'), `${JSON.stringify(json, null, 2)}\n`);
}
