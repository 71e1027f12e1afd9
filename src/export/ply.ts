/** Labelled point clouds as PLY files: xyz, optional colour, and integer `instance` / `semantic` ids. */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../data/png.ts';

/** Points with optional per-point colour and labels; all arrays hold one entry (or 3) per point. */
export interface PlyPoints {
  xyz: Float32Array;
  rgb?: Uint8Array;
  instance?: Int32Array | Uint16Array;
  semantic?: Uint16Array | Int32Array;
}

/** Points read back from a PLY file; labels come back as Int32Array. */
export interface PlyCloud {
  xyz: Float32Array;
  rgb?: Uint8Array;
  instance?: Int32Array;
  semantic?: Int32Array;
}

/** Options for writePly. */
export interface PlyWriteOptions {
  /** Write the text form instead of binary little-endian (default false). */
  ascii?: boolean;
}

type ScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const TYPE_ALIASES: Record<string, ScalarType> = {
  char: 'int8',
  int8: 'int8',
  uchar: 'uint8',
  uint8: 'uint8',
  short: 'int16',
  int16: 'int16',
  ushort: 'uint16',
  uint16: 'uint16',
  int: 'int32',
  int32: 'int32',
  uint: 'uint32',
  uint32: 'uint32',
  float: 'float32',
  float32: 'float32',
  double: 'float64',
  float64: 'float64',
};

const TYPE_SIZES: Record<ScalarType, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

interface Property {
  name: string;
  type: ScalarType;
  plyType: string;
}

/** The vertex properties written for a point set, in file order. */
function propertiesOf(points: PlyPoints): Property[] {
  const props: Property[] = ['x', 'y', 'z'].map((name) => ({ name, type: 'float32', plyType: 'float' }));
  if (points.rgb) {
    for (const name of ['red', 'green', 'blue']) props.push({ name, type: 'uint8', plyType: 'uchar' });
  }
  if (points.instance) props.push({ name: 'instance', type: 'int32', plyType: 'int' });
  if (points.semantic) props.push({ name: 'semantic', type: 'int32', plyType: 'int' });
  return props;
}

/** The value of property `name` for point i. */
function propertyValue(points: PlyPoints, name: string, i: number): number {
  switch (name) {
    case 'x':
      return points.xyz[i * 3]!;
    case 'y':
      return points.xyz[i * 3 + 1]!;
    case 'z':
      return points.xyz[i * 3 + 2]!;
    case 'red':
      return points.rgb![i * 3]!;
    case 'green':
      return points.rgb![i * 3 + 1]!;
    case 'blue':
      return points.rgb![i * 3 + 2]!;
    case 'instance':
      return points.instance![i]!;
    default:
      return points.semantic![i]!;
  }
}

/** Shortest decimal text that reads back as the same 32-bit float. */
function float32Text(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  for (let p = 1; p < 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return String(candidate);
  }
  return String(v);
}

/** Writes points as a PLY file: binary little-endian by default, ASCII on request. */
export function writePly(path: string, points: PlyPoints, opts: PlyWriteOptions = {}): void {
  if (points.xyz.length % 3 !== 0) throw new Error(`xyz length ${points.xyz.length} is not a multiple of 3`);
  const n = points.xyz.length / 3;
  if (points.rgb && points.rgb.length !== n * 3)
    throw new Error(`rgb has ${points.rgb.length} values for ${n} points`);
  if (points.instance && points.instance.length !== n)
    throw new Error(`instance has ${points.instance.length} values for ${n} points`);
  if (points.semantic && points.semantic.length !== n)
    throw new Error(`semantic has ${points.semantic.length} values for ${n} points`);
  const props = propertiesOf(points);
  const ascii = opts.ascii ?? false;
  const header = [
    'ply',
    `format ${ascii ? 'ascii' : 'binary_little_endian'} 1.0`,
    'comment clift labelled point cloud',
    `element vertex ${n}`,
    ...props.map((p) => `property ${p.plyType} ${p.name}`),
    'end_header',
    '',
  ].join('\n');

  if (ascii) {
    const lines: string[] = [header];
    for (let i = 0; i < n; i++) {
      lines.push(
        `${props.map((p) => (p.type === 'float32' ? float32Text(propertyValue(points, p.name, i)) : String(propertyValue(points, p.name, i)))).join(' ')}\n`,
      );
    }
    writeFileAtomic(path, lines.join(''));
    return;
  }
  const headerBytes = new TextEncoder().encode(header);
  const stride = props.reduce((sum, p) => sum + TYPE_SIZES[p.type], 0);
  const bytes = new Uint8Array(headerBytes.length + n * stride);
  bytes.set(headerBytes, 0);
  const view = new DataView(bytes.buffer);
  let o = headerBytes.length;
  for (let i = 0; i < n; i++) {
    for (const p of props) {
      o = writeScalar(view, o, p.type, propertyValue(points, p.name, i), true);
    }
  }
  writeFileAtomic(path, bytes);
}

/** Writes one binary scalar at offset o and returns the offset after it. */
function writeScalar(view: DataView, o: number, type: ScalarType, v: number, le: boolean): number {
  switch (type) {
    case 'int8':
      view.setInt8(o, v);
      break;
    case 'uint8':
      view.setUint8(o, v);
      break;
    case 'int16':
      view.setInt16(o, v, le);
      break;
    case 'uint16':
      view.setUint16(o, v, le);
      break;
    case 'int32':
      view.setInt32(o, v, le);
      break;
    case 'uint32':
      view.setUint32(o, v, le);
      break;
    case 'float32':
      view.setFloat32(o, v, le);
      break;
    case 'float64':
      view.setFloat64(o, v, le);
      break;
  }
  return o + TYPE_SIZES[type];
}

/** Reads one binary scalar at offset o. */
function readScalar(view: DataView, o: number, type: ScalarType, le: boolean): number {
  switch (type) {
    case 'int8':
      return view.getInt8(o);
    case 'uint8':
      return view.getUint8(o);
    case 'int16':
      return view.getInt16(o, le);
    case 'uint16':
      return view.getUint16(o, le);
    case 'int32':
      return view.getInt32(o, le);
    case 'uint32':
      return view.getUint32(o, le);
    case 'float32':
      return view.getFloat32(o, le);
    case 'float64':
      return view.getFloat64(o, le);
  }
}

interface PlyHeader {
  format: 'ascii' | 'binary_little_endian' | 'binary_big_endian';
  count: number;
  props: Property[];
  /** Byte offset where the vertex data starts. */
  dataStart: number;
}

/** Parses the header; the vertex element must come first and hold only scalar properties. */
function parseHeader(bytes: Uint8Array, path: string): PlyHeader {
  const marker = 'end_header';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 65536)));
  const at = head.indexOf(marker);
  if (!head.startsWith('ply') || at < 0) throw new Error(`${path}: not a PLY file`);
  const eol = head.indexOf('\n', at);
  if (eol < 0) throw new Error(`${path}: PLY header is not terminated`);
  let format: PlyHeader['format'] | null = null;
  let count = -1;
  const props: Property[] = [];
  let element = '';
  for (const raw of head.slice(0, at).split('\n')) {
    const words = raw.trim().split(/\s+/);
    if (words[0] === 'format') {
      const f = words[1];
      if (f !== 'ascii' && f !== 'binary_little_endian' && f !== 'binary_big_endian') {
        throw new Error(`${path}: unknown PLY format "${f}"`);
      }
      format = f;
    } else if (words[0] === 'element') {
      if (element === '' && words[1] !== 'vertex')
        throw new Error(`${path}: the first PLY element must be vertex`);
      element = words[1]!;
      if (element === 'vertex') count = Number(words[2]);
    } else if (words[0] === 'property' && element === 'vertex') {
      if (words[1] === 'list') throw new Error(`${path}: list properties on vertices are not supported`);
      const type = TYPE_ALIASES[words[1]!];
      if (!type) throw new Error(`${path}: unknown PLY property type "${words[1]}"`);
      props.push({ name: words[2]!, type, plyType: words[1]! });
    }
  }
  if (!format) throw new Error(`${path}: PLY header has no format line`);
  if (!Number.isInteger(count) || count < 0) throw new Error(`${path}: PLY header has no vertex count`);
  return { format, count, props, dataStart: eol + 1 };
}

/** Reads the vertices of a PLY file (binary or ASCII) with x/y/z, optional red/green/blue, instance and semantic. */
export function readPly(path: string): PlyCloud {
  const bytes = readFileSync(path);
  const h = parseHeader(bytes, path);
  const n = h.count;
  const values = h.props.map(() => new Float64Array(n));
  if (h.format === 'ascii') {
    const text = new TextDecoder('latin1').decode(bytes.subarray(h.dataStart));
    const tokens = text.split(/\s+/).filter((t) => t.length > 0);
    if (tokens.length < n * h.props.length) throw new Error(`${path}: PLY file ends early`);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < h.props.length; k++) values[k]![i] = Number(tokens[i * h.props.length + k]);
    }
  } else {
    const le = h.format === 'binary_little_endian';
    const stride = h.props.reduce((sum, p) => sum + TYPE_SIZES[p.type], 0);
    if (bytes.length < h.dataStart + n * stride) throw new Error(`${path}: PLY file ends early`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let o = h.dataStart;
    for (let i = 0; i < n; i++) {
      h.props.forEach((p, k) => {
        values[k]![i] = readScalar(view, o, p.type, le);
        o += TYPE_SIZES[p.type];
      });
    }
  }
  const column = (name: string): Float64Array | undefined =>
    values[h.props.findIndex((p) => p.name === name)];
  const [x, y, z] = [column('x'), column('y'), column('z')];
  if (!x || !y || !z) throw new Error(`${path}: PLY vertices need x, y and z`);
  const cloud: PlyCloud = { xyz: new Float32Array(n * 3) };
  for (let i = 0; i < n; i++) {
    cloud.xyz[i * 3] = x[i]!;
    cloud.xyz[i * 3 + 1] = y[i]!;
    cloud.xyz[i * 3 + 2] = z[i]!;
  }
  const [red, green, blue] = [column('red'), column('green'), column('blue')];
  if (red && green && blue) {
    cloud.rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      cloud.rgb[i * 3] = red[i]!;
      cloud.rgb[i * 3 + 1] = green[i]!;
      cloud.rgb[i * 3 + 2] = blue[i]!;
    }
  }
  const instance = column('instance');
  if (instance) cloud.instance = Int32Array.from(instance);
  const semantic = column('semantic');
  if (semantic) cloud.semantic = Int32Array.from(semantic);
  return cloud;
}
