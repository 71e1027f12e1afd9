/** Reading and writing images: 8/16-bit PNG (fast-png) and JPEG (jpeg-js), as plain typed arrays. */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { decode as decodePngBytes, encode as encodePngBytes } from 'fast-png';
import jpeg from 'jpeg-js';
import { fsError } from '../core/fs-error.ts';

/** A decoded image: row-major pixels, `channels` values per pixel, 8 or 16 bits per value. */
export interface Image {
  width: number;
  height: number;
  channels: number;
  depth: 8 | 16;
  data: Uint8Array | Uint16Array;
}

/** Decodes a PNG or JPEG file (chosen by its magic bytes) into an Image. */
export function readImage(path: string): Image {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw fsError(path, 'read the image', e);
  }
  try {
    return decodeImage(bytes);
  } catch (e) {
    throw new Error(`${path}: not a readable PNG or JPEG image (${(e as Error).message})`);
  }
}

/** Decodes PNG or JPEG bytes. */
function decodeImage(bytes: Uint8Array): Image {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
    return { width: img.width, height: img.height, channels: 3, depth: 8, data: img.data };
  }
  const png = decodePngBytes(bytes);
  if (png.palette) {
    const palette = png.palette;
    const n = png.width * png.height;
    const out = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      const entry = palette[png.data[i]!] ?? [0, 0, 0];
      out[i * 3] = entry[0]!;
      out[i * 3 + 1] = entry[1]!;
      out[i * 3 + 2] = entry[2]!;
    }
    return { width: png.width, height: png.height, channels: 3, depth: 8, data: out };
  }
  const depth = png.depth === 16 ? 16 : 8;
  let data = png.data as Uint8Array | Uint16Array;
  if (png.depth !== 8 && png.depth !== 16) {
    // 1/2/4-bit grayscale: fast-png already unpacks to one value per byte.
    data = Uint8Array.from(png.data as ArrayLike<number>);
  }
  return { width: png.width, height: png.height, channels: png.channels, depth, data };
}

/** Encodes an Image as PNG bytes. */
export function encodePng(img: Image): Uint8Array {
  return encodePngBytes({
    width: img.width,
    height: img.height,
    channels: img.channels,
    depth: img.depth,
    data: img.data,
  });
}

/** Writes bytes to a file atomically (temporary file, then rename), creating folders as needed. */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  ensureFolder(dirname(path));
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    // Never leave the temporary file behind (a full disk would otherwise fill up with them).
    rmSync(tmp, { force: true });
    throw fsError(path, 'write', e);
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Creates a folder (and its parents), with an error naming the folder and the real reason. */
export function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    // mkdir reports a read-only parent of a missing folder as ENOENT: name the existing ancestor instead.
    let up = dir;
    while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
    if (existsSync(up) && !statSync(up).isDirectory())
      throw fsError(dir, 'create the folder', { code: 'ENOTDIR' });
    if (existsSync(up) && !writable(up))
      throw new Error(`${dir}: cannot create the folder: ${up} is not writable`);
    throw fsError(dir, 'create the folder', e);
  }
}

/** Writes an Image as a PNG file. */
export function writePng(path: string, img: Image): void {
  writeFileAtomic(path, encodePng(img));
}

/** Writes a single-channel 16-bit PNG. */
export function writeGray16(path: string, width: number, height: number, data: Uint16Array): void {
  writePng(path, { width, height, channels: 1, depth: 16, data });
}

/** Writes an 8-bit RGB PNG. */
export function writeRgb8(path: string, width: number, height: number, data: Uint8Array): void {
  writePng(path, { width, height, channels: 3, depth: 8, data });
}
