/**
 * Checkpoint files (a JSON header plus named float32 tensors, written atomically: temporary file + rename) and the
 * part of one that holds a model's state.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../data/png.ts';
import type { LabelBox } from '../fields/label-box.ts';
import { markParamsWritten, type Param, syncParams } from '../fields/params.ts';
import type { Backend } from '../kernels/backend.ts';
import { type CliftModel, modelParts } from './model.ts';

const MAGIC = 'CLIFTCK1';

/** A checkpoint's contents: JSON-serialisable metadata and named tensors. */
export interface Checkpoint {
  meta: Record<string, unknown>;
  tensors: Map<string, Float32Array>;
}

/** Serialises a checkpoint to bytes. */
export function encodeCheckpoint(ck: Checkpoint): Uint8Array {
  const index: { name: string; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, t] of ck.tensors) {
    index.push({ name, offset, length: t.length });
    offset += t.length;
  }
  const header = new TextEncoder().encode(JSON.stringify({ meta: ck.meta, tensors: index }));
  const headerPadded = Math.ceil((MAGIC.length + 4 + header.length) / 4) * 4;
  const out = new Uint8Array(headerPadded + offset * 4);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  out.set(header, MAGIC.length + 4);
  const body = new Float32Array(out.buffer, headerPadded, offset);
  for (const { name, offset: o } of index) body.set(ck.tensors.get(name)!, o);
  return out;
}

/** Parses checkpoint bytes; throws naming `source` when they are not a checkpoint. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw new Error(`${source}: not a clift checkpoint`);
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + len)),
  ) as {
    meta: Record<string, unknown>;
    tensors: { name: string; offset: number; length: number }[];
  };
  const start = Math.ceil((MAGIC.length + 4 + len) / 4) * 4;
  const body = new Float32Array(bytes.slice(start).buffer);
  const tensors = new Map<string, Float32Array>();
  for (const t of header.tensors) tensors.set(t.name, body.slice(t.offset, t.offset + t.length));
  return { meta: header.meta, tensors };
}

/** Writes a checkpoint file atomically. */
export function saveCheckpoint(path: string, ck: Checkpoint): void {
  writeFileAtomic(path, encodeCheckpoint(ck));
}

/** Reads a checkpoint file, or null when it does not exist. */
export function loadCheckpoint(path: string): Checkpoint | null {
  if (!existsSync(path)) return null;
  return decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
}

/** A model's parameters and geometry state as checkpoint tensors and metadata (optimiser state is not included). */
export function modelCheckpoint(model: CliftModel): Checkpoint {
  const tensors = new Map<string, Float32Array>();
  const parts = modelParts(model);
  const params = [...parts.geometry, ...parts.semantic, ...parts.instance];
  syncParams(params, model.backend);
  for (const p of params) tensors.set(p.name, p.data);
  for (const [k, t] of model.geometry.stateTensors()) tensors.set(k, t);
  return {
    meta: {
      ...model.geometry.checkpointMeta(),
      normalization: model.norm,
      classes: model.classes,
      labelBox: model.labelBox,
    },
    tensors,
  };
}

/** Which label heads to take from a checkpoint (the geometry is always taken). */
export interface TakeParts {
  semantic: boolean;
  instance: boolean;
}

/** Loads a checkpoint's model state into a model built with the same config; throws naming `source` on mismatch. */
export function loadModelState(
  model: CliftModel,
  ck: Checkpoint,
  source: string,
  take: TakeParts = { semantic: true, instance: true },
): void {
  if (ck.meta.classes !== model.classes)
    throw new Error(
      `${source}: the checkpoint has ${String(ck.meta.classes)} semantic outputs but the model has ${model.classes}`,
    );
  model.geometry.loadState(ck.tensors, ck.meta, source);
  const parts = modelParts(model);
  restoreParams(
    [...parts.geometry, ...(take.semantic ? parts.semantic : []), ...(take.instance ? parts.instance : [])],
    ck.tensors,
    source,
    model.backend,
  );
  if (ck.meta.labelBox) model.labelBox = ck.meta.labelBox as LabelBox;
}

function restoreParams(
  params: Param[],
  tensors: Map<string, Float32Array>,
  source: string,
  backend: Backend,
): void {
  for (const p of params) {
    const t = tensors.get(p.name);
    if (!t || t.length !== p.data.length)
      throw new Error(`${source}: tensor ${p.name} missing or of the wrong size`);
    p.data.set(t);
  }
  markParamsWritten(params, backend);
}
