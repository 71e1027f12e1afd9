/**
 * Model label ids → the scene's semantic classes for `clift segment2d --onnx`: a JSON object
 * `{ "<label id>": "<class name>" }`; without one every detection takes the scene's first thing class.
 */
import { readFileSync } from 'node:fs';
import { fsError } from '../core/fs-error.ts';
import type { Scene, SemanticClass } from '../data/scene.ts';

/** The scene class of a model label, or null when the detection is dropped. */
export type LabelToClass = (label: number) => SemanticClass | null;

const LABEL_KEY = /^[+-]?\d+$/;

/** Reads a class-map file, checking every key is an integer and every value a class of the scene. */
export function readClassMap(path: string, classes: readonly SemanticClass[]): Map<number, SemanticClass> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fsError(path, 'read the class map', e);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`${path}: must be a JSON object of model label id → scene class name`);
  const byName = new Map(classes.map((c) => [c.name, c]));
  const out = new Map<number, SemanticClass>();
  for (const [key, name] of Object.entries(json)) {
    if (!LABEL_KEY.test(key)) throw new Error(`${path}: key "${key}": must be an integer model label id`);
    if (typeof name !== 'string') throw new Error(`${path}: "${key}": must be a class name (a string)`);
    const cls = byName.get(name);
    if (!cls) {
      throw new Error(
        `${path}: "${key}": class "${name}" is not in the scene's semantic_classes (${[...byName.keys()].join(', ')})`,
      );
    }
    out.set(Number(key), cls);
  }
  return out;
}

/** The label → class rule: the map's entries (other labels dropped), or the first thing class for every label. */
export function labelClasses(scene: Scene, map: Map<number, SemanticClass> | null): LabelToClass {
  if (map) return (label) => map.get(label) ?? null;
  const thing = scene.classes.find((c) => c.thing);
  if (!thing) {
    throw new Error(
      `${scene.transformsPath}: semantic_classes: no thing class to give the model's detections; map its labels with --class-map`,
    );
  }
  return () => thing;
}
