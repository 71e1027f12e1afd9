/** Decoding a COCO / SAM `segmentation` field (RLE, polygons or a binary array) into a mask of the frame's size. */
import { SceneError } from '../errors.ts';
import { asArray, asNumber, describe, isJsonObject } from './json.ts';
import { rasterisePolygons } from './polygon.ts';
import { rleDecode, stringToCounts } from './rle.ts';

/** The frame a mask is decoded for: its stem and image size. */
export interface FrameSize {
  stem: string;
  w: number;
  h: number;
}

/** Which encodings a format allows besides RLE. */
export type SegmentationKind = 'polygons' | 'binary';

/** A SceneError saying a mask's size differs from its frame's. */
export function sizeError(file: string, field: string, w: number, h: number, frame: FrameSize): SceneError {
  return new SceneError(file, field, `mask is ${w}×${h} but frame "${frame.stem}" is ${frame.w}×${frame.h}`);
}

/** Decodes an RLE object `{ size: [h, w], counts }` (compressed string or run-length list). */
export function decodeRle(
  v: Record<string, unknown>,
  file: string,
  field: string,
  frame: FrameSize,
): Uint8Array {
  const size = asArray(v.size, file, `${field}.size`);
  if (size.length !== 2)
    throw new SceneError(file, `${field}.size`, `must be [height, width], got ${describe(size)}`);
  const h = asNumber(size[0], file, `${field}.size[0]`, true);
  const w = asNumber(size[1], file, `${field}.size[1]`, true);
  if (w !== frame.w || h !== frame.h) throw sizeError(file, `${field}.size`, w, h, frame);
  let counts: number[];
  if (typeof v.counts === 'string') {
    const parsed = stringToCounts(v.counts);
    if (typeof parsed === 'string') throw new SceneError(file, `${field}.counts`, parsed);
    counts = parsed;
  } else {
    counts = asArray(v.counts, file, `${field}.counts`).map((c, k) =>
      asNumber(c, file, `${field}.counts[${k}]`, true),
    );
  }
  let total = 0;
  for (const [k, c] of counts.entries()) {
    if (c < 0) throw new SceneError(file, `${field}.counts`, `run ${k} has negative length ${c}`);
    total += c;
  }
  if (total !== w * h)
    throw new SceneError(
      file,
      `${field}.counts`,
      `runs cover ${total} pixels, the mask has ${w}×${h} = ${w * h}`,
    );
  return rleDecode(counts, h, w);
}

function decodePolygons(v: unknown[], file: string, field: string, frame: FrameSize): Uint8Array {
  const polygons = v.map((p, k) => {
    const xy = asArray(p, file, `${field}[${k}]`).map((c, j) => asNumber(c, file, `${field}[${k}][${j}]`));
    if (xy.length < 6 || xy.length % 2 !== 0) {
      throw new SceneError(
        file,
        `${field}[${k}]`,
        `a polygon needs an even number ≥ 6 of coordinates, got ${xy.length}`,
      );
    }
    return xy;
  });
  return rasterisePolygons(polygons, frame.w, frame.h);
}

function decodeBinary(v: unknown[], file: string, field: string, frame: FrameSize): Uint8Array {
  const rowLength = Array.isArray(v[0]) ? v[0].length : 0;
  if (v.length !== frame.h || rowLength !== frame.w) throw sizeError(file, field, rowLength, v.length, frame);
  const mask = new Uint8Array(frame.w * frame.h);
  v.forEach((row, r) => {
    const cells = asArray(row, file, `${field}[${r}]`);
    if (cells.length !== frame.w) throw sizeError(file, field, cells.length, v.length, frame);
    cells.forEach((c, u) => {
      if (c === true || c === 1) mask[r * frame.w + u] = 1;
      else if (c !== false && c !== 0)
        throw new SceneError(file, `${field}[${r}][${u}]`, `must be true/false or 1/0, got ${describe(c)}`);
    });
  });
  return mask;
}

/** Decodes a segmentation into a row-major frame-sized mask (1 = inside); errors name the file and field. */
export function decodeSegmentation(
  v: unknown,
  file: string,
  field: string,
  frame: FrameSize,
  other: SegmentationKind,
): Uint8Array {
  if (isJsonObject(v)) return decodeRle(v, file, field, frame);
  const what =
    other === 'polygons'
      ? 'an RLE object or a list of polygons'
      : 'an RLE object or an h × w array of booleans';
  if (!Array.isArray(v) || v.length === 0)
    throw new SceneError(file, field, `must be ${what}, got ${describe(v)}`);
  return other === 'polygons' ? decodePolygons(v, file, field, frame) : decodeBinary(v, file, field, frame);
}
