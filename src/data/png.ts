/** Reading and writing images: 8/16-bit PNG (fast-png) and JPEG (jpeg-js), as plain typed arrays. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { decode as decodePngBytes, encode as encodePngBytes } from 'fast-png';
import jpeg from 'jpeg-js';

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
  const bytes = readFileSync(path);
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
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
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
