/**
 * The input/output contract of `clift segment2d --onnx`: one float32 image tensor [1,3,H,W] in, and
 * `masks` [N,H',W'] (or [N,1,H',W']), `scores` [N], `labels` [N] out. Checks a model's declared inputs and
 * outputs before anything runs, and each view's output tensors after it ran.
 */
import type { OrtSession, OrtTensor, OrtValueMetadata } from './onnx-runtime.ts';

/** The input name clift looks for when a model has more than one input. */
export const INPUT_NAME = 'images';

/** The output names the model must have. */
export const OUTPUT_NAMES = ['masks', 'scores', 'labels'] as const;
type OutputName = (typeof OUTPUT_NAMES)[number];

/** Accepted element types and ranks of each output. */
const OUTPUT_RULES: Record<OutputName, { types: string[]; ranks: number[]; shape: string }> = {
  masks: { types: ['float32', 'uint8', 'bool'], ranks: [3, 4], shape: '[N,H,W] or [N,1,H,W]' },
  scores: { types: ['float32'], ranks: [1], shape: '[N]' },
  labels: { types: ['int64', 'int32'], ranks: [1], shape: '[N]' },
};

/** The model input clift feeds, and its size when the model fixes it. */
export interface ModelInput {
  name: string;
  fixed: { w: number; h: number } | null;
}

/** One view's detections, as the model returned them. */
export interface Detections {
  n: number;
  /** Mask resolution. */
  mw: number;
  mh: number;
  /** n × mh × mw mask values: probabilities or logits (float32) or 0/1 (uint8, bool). */
  masks: Float32Array | Uint8Array;
  scores: Float32Array;
  labels: number[];
}

const list = (names: readonly string[]): string => (names.length ? names.join(', ') : 'none');

/** Checks the model's declared input and outputs against the contract; returns the input to feed. */
export function checkModelIo(session: OrtSession, file: string): ModelInput {
  const names = session.inputNames;
  const name = names.length === 1 ? names[0]! : names.includes(INPUT_NAME) ? INPUT_NAME : null;
  if (name === null) {
    throw new Error(
      `${file}: input "${INPUT_NAME}": missing; the model's inputs are ${list(names)} (clift feeds one float32 [1,3,H,W] image)`,
    );
  }
  const meta = session.inputMetadata.find((m) => m.name === name);
  const fixed = meta ? checkInputMeta(meta, file) : null;
  for (const out of OUTPUT_NAMES) {
    if (!session.outputNames.includes(out)) {
      throw new Error(
        `${file}: output "${out}": missing; the model's outputs are ${list(session.outputNames)} (clift needs ${OUTPUT_NAMES.join(', ')})`,
      );
    }
    const m = session.outputMetadata.find((x) => x.name === out);
    if (m) checkOutputMeta(m, out, file);
  }
  return { name, fixed };
}

function checkInputMeta(meta: OrtValueMetadata, file: string): ModelInput['fixed'] {
  const where = `${file}: input "${meta.name}"`;
  if (!meta.isTensor) throw new Error(`${where}: is not a tensor`);
  if (meta.type !== undefined && meta.type !== 'float32')
    throw new Error(`${where}: is ${meta.type}; clift feeds float32`);
  const shape = meta.shape ?? [];
  if (shape.length === 0) return null;
  if (shape.length !== 4)
    throw new Error(`${where}: has rank ${shape.length} ([${shape}]); clift feeds [1,3,H,W]`);
  const [n, c, h, w] = shape;
  if (typeof n === 'number' && n !== 1) throw new Error(`${where}: batch size is ${n}; clift feeds 1 image`);
  if (typeof c === 'number' && c !== 3) throw new Error(`${where}: has ${c} channels; clift feeds 3 (RGB)`);
  return typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0 ? { w, h } : null;
}

function checkOutputMeta(meta: OrtValueMetadata, out: OutputName, file: string): void {
  const rule = OUTPUT_RULES[out];
  const where = `${file}: output "${out}"`;
  if (!meta.isTensor) throw new Error(`${where}: is not a tensor`);
  if (meta.type !== undefined && !rule.types.includes(meta.type))
    throw new Error(`${where}: is ${meta.type}; must be ${rule.types.join(' or ')}`);
  const rank = meta.shape?.length ?? 0;
  if (rank > 0 && !rule.ranks.includes(rank))
    throw new Error(`${where}: has rank ${rank} ([${meta.shape}]); must be ${rule.shape}`);
}

/** One output tensor of a view, checked for type and rank. */
function output(outputs: Record<string, OrtTensor>, out: OutputName, where: string): OrtTensor {
  const t = outputs[out];
  const rule = OUTPUT_RULES[out];
  if (!t) throw new Error(`${where} "${out}": the model returned no such output`);
  if (!rule.types.includes(t.type))
    throw new Error(`${where} "${out}": is ${t.type}; must be ${rule.types.join(' or ')}`);
  if (!rule.ranks.includes(t.dims.length))
    throw new Error(`${where} "${out}": has shape [${t.dims}]; must be ${rule.shape}`);
  return t;
}

/** Reads and checks one view's `masks`, `scores` and `labels` (`where` names the model file and the view). */
export function readDetections(outputs: Record<string, OrtTensor>, where: string): Detections {
  const masks = output(outputs, 'masks', where);
  const scores = output(outputs, 'scores', where);
  const labels = output(outputs, 'labels', where);
  const d = masks.dims;
  const n = d[0]!;
  if (d.length === 4 && d[1] !== 1) throw new Error(`${where} "masks": has shape [${d}]; must be [N,1,H,W]`);
  if (scores.dims[0] !== n || labels.dims[0] !== n) {
    throw new Error(
      `${where}: "masks" has ${n} instances but "scores" has ${scores.dims[0]} and "labels" ${labels.dims[0]}`,
    );
  }
  const mh = d[d.length - 2]!;
  const mw = d[d.length - 1]!;
  if (n > 0 && (mh === 0 || mw === 0)) throw new Error(`${where} "masks": has shape [${d}], an empty mask`);
  const ids = Array.from(labels.data as ArrayLike<number | bigint>, Number);
  const s = scores.data as Float32Array;
  const bad = s.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${where} "scores": instance ${bad} has score ${s[bad]}`);
  return { n, mw, mh, masks: masks.data as Float32Array | Uint8Array, scores: s, labels: ids };
}
