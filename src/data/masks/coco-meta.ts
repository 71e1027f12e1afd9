/** The `categories` and `images` lists of a COCO JSON: category names / thing flags, and image ids → file stems. */
import { SceneError } from '../errors.ts';
import type { SourceClass } from './class-map.ts';
import { asArray, asNumber, asObject, asString, describe, type Json, readJsonFile } from './json.ts';
import { fileStem } from './source.ts';

/** Category and image tables gathered from one or more COCO JSON objects. */
export interface CocoMeta {
  categories: Map<number, { name: string; thing?: boolean }>;
  /** Image id (as a string) → file stem. */
  images: Map<string, string>;
}

/** An empty table. */
export function emptyMeta(): CocoMeta {
  return { categories: new Map(), images: new Map() };
}

/** A COCO `isthing` flag (0 / 1 or a boolean), undefined when absent. */
export function readIsThing(v: unknown, file: string, field: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 0 || v === 1 || typeof v === 'boolean') return v === 1 || v === true;
  throw new SceneError(file, field, `must be 0, 1, true or false, got ${describe(v)}`);
}

/** An image id: an integer or a string. */
export function readImageId(v: unknown, file: string, field: string): string {
  if (typeof v === 'string' && v.length > 0) return v;
  return String(asNumber(v, file, field, true));
}

/** Adds the `categories` and `images` of a COCO JSON object to `meta`. */
export function addMeta(meta: CocoMeta, json: Json, file: string): void {
  if (json.categories !== undefined) {
    asArray(json.categories, file, 'categories').forEach((c, k) => {
      const o = asObject(c, file, `categories[${k}]`);
      const id = asNumber(o.id, file, `categories[${k}].id`, true);
      const thing = readIsThing(o.isthing, file, `categories[${k}].isthing`);
      meta.categories.set(id, {
        name: asString(o.name, file, `categories[${k}].name`),
        ...(thing === undefined ? {} : { thing }),
      });
    });
  }
  if (json.images !== undefined) {
    asArray(json.images, file, 'images').forEach((im, k) => {
      const o = asObject(im, file, `images[${k}]`);
      const id = readImageId(o.id, file, `images[${k}].id`);
      meta.images.set(id, fileStem(asString(o.file_name, file, `images[${k}].file_name`)));
    });
  }
}

/** Reads a `--meta` COCO JSON (an object with `categories` and / or `images`) into `meta`. */
export function addMetaFile(meta: CocoMeta, file: string): void {
  addMeta(meta, asObject(readJsonFile(file), file, 'top level'), file);
}

/** The source class of a category id (its name and thing flag when the tables know them). */
export function categoryClass(meta: CocoMeta, id: number, thing?: boolean): SourceClass {
  const cat = meta.categories.get(id);
  const flag = thing ?? cat?.thing;
  return { id, ...(cat ? { name: cat.name } : {}), ...(flag === undefined ? {} : { thing: flag }) };
}
