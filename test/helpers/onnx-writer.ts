/**
 * A minimal ONNX model encoder for tests: enough of the ModelProto protobuf (nodes, initializers, typed graph
 * inputs and outputs, int / float / ints attributes) to build tiny graphs without python.
 */

/** Element types the encoder writes, named as onnxruntime names them. */
export type OnnxType = 'float32' | 'uint8' | 'int32' | 'int64' | 'bool';

/** TensorProto.DataType codes. */
const TYPE_CODE: Record<OnnxType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9 };

/** A constant tensor (an initializer). */
export interface OnnxConstant {
  name: string;
  type: OnnxType;
  dims: number[];
  data: number[];
}

/** One node attribute: a single int, a single float or a list of ints. */
export type OnnxAttribute =
  | { name: string; int: number }
  | { name: string; float: number }
  | { name: string; ints: number[] };

/** One operator of the graph. */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
}

/** A typed graph input or output; a string dimension is symbolic. */
export interface OnnxValue {
  name: string;
  type: OnnxType;
  shape: (number | string)[];
}

/** A whole model: one graph in the default domain. */
export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers?: OnnxConstant[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  /** Default-domain opset (default 17). */
  opset?: number;
}

/** Bytes of a protobuf message, built field by field. */
class Proto {
  private readonly parts: number[] = [];

  private varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.parts.push(Number(x));
  }

  private key(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  /** A varint field (int32, int64, enum). */
  int(field: number, v: number): this {
    this.key(field, 0);
    this.varint(BigInt(v));
    return this;
  }

  /** A 32-bit float field. */
  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.parts.push(...b);
    return this;
  }

  /** A length-delimited field: bytes, a string or a nested message. */
  bytes(field: number, v: Uint8Array | string | Proto): this {
    const b = typeof v === 'string' ? new TextEncoder().encode(v) : v instanceof Proto ? v.finish() : v;
    this.key(field, 2);
    this.varint(BigInt(b.length));
    for (const x of b) this.parts.push(x);
    return this;
  }

  /** The encoded message. */
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Little-endian raw bytes of a tensor's values. */
function rawData(type: OnnxType, data: number[]): Uint8Array {
  if (type === 'float32') return new Uint8Array(Float32Array.from(data).buffer);
  if (type === 'int32') return new Uint8Array(Int32Array.from(data).buffer);
  if (type === 'int64') return new Uint8Array(BigInt64Array.from(data, (v) => BigInt(v)).buffer);
  return Uint8Array.from(data);
}

function tensorProto(t: OnnxConstant): Proto {
  const p = new Proto();
  for (const d of t.dims) p.int(1, d);
  return p.int(2, TYPE_CODE[t.type]).bytes(8, t.name).bytes(9, rawData(t.type, t.data));
}

function attributeProto(a: OnnxAttribute): Proto {
  const p = new Proto().bytes(1, a.name);
  if ('int' in a) return p.int(3, a.int).int(20, 2);
  if ('float' in a) return p.float(2, a.float).int(20, 1);
  for (const v of a.ints) p.int(8, v);
  return p.int(20, 7);
}

function nodeProto(n: OnnxNode, index: number): Proto {
  const p = new Proto();
  for (const i of n.inputs) p.bytes(1, i);
  for (const o of n.outputs) p.bytes(2, o);
  p.bytes(3, `${n.op.toLowerCase()}_${index}`).bytes(4, n.op);
  for (const a of n.attributes ?? []) p.bytes(5, attributeProto(a));
  return p;
}

function valueInfoProto(v: OnnxValue): Proto {
  const shape = new Proto();
  for (const d of v.shape)
    shape.bytes(1, typeof d === 'number' ? new Proto().int(1, d) : new Proto().bytes(2, d));
  const tensor = new Proto().int(1, TYPE_CODE[v.type]).bytes(2, shape);
  return new Proto().bytes(1, v.name).bytes(2, new Proto().bytes(1, tensor));
}

/** The ONNX file bytes of a one-graph model (IR version 8). */
export function encodeOnnxModel(g: OnnxGraph): Uint8Array {
  const graph = new Proto();
  for (const [i, n] of g.nodes.entries()) graph.bytes(1, nodeProto(n, i));
  graph.bytes(2, 'test_graph');
  for (const t of g.initializers ?? []) graph.bytes(5, tensorProto(t));
  for (const v of g.inputs) graph.bytes(11, valueInfoProto(v));
  for (const v of g.outputs) graph.bytes(12, valueInfoProto(v));
  const opset = new Proto().bytes(1, '').int(2, g.opset ?? 17);
  return new Proto().int(1, 8).bytes(2, 'clift-test').bytes(7, graph).bytes(8, opset).finish();
}
