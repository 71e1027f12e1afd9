/** Reads COLMAP's text sparse-model files cameras.txt, images.txt and points3D.txt ('#' starts a comment line). */
import { readFileSync } from 'node:fs';
import { SceneError } from '../errors.ts';
import {
  type ColmapCamera,
  type ColmapImage,
  checkCamera,
  checkImage,
  type RecordPlace,
  supportedModel,
} from './colmap-model.ts';

/** The lines of a text file, numbered from 1. */
function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split(/\r?\n/);
}

function isData(line: string): boolean {
  const s = line.trim();
  return s.length > 0 && !s.startsWith('#');
}

/** A number column, or a SceneError naming the line and the column. */
function number(place: RecordPlace, column: string, token: string): number {
  const v = Number(token);
  if (token.length === 0 || !Number.isFinite(v))
    throw new SceneError(place.file, place.where, `${column} is "${token}", not a finite number`);
  return v;
}

/** A non-negative integer column (an id or a size). */
function integer(place: RecordPlace, column: string, token: string): number {
  const v = number(place, column, token);
  if (!Number.isInteger(v) || v < 0)
    throw new SceneError(place.file, place.where, `${column} is "${token}", not a non-negative integer`);
  return v;
}

/** The cameras of cameras.txt by id: CAMERA_ID MODEL WIDTH HEIGHT PARAMS[] a line. */
export function readCamerasText(file: string): Map<number, ColmapCamera> {
  const out = new Map<number, ColmapCamera>();
  for (const [i, line] of lines(file).entries()) {
    if (!isData(line)) continue;
    const place = { file, where: `line ${i + 1}` };
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4) {
      throw new SceneError(
        file,
        place.where,
        `expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS[], found ${cols.length} columns`,
      );
    }
    const id = integer(place, 'CAMERA_ID', cols[0]!);
    const spec = supportedModel(place, id, cols[1]!);
    if (cols.length !== 4 + spec.params.length) {
      throw new SceneError(
        file,
        place.where,
        `camera ${id}: ${spec.name} takes ${spec.params.length} parameters (${spec.params.join(', ')}), found ${cols.length - 4}`,
      );
    }
    const cam: ColmapCamera = {
      ...place,
      id,
      model: spec.name,
      width: integer(place, 'WIDTH', cols[2]!),
      height: integer(place, 'HEIGHT', cols[3]!),
      params: cols.slice(4).map((t, k) => number(place, `parameter ${spec.params[k]}`, t)),
    };
    checkCamera(cam);
    if (out.has(id)) throw new SceneError(file, place.where, `duplicate CAMERA_ID ${id}`);
    out.set(id, cam);
  }
  return out;
}

const IMAGE_LINE = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S.*)$/;

/**
 * The images of images.txt: two lines an image, IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME, then its
 * POINTS2D[] as (X, Y, POINT3D_ID) triples (checked for their count, otherwise skipped; may be empty).
 */
export function readImagesText(file: string): ColmapImage[] {
  const all = lines(file);
  const out: ColmapImage[] = [];
  for (let i = 0; i < all.length; i++) {
    if (!isData(all[i]!)) continue;
    const place = { file, where: `line ${i + 1}` };
    const m = IMAGE_LINE.exec(all[i]!.trim());
    if (!m) {
      const n = all[i]!.trim().split(/\s+/).length;
      throw new SceneError(
        file,
        place.where,
        `expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME (10 columns), found ${n}`,
      );
    }
    const v = (k: number, column: string): number => number(place, column, m[k]!);
    const image: ColmapImage = {
      ...place,
      id: integer(place, 'IMAGE_ID', m[1]!),
      q: [v(2, 'QW'), v(3, 'QX'), v(4, 'QY'), v(5, 'QZ')],
      t: [v(6, 'TX'), v(7, 'TY'), v(8, 'TZ')],
      cameraId: integer(place, 'CAMERA_ID', m[9]!),
      name: m[10]!.trim(),
    };
    checkImage(image);
    out.push(image);
    i++;
    const points = (all[i] ?? '').trim();
    const n = points.length === 0 ? 0 : points.split(/\s+/).length;
    if (n % 3 !== 0) {
      throw new SceneError(
        file,
        `line ${i + 1}`,
        `POINTS2D of image ${image.id} must be (X, Y, POINT3D_ID) triples, found ${n} columns ` +
          '(images.txt holds two lines per image)',
      );
    }
  }
  return out;
}

/** The 3D points of points3D.txt as x, y, z triples: POINT3D_ID X Y Z R G B ERROR TRACK[] a line. */
export function readPointsText(file: string): Float64Array {
  const out: number[] = [];
  for (const [i, line] of lines(file).entries()) {
    if (!isData(line)) continue;
    const place = { file, where: `line ${i + 1}` };
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8 || (cols.length - 8) % 2 !== 0) {
      throw new SceneError(
        file,
        place.where,
        `expected POINT3D_ID X Y Z R G B ERROR then (IMAGE_ID, POINT2D_IDX) pairs, found ${cols.length} columns`,
      );
    }
    out.push(number(place, 'X', cols[1]!), number(place, 'Y', cols[2]!), number(place, 'Z', cols[3]!));
  }
  return Float64Array.from(out);
}
