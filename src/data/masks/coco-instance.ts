/**
 * COCO instance results: a JSON list of detections (or an object with `annotations`, and optionally `images`
 * and `categories`), each with `image_id` or `file_name`, `category_id`, `segmentation` (RLE — compressed string
 * or run-length list — or polygons) and `score`. Image ids name views through an `images` list when one is given,
 * else they are taken as the view names themselves.
 */
import { SceneError } from '../errors.ts';
import { addMeta, type CocoMeta, categoryClass, readImageId } from './coco-meta.ts';
import { asNumber, asObject, isJsonObject, readJsonFile } from './json.ts';
import { maskPixels, type SourceMask } from './merge.ts';
import { decodeSegmentation } from './segmentation.ts';
import { fileStem, type MaskSource } from './source.ts';

interface Detection {
  field: string;
  category: number;
  score: number;
  segmentation: unknown;
}

/** The view a detection belongs to: its `file_name` stem, or its image id through the images table. */
function viewName(d: Record<string, unknown>, file: string, field: string, meta: CocoMeta): string {
  if (typeof d.file_name === 'string' && d.file_name.length > 0) return fileStem(d.file_name);
  if (d.image_id === undefined) throw new SceneError(file, `${field}.image_id`, 'missing (and no file_name)');
  const id = readImageId(d.image_id, file, `${field}.image_id`);
  return meta.images.get(id) ?? id;
}

/** Opens a COCO instance-results JSON (plus the categories / images of `meta`). */
export function openCocoInstance(file: string, meta: CocoMeta): MaskSource {
  const json = readJsonFile(file);
  let list: unknown;
  let prefix = '';
  if (isJsonObject(json)) {
    addMeta(meta, json, file);
    list = json.annotations;
    prefix = 'annotations';
  } else list = json;
  if (!Array.isArray(list)) {
    throw new SceneError(
      file,
      prefix || 'top level',
      'must be a list of detections (or an object with "annotations")',
    );
  }
  const views = new Map<string, Detection[]>();
  list.forEach((entry, k) => {
    const field = `${prefix}[${k}]`;
    const d = asObject(entry, file, field);
    const name = viewName(d, file, field, meta);
    const category = asNumber(d.category_id, file, `${field}.category_id`, true);
    const score = d.score === undefined ? 1 : asNumber(d.score, file, `${field}.score`);
    if (d.segmentation === undefined) throw new SceneError(file, `${field}.segmentation`, 'missing');
    const det: Detection = { field, category, score, segmentation: d.segmentation };
    const group = views.get(name);
    if (group) group.push(det);
    else views.set(name, [det]);
  });
  return {
    names: [...views.keys()],
    uncovered: 'background',
    read(name, frame) {
      const masks: SourceMask[] = views.get(name)!.map((d) => ({
        pixels: maskPixels(
          decodeSegmentation(d.segmentation, file, `${d.field}.segmentation`, frame, 'polygons'),
        ),
        score: d.score,
        label: categoryClass(meta, d.category),
      }));
      return { file, masks };
    },
  };
}
