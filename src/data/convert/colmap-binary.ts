/** Reads COLMAP's binary sparse-model files cameras.bin, images.bin and points3D.bin (little-endian). */
import { readFileSync } from 'node:fs';
import { SceneError } from '../errors.ts';
import {
  type ColmapCamera,
  type ColmapImage,
  checkCamera,
  checkImage,
  supportedModel,
} from './colmap-model.ts';

/** A read position in a binary file that refuses to run past its end, naming the record it was in. */
class Cursor {
  private pos = 0;
  /** The record being read, for error messages. */
  where = 'header';
  private readonly buf: Buffer;

  constructor(readonly file: string) {
    this.buf = readFileSync(file);
  }

  private need(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new SceneError(
        this.file,
        this.where,
        `the file ends after ${this.buf.length} bytes, inside this record (truncated?)`,
      );
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  i32(): number {
    return this.buf.readInt32LE(this.need(4));
  }
  u32(): number {
    return this.buf.readUInt32LE(this.need(4));
  }
  f64(): number {
    return this.buf.readDoubleLE(this.need(8));
  }
  u64(): number {
    const v = this.buf.readBigUInt64LE(this.need(8));
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new SceneError(this.file, this.where, `value ${v} is too large`);
    return Number(v);
  }
  skip(n: number): void {
    this.need(n);
  }
  /** A NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0)
      throw new SceneError(this.file, this.where, 'the file ends inside the image name (truncated?)');
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }
  /** The record count of the header, refused when the file is too short to hold that many records. */
  count(minRecordBytes: number): number {
    const n = this.u64();
    const room = Math.floor((this.buf.length - this.pos) / minRecordBytes);
    if (n > room) {
      throw new SceneError(
        this.file,
        'header',
        `claims ${n} records, but the file has room for at most ${room} (truncated or not a COLMAP file?)`,
      );
    }
    return n;
  }
  /** Refuses bytes after the last record. */
  end(): void {
    const left = this.buf.length - this.pos;
    if (left !== 0)
      throw new SceneError(
        this.file,
        'end of file',
        `${left} bytes after the last record (not a COLMAP file?)`,
      );
  }
}

/** The cameras of cameras.bin by id; unsupported camera models are refused as soon as they are met. */
export function readCamerasBinary(file: string): Map<number, ColmapCamera> {
  const c = new Cursor(file);
  const n = c.count(24);
  const out = new Map<number, ColmapCamera>();
  for (let k = 0; k < n; k++) {
    c.where = `camera record ${k + 1} of ${n}`;
    const id = c.u32();
    const modelId = c.i32();
    const width = c.u64();
    const height = c.u64();
    const spec = supportedModel({ file, where: c.where }, id, modelId);
    const params = spec.params.map(() => c.f64());
    const cam: ColmapCamera = { file, where: c.where, id, model: spec.name, width, height, params };
    checkCamera(cam);
    if (out.has(id)) throw new SceneError(file, c.where, `duplicate CAMERA_ID ${id}`);
    out.set(id, cam);
  }
  c.end();
  return out;
}

/** The images of images.bin (their 2D keypoints skipped). */
export function readImagesBinary(file: string): ColmapImage[] {
  const c = new Cursor(file);
  const n = c.count(73);
  const out: ColmapImage[] = [];
  for (let k = 0; k < n; k++) {
    c.where = `image record ${k + 1} of ${n}`;
    const id = c.u32();
    const q: ColmapImage['q'] = [c.f64(), c.f64(), c.f64(), c.f64()];
    const t: ColmapImage['t'] = [c.f64(), c.f64(), c.f64()];
    const cameraId = c.u32();
    const name = c.cstring();
    c.skip(c.u64() * 24);
    const image: ColmapImage = { file, where: c.where, id, q, t, cameraId, name };
    checkImage(image);
    out.push(image);
  }
  c.end();
  return out;
}

/** The 3D points of points3D.bin as x, y, z triples (colours, errors and tracks skipped). */
export function readPointsBinary(file: string): Float64Array {
  const c = new Cursor(file);
  const n = c.count(51);
  const out = new Float64Array(n * 3);
  for (let k = 0; k < n; k++) {
    c.where = `point record ${k + 1} of ${n}`;
    c.skip(8);
    for (let i = 0; i < 3; i++) out[k * 3 + i] = c.f64();
    if (!Number.isFinite(out[k * 3]! + out[k * 3 + 1]! + out[k * 3 + 2]!))
      throw new SceneError(file, c.where, 'point has a non-finite coordinate');
    c.skip(3 + 8);
    c.skip(c.u64() * 8);
  }
  c.end();
  return out;
}
