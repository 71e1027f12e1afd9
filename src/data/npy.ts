/** A small reader for NumPy .npy files (format versions 1–3, little-endian, C order). */
import { readFileSync } from 'node:fs';
import { SceneError } from './errors.ts';

/** The typed arrays an .npy file can decode to (64-bit integers are widened to float64 numbers). */
export type NpyData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A decoded .npy array: its shape and its values in C order. */
export interface NpyArray {
  shape: number[];
  descr: string;
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

function decodeHeader(file: string, bytes: Uint8Array): { header: string; dataOffset: number } {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new SceneError(file, 'npy header', 'not an .npy file (bad magic string)');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new SceneError(file, 'npy header', 'file truncated in the header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new SceneError(file, 'npy header', `unsupported .npy format version ${major}`);
  }
  if (start + headerLen > bytes.length)
    throw new SceneError(file, 'npy header', 'file truncated in the header');
  const decoder = new TextDecoder(major === 3 ? 'utf-8' : 'latin1');
  return { header: decoder.decode(bytes.subarray(start, start + headerLen)), dataOffset: start + headerLen };
}

function parseHeader(file: string, header: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new SceneError(file, 'npy header', `cannot parse header ${JSON.stringify(header.trim())}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new SceneError(file, 'npy header', `bad shape entry "${s}"`);
      return n;
    });
  return { descr, fortran: fortran === 'True', shape };
}

/** Decodes the bytes of an .npy file; `file` names it in errors. */
export function parseNpy(file: string, bytes: Uint8Array): NpyArray {
  const { header, dataOffset } = decodeHeader(file, bytes);
  const { descr, fortran, shape } = parseHeader(file, header);
  if (fortran)
    throw new SceneError(file, 'npy header', 'fortran_order arrays are not supported (save in C order)');
  const count = shape.reduce((a, b) => a * b, 1);
  // Single-byte types may carry any byte-order mark.
  const kind = descr.length === 3 && descr[2] === '1' ? `|${descr.slice(1)}` : descr;
  const sizes: Record<string, number> = {
    '|u1': 1,
    '|i1': 1,
    '|b1': 1,
    '<u2': 2,
    '<i2': 2,
    '<u4': 4,
    '<i4': 4,
    '<i8': 8,
    '<f4': 4,
    '<f8': 8,
  };
  const size = sizes[kind];
  if (size === undefined) throw new SceneError(file, 'npy header', `unsupported dtype "${descr}"`);
  const nbytes = count * size;
  if (dataOffset + nbytes > bytes.length) {
    throw new SceneError(
      file,
      'npy data',
      `expected ${nbytes} data bytes for shape (${shape.join(', ')}), file is shorter`,
    );
  }
  // Copy (a Buffer's slice would share its pool) so the typed array is aligned whatever the header length.
  const buf = new ArrayBuffer(nbytes);
  new Uint8Array(buf).set(bytes.subarray(dataOffset, dataOffset + nbytes));
  let data: NpyData;
  switch (kind) {
    case '|u1':
      data = new Uint8Array(buf);
      break;
    case '|b1':
      data = new Uint8Array(buf).map((v) => (v !== 0 ? 1 : 0));
      break;
    case '|i1':
      data = new Int8Array(buf);
      break;
    case '<u2':
      data = new Uint16Array(buf);
      break;
    case '<i2':
      data = new Int16Array(buf);
      break;
    case '<u4':
      data = new Uint32Array(buf);
      break;
    case '<i4':
      data = new Int32Array(buf);
      break;
    case '<f4':
      data = new Float32Array(buf);
      break;
    case '<f8':
      data = new Float64Array(buf);
      break;
    default: {
      const big = new BigInt64Array(buf);
      data = Float64Array.from(big, (v) => Number(v));
    }
  }
  return { shape, descr, data };
}

/** Reads an .npy file, or throws a SceneError naming it. */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new SceneError(path, 'npy', `cannot read file (${(e as Error).message})`);
  }
  return parseNpy(path, bytes);
}
