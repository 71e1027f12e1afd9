/**
 * Tiny ONNX models for the `segment2d --onnx` tests: mask k is "colour channel k > 0.5" (a steep sigmoid), with
 * constant scores and labels, plus variants that break the input/output contract in one way each.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  encodeOnnxModel,
  type OnnxConstant,
  type OnnxGraph,
  type OnnxNode,
  type OnnxValue,
} from './onnx-writer.ts';

/** Options of colourModel. */
export interface ColourModelOptions {
  scores: number[];
  labels: number[];
  /** Input H and W (default symbolic). */
  fixedSize?: number;
  /** Masks as [N,1,H,W] instead of [N,H,W]. */
  rank4?: boolean;
  /** Element type of `labels` (default int64). */
  labelType?: 'int64' | 'int32' | 'float32';
  /** Output names (default masks, scores, labels). */
  names?: [string, string, string];
}

/** A model whose three masks are the image's R, G and B channels above 0.5 (probabilities ≈ 0 or 1). */
export function colourModel(o: ColourModelOptions): OnnxGraph {
  const [masks, scores, labels] = o.names ?? ['masks', 'scores', 'labels'];
  const h = o.fixedSize ?? 'h';
  const w = o.fixedSize ?? 'w';
  const n = o.scores.length;
  const nodes: OnnxNode[] = [
    { op: 'Sub', inputs: ['images', 'half'], outputs: ['centred'] },
    { op: 'Mul', inputs: ['centred', 'gain'], outputs: ['steep'] },
    { op: 'Sigmoid', inputs: ['steep'], outputs: ['prob'] },
    o.rank4
      ? {
          op: 'Transpose',
          inputs: ['prob'],
          outputs: [masks],
          attributes: [{ name: 'perm', ints: [1, 0, 2, 3] }],
        }
      : { op: 'Squeeze', inputs: ['prob', 'axis0'], outputs: [masks] },
    { op: 'Identity', inputs: ['score_values'], outputs: [scores] },
    { op: 'Identity', inputs: ['label_values'], outputs: [labels] },
  ];
  const initializers: OnnxConstant[] = [
    { name: 'half', type: 'float32', dims: [], data: [0.5] },
    { name: 'gain', type: 'float32', dims: [], data: [50] },
    { name: 'score_values', type: 'float32', dims: [n], data: o.scores },
    { name: 'label_values', type: o.labelType ?? 'int64', dims: [o.labels.length], data: o.labels },
  ];
  if (!o.rank4) initializers.push({ name: 'axis0', type: 'int64', dims: [1], data: [0] });
  const maskShape = o.rank4 ? [3, 1, h, w] : [3, h, w];
  return {
    nodes,
    initializers,
    inputs: [{ name: 'images', type: 'float32', shape: [1, 3, h, w] }],
    outputs: [
      { name: masks, type: 'float32', shape: maskShape },
      { name: scores, type: 'float32', shape: [n] },
      { name: labels, type: o.labelType ?? 'int64', shape: [o.labels.length] },
    ],
  };
}

/** A model with constant outputs only (any shapes and types), fed by one input of the given type and shape. */
export function constantModel(
  outputs: OnnxConstant[],
  input: OnnxValue = { name: 'images', type: 'float32', shape: [1, 3, 'h', 'w'] },
): OnnxGraph {
  return {
    nodes: outputs.map((t) => ({ op: 'Identity', inputs: [`${t.name}_value`], outputs: [t.name] })),
    initializers: outputs.map((t) => ({ ...t, name: `${t.name}_value` })),
    inputs: [input],
    outputs: outputs.map((t) => ({ name: t.name, type: t.type, shape: t.dims })),
  };
}

/** Writes a model to `<dir>/<name>.onnx` and returns its path. */
export function writeModel(dir: string, name: string, graph: OnnxGraph): string {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, encodeOnnxModel(graph));
  return path;
}
