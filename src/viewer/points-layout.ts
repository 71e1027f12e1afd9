/**
 * The binary form of `/api/points`: a uint32 point count, then float32 xyz (3 a point), int32 instance ids
 * and uint8 rgb (3 a point), all little-endian and each section 4-byte aligned.
 */

/** The labelled points the page draws. */
export interface PackedPoints {
  xyz: Float32Array;
  instance: Int32Array;
  rgb: Uint8Array;
}

/** Bytes of a packed cloud of n points. */
function packedSize(n: number): number {
  return 4 + n * 12 + n * 4 + Math.ceil((n * 3) / 4) * 4;
}

/** Packs points into one buffer in the layout above. */
export function packPoints(points: PackedPoints): Uint8Array {
  const n = points.instance.length;
  if (points.xyz.length !== n * 3 || points.rgb.length !== n * 3) {
    throw new Error(
      `packPoints: ${n} instance ids but ${points.xyz.length / 3} positions / ${points.rgb.length / 3} colours`,
    );
  }
  const out = new Uint8Array(packedSize(n));
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true);
  let o = 4;
  for (let i = 0; i < n * 3; i++, o += 4) view.setFloat32(o, points.xyz[i]!, true);
  for (let i = 0; i < n; i++, o += 4) view.setInt32(o, points.instance[i]!, true);
  out.set(points.rgb, o);
  return out;
}

/** Reads a buffer written by packPoints; throws when its length does not fit its count. */
export function unpackPoints(buffer: ArrayBuffer): PackedPoints {
  if (buffer.byteLength < 4) throw new Error('points buffer is empty');
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  if (buffer.byteLength !== packedSize(n)) {
    throw new Error(
      `points buffer has ${buffer.byteLength} bytes, expected ${packedSize(n)} for ${n} points`,
    );
  }
  const xyz = new Float32Array(n * 3);
  const instance = new Int32Array(n);
  let o = 4;
  for (let i = 0; i < n * 3; i++, o += 4) xyz[i] = view.getFloat32(o, true);
  for (let i = 0; i < n; i++, o += 4) instance[i] = view.getInt32(o, true);
  const rgb = new Uint8Array(buffer, o, n * 3).slice();
  return { xyz, instance, rgb };
}
