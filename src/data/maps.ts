/** Loads a frame's RGB and per-pixel maps, checking size, channels and labels against the scene. */
import { join } from 'node:path';
import { SceneError } from './errors.ts';
import { type Image, readImage } from './png.ts';
import { type Frame, type MapKey, type Scene, VOID_LABEL } from './scene.ts';

function load(scene: Scene, frame: Frame, field: string, rel: string): Image {
  const abs = join(scene.dir, rel);
  let img: Image;
  try {
    img = readImage(abs);
  } catch (e) {
    throw new SceneError(
      abs,
      `frames[${frame.index}].${field}`,
      `cannot decode image (${(e as Error).message})`,
    );
  }
  const { w, h } = frame.intrinsics;
  if (img.width !== w || img.height !== h) {
    throw new SceneError(
      abs,
      `frames[${frame.index}].${field}`,
      `image is ${img.width}×${img.height} but the frame's camera is ${w}×${h}`,
    );
  }
  return img;
}

function mapPath(frame: Frame, key: MapKey): string {
  const rel = frame.maps[key];
  if (rel === undefined)
    throw new SceneError(frame.filePath, `frames[${frame.index}].${key}`, 'the frame has no such map');
  return rel;
}

function single(scene: Scene, frame: Frame, key: MapKey): Image {
  const img = load(scene, frame, key, mapPath(frame, key));
  if (img.channels !== 1) {
    throw new SceneError(
      join(scene.dir, mapPath(frame, key)),
      `frames[${frame.index}].${key}`,
      `must be single-channel, has ${img.channels} channels`,
    );
  }
  return img;
}

/** RGB as 8-bit, 3 values a pixel (alpha dropped, grey expanded, 16-bit reduced). */
export function readRgb(scene: Scene, frame: Frame): Uint8Array {
  const img = load(scene, frame, 'file_path', frame.filePath);
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  const shift = img.depth === 16 ? 257 : 1;
  const c = img.channels;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const src = c >= 3 ? img.data[i * c + k]! : img.data[i * c]!;
      out[i * 3 + k] = shift === 1 ? src : Math.round(src / shift);
    }
  }
  return out;
}

/** An instance map (2D segmenter's or ground truth) as uint16 ids, 0 = no instance. */
export function readInstances(
  scene: Scene,
  frame: Frame,
  key: 'instance_file_path' | 'gt_instance_file_path',
): Uint16Array {
  const img = single(scene, frame, key);
  return img.data instanceof Uint16Array ? img.data : Uint16Array.from(img.data);
}

/** A semantic map as class ids; unlisted 255 (8-bit) or 65535 (16-bit) become VOID_LABEL. */
export function readSemantics(
  scene: Scene,
  frame: Frame,
  key: 'semantic_file_path' | 'gt_semantic_file_path',
): Uint16Array {
  const img = single(scene, frame, key);
  const known = new Set(scene.classes.map((c) => c.id));
  const voidValue = img.depth === 16 ? 65535 : 255;
  const out = new Uint16Array(img.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = img.data[i]!;
    if (known.has(v)) out[i] = v;
    else if (v === voidValue) out[i] = VOID_LABEL;
    else {
      throw new SceneError(
        join(scene.dir, mapPath(frame, key)),
        `frames[${frame.index}].${key}`,
        `pixel ${i % img.width},${Math.floor(i / img.width)} holds class id ${v}, which semantic_classes does not list`,
      );
    }
  }
  return out;
}

/** Planar depth in metres (0 = no depth). */
export function readDepth(scene: Scene, frame: Frame): Float32Array {
  const img = single(scene, frame, 'depth_file_path');
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i]! * scene.depthScale;
  return out;
}

/** The 2D segmenter's per-pixel confidence in [0, 1]; all ones when the frame has none. */
export function readConfidence(scene: Scene, frame: Frame): Float32Array {
  const { w, h } = frame.intrinsics;
  if (frame.maps.confidence_file_path === undefined) return new Float32Array(w * h).fill(1);
  const img = single(scene, frame, 'confidence_file_path');
  const max = img.depth === 16 ? 65535 : 255;
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i]! / max;
  return out;
}
