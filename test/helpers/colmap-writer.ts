/** Writes small COLMAP sparse models (cameras, images, points3D) in the text and the binary format, for tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** COLMAP's model ids of the names the tests use. */
export const MODEL_IDS: Record<string, number> = {
  SIMPLE_PINHOLE: 0,
  PINHOLE: 1,
  SIMPLE_RADIAL: 2,
  RADIAL: 3,
  OPENCV: 4,
  OPENCV_FISHEYE: 5,
  FULL_OPENCV: 6,
  FOV: 7,
  SIMPLE_RADIAL_FISHEYE: 8,
  RADIAL_FISHEYE: 9,
  THIN_PRISM_FISHEYE: 10,
  SIMPLE_FISHEYE: 14,
  FISHEYE: 15,
};

export interface TestCamera {
  id: number;
  model: string;
  width: number;
  height: number;
  params: number[];
}

export interface TestImage {
  id: number;
  /** qw, qx, qy, qz of the world-to-camera rotation. */
  q: number[];
  t: number[];
  cameraId: number;
  name: string;
  /** (x, y, point3D id) keypoints. */
  points2D: [number, number, number][];
}

export interface TestPoint {
  id: number;
  xyz: number[];
  track: [number, number][];
}

export interface TestModel {
  cameras: TestCamera[];
  images: TestImage[];
  points: TestPoint[];
}

/** Writes cameras.txt, images.txt and points3D.txt (with COLMAP's header comments) into `dir`. */
export function writeColmapText(dir: string, m: TestModel): void {
  mkdirSync(dir, { recursive: true });
  const cams = m.cameras.map((c) => [c.id, c.model, c.width, c.height, ...c.params].join(' '));
  writeFileSync(
    join(dir, 'cameras.txt'),
    [
      '# Camera list with one line of data per camera:',
      '#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]',
      ...cams,
      '',
    ].join('\n'),
  );
  const imgs = m.images.flatMap((im) => [
    [im.id, ...im.q, ...im.t, im.cameraId, im.name].join(' '),
    im.points2D.flat().join(' '),
  ]);
  writeFileSync(
    join(dir, 'images.txt'),
    [
      '# Image list with two lines of data per image:',
      '#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME',
      ...imgs,
      '',
    ].join('\n'),
  );
  const pts = m.points.map((p) => [p.id, ...p.xyz, 128, 128, 128, 0.5, ...p.track.flat()].join(' '));
  writeFileSync(
    join(dir, 'points3D.txt'),
    ['# 3D point list with one line of data per point:', ...pts, ''].join('\n'),
  );
}

/** A little-endian byte writer. */
class Bytes {
  private readonly parts: Buffer[] = [];
  u8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeUInt8(v);
    this.parts.push(b);
    return this;
  }
  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.parts.push(b);
    return this;
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.parts.push(b);
    return this;
  }
  i64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(v));
    this.parts.push(b);
    return this;
  }
  u64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.parts.push(b);
    return this;
  }
  f64(...vs: number[]): this {
    for (const v of vs) {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(v);
      this.parts.push(b);
    }
    return this;
  }
  str(s: string): this {
    this.parts.push(Buffer.from(s, 'utf8'), Buffer.alloc(1));
    return this;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Writes cameras.bin, images.bin and points3D.bin into `dir`. */
export function writeColmapBinary(dir: string, m: TestModel): void {
  mkdirSync(dir, { recursive: true });
  const cams = new Bytes().u64(m.cameras.length);
  for (const c of m.cameras) {
    const id = MODEL_IDS[c.model];
    if (id === undefined) throw new Error(`no model id for ${c.model}`);
    cams
      .u32(c.id)
      .i32(id)
      .u64(c.width)
      .u64(c.height)
      .f64(...c.params);
  }
  writeFileSync(join(dir, 'cameras.bin'), cams.bytes());
  const imgs = new Bytes().u64(m.images.length);
  for (const im of m.images) {
    imgs
      .u32(im.id)
      .f64(...im.q, ...im.t)
      .u32(im.cameraId)
      .str(im.name)
      .u64(im.points2D.length);
    for (const [x, y, p] of im.points2D) imgs.f64(x, y).i64(p);
  }
  writeFileSync(join(dir, 'images.bin'), imgs.bytes());
  const pts = new Bytes().u64(m.points.length);
  for (const p of m.points) {
    pts
      .u64(p.id)
      .f64(...p.xyz)
      .u8(128)
      .u8(128)
      .u8(128)
      .f64(0.5)
      .u64(p.track.length);
    for (const [image, idx] of p.track) pts.i32(image).i32(idx);
  }
  writeFileSync(join(dir, 'points3D.bin'), pts.bytes());
}
