/**
 * COCO panoptic: a JSON with `annotations[]` (`file_name` of the view's PNG, `segments_info[]` with `id`,
 * `category_id`, optional `isthing` and `score`) and one RGB PNG per view whose pixels hold segment ids
 * R + 256·G + 256²·B (0 = unlabelled). The PNGs are in the folder named like the JSON without `.json` when it
 * exists, else next to the JSON.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadImage } from '../convert/common.ts';
import { SceneError } from '../errors.ts';
import type { SourceClass } from './class-map.ts';
import { addMeta, type CocoMeta, categoryClass, readIsThing } from './coco-meta.ts';
import { asArray, asNumber, asObject, asString, readJsonFile } from './json.ts';
import type { SourceMask } from './merge.ts';
import { type FrameSize, sizeError } from './segmentation.ts';
import { fileStem, type MaskSource } from './source.ts';

interface Segment {
  label: SourceClass;
  score: number;
}

interface PanopticView {
  png: string;
  field: string;
  segments: Map<number, Segment>;
}

/** The folder holding a panoptic JSON's PNGs. */
function pngFolder(json: string): string {
  const named = json.replace(/\.json$/i, '');
  return named !== json && existsSync(named) && statSync(named).isDirectory() ? named : dirname(json);
}

function readView(ann: unknown, k: number, file: string, meta: CocoMeta, dir: string): PanopticView {
  const where = `annotations[${k}]`;
  const a = asObject(ann, file, where);
  const png = join(dir, asString(a.file_name, file, `${where}.file_name`));
  const segments = new Map<number, Segment>();
  asArray(a.segments_info, file, `${where}.segments_info`).forEach((s, j) => {
    const f = `${where}.segments_info[${j}]`;
    const o = asObject(s, file, f);
    const id = asNumber(o.id, file, `${f}.id`, true);
    if (id <= 0 || id >= 256 ** 3)
      throw new SceneError(file, `${f}.id`, `must be in 1..${256 ** 3 - 1}, got ${id}`);
    if (segments.has(id)) throw new SceneError(file, `${f}.id`, `segment id ${id} is listed twice`);
    const category = asNumber(o.category_id, file, `${f}.category_id`, true);
    const thing = readIsThing(o.isthing, file, `${f}.isthing`);
    const score = o.score === undefined ? 1 : asNumber(o.score, file, `${f}.score`);
    segments.set(id, { label: categoryClass(meta, category, thing), score });
  });
  return { png, field: `${where}.segments_info`, segments };
}

/** A view's segment ids per pixel, from its RGB-encoded PNG (checked for size and listed ids). */
function segmentIds(view: PanopticView, frame: FrameSize): Int32Array {
  const img = loadImage(view.png, 'panoptic PNG');
  if (img.width !== frame.w || img.height !== frame.h)
    throw sizeError(view.png, 'panoptic PNG', img.width, img.height, frame);
  if (img.channels < 3 || img.depth !== 8) {
    throw new SceneError(
      view.png,
      'panoptic PNG',
      `must be 8-bit RGB, has ${img.channels} channel(s) of ${img.depth} bits`,
    );
  }
  const ids = new Int32Array(frame.w * frame.h);
  for (let i = 0; i < ids.length; i++) {
    const p = i * img.channels;
    const id = img.data[p]! + 256 * img.data[p + 1]! + 65536 * img.data[p + 2]!;
    if (id !== 0 && !view.segments.has(id)) {
      throw new SceneError(
        view.png,
        view.field,
        `pixel ${i % frame.w},${Math.floor(i / frame.w)} holds segment id ${id}, which segments_info does not list`,
      );
    }
    ids[i] = id;
  }
  return ids;
}

/** The masks of one panoptic view: each listed segment with at least one pixel. */
function readPanopticPng(view: PanopticView, frame: FrameSize): SourceMask[] {
  const ids = segmentIds(view, frame);
  const area = new Map<number, number>();
  for (const id of ids) if (id !== 0) area.set(id, (area.get(id) ?? 0) + 1);
  const slots = new Map<number, { list: Int32Array; fill: number }>();
  for (const [id, count] of area) slots.set(id, { list: new Int32Array(count), fill: 0 });
  for (let i = 0; i < ids.length; i++) {
    const slot = slots.get(ids[i]!);
    if (slot) slot.list[slot.fill++] = i;
  }
  const masks: SourceMask[] = [];
  for (const [id, seg] of view.segments) {
    const slot = slots.get(id);
    if (slot) masks.push({ pixels: slot.list, score: seg.score, label: seg.label });
  }
  return masks;
}

/** Opens a COCO panoptic JSON (plus the categories / images of `meta`). */
export function openCocoPanoptic(file: string, meta: CocoMeta): MaskSource {
  const json = asObject(readJsonFile(file), file, 'top level');
  addMeta(meta, json, file);
  const dir = pngFolder(file);
  const views = new Map<string, PanopticView>();
  asArray(json.annotations, file, 'annotations').forEach((ann, k) => {
    const view = readView(ann, k, file, meta, dir);
    const name = fileStem(view.png);
    if (views.has(name))
      throw new SceneError(file, `annotations[${k}].file_name`, `a second annotation for "${name}"`);
    views.set(name, view);
  });
  return {
    names: [...views.keys()],
    uncovered: 'void',
    read(name, frame) {
      const view = views.get(name)!;
      return { file: view.png, masks: readPanopticPng(view, frame) };
    },
  };
}
