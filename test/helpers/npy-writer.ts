/** A tiny .npy writer for test fixtures. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Options of encodeNpy: format version and a deliberately wrong fortran_order flag. */
export interface NpyWriteOptions {
  version?: 1 | 2 | 3;
  fortranOrder?: boolean;
}

/** The bytes of an .npy file holding `values` with dtype `descr` (e.g. '<f4') and `shape`. */
export function encodeNpy(
  descr: string,
  shape: number[],
  values: ArrayLike<number>,
  opts: NpyWriteOptions = {},
): Uint8Array {
  const version = opts.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  const pad = 64 - ((pre + header.length + 1) % 64);
  header = `${header}${' '.repeat(pad % 64)}\n`;
  const size = Number(descr.slice(2));
  const body = new ArrayBuffer(values.length * size);
  const view = new DataView(body);
  const kind = descr.slice(1, 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const o = i * size;
    if (kind === 'f') size === 4 ? view.setFloat32(o, v, true) : view.setFloat64(o, v, true);
    else if (kind === 'b') view.setUint8(o, v ? 1 : 0);
    else if (size === 1) kind === 'u' ? view.setUint8(o, v) : view.setInt8(o, v);
    else if (size === 2) kind === 'u' ? view.setUint16(o, v, true) : view.setInt16(o, v, true);
    else if (size === 4) kind === 'u' ? view.setUint32(o, v, true) : view.setInt32(o, v, true);
    else view.setBigInt64(o, BigInt(v), true);
  }
  const out = new Uint8Array(pre + header.length + body.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(new Uint8Array(body), pre + header.length);
  return out;
}

/** Writes an .npy file (creating folders). */
export function writeNpy(
  path: string,
  descr: string,
  shape: number[],
  values: ArrayLike<number>,
  opts: NpyWriteOptions = {},
): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeNpy(descr, shape, values, opts));
}
