/**
 * Mapping a segmenter's classes onto the scene's `semantic_classes`: a JSON object from a source class name or
 * category id (as a string) to a scene class name, or to null to drop those masks; "*" catches every other class.
 */
import { SceneError } from '../errors.ts';
import type { SemanticClass } from '../scene.ts';
import { asObject, describe, readJsonFile } from './json.ts';

/** A segmenter's class of one mask: its name and/or category id, and whether the segmenter calls it a thing. */
export interface SourceClass {
  name?: string;
  id?: number;
  thing?: boolean;
}

/** The key that matches every class the map does not name. */
export const ANY_CLASS = '*';

/** A class map read from its file: each key's scene class, or null for "drop these masks". */
export interface ClassMap {
  file: string;
  entries: Map<string, SemanticClass | null>;
}

function classNames(classes: readonly SemanticClass[]): string {
  return classes.map((c) => c.name).join(', ');
}

/** Reads a class map file, refusing a target class the scene does not list (naming the key and the class). */
export function readClassMap(file: string, classes: readonly SemanticClass[]): ClassMap {
  const json = asObject(readJsonFile(file), file, 'class map');
  const byName = new Map(classes.map((c) => [c.name, c]));
  const entries = new Map<string, SemanticClass | null>();
  for (const [key, target] of Object.entries(json)) {
    if (target === null) {
      entries.set(key, null);
      continue;
    }
    if (typeof target !== 'string')
      throw new SceneError(file, `"${key}"`, `must be a scene class name or null, got ${describe(target)}`);
    const cls = byName.get(target);
    if (!cls) {
      throw new SceneError(
        file,
        `"${key}"`,
        `target class "${target}" is not in the scene's semantic_classes (${classNames(classes)})`,
      );
    }
    entries.set(key, cls);
  }
  return { file, entries };
}

function sourceText(src: SourceClass): string {
  if (src.name !== undefined && src.id !== undefined) return `category ${src.id} ("${src.name}")`;
  if (src.name !== undefined) return `class "${src.name}"`;
  if (src.id !== undefined) return `category ${src.id}`;
  return 'masks without a class';
}

/** Resolves source classes to scene classes, by a class map or, without one, by name and thing / stuff. */
export class ClassResolver {
  private readonly firstThing: SemanticClass | undefined;
  private readonly firstStuff: SemanticClass | undefined;
  private readonly byName: Map<string, SemanticClass>;

  constructor(
    private readonly classes: readonly SemanticClass[],
    private readonly map: ClassMap | null,
  ) {
    this.firstThing = classes.find((c) => c.thing);
    this.firstStuff = classes.find((c) => !c.thing);
    this.byName = new Map(classes.map((c) => [c.name, c]));
  }

  /** The scene class of a source class (null: drop the mask); `where` names the file that holds the mask. */
  resolve(src: SourceClass, where: string): SemanticClass | null {
    if (this.map) return this.fromMap(this.map, src, where);
    const named = src.name !== undefined ? this.byName.get(src.name) : undefined;
    if (named) return named;
    const cls = src.thing === false ? this.firstStuff : this.firstThing;
    if (!cls) {
      throw new SceneError(
        where,
        sourceText(src),
        `the scene has no ${src.thing === false ? 'stuff' : 'thing'} class to put it in (${classNames(this.classes)}); give --class-map`,
      );
    }
    return cls;
  }

  private fromMap(map: ClassMap, src: SourceClass, where: string): SemanticClass | null {
    for (const key of [src.name, src.id === undefined ? undefined : String(src.id), ANY_CLASS]) {
      if (key !== undefined && map.entries.has(key)) return map.entries.get(key)!;
    }
    throw new SceneError(
      map.file,
      sourceText(src),
      `no entry for it (found in ${where}) and no "${ANY_CLASS}" entry`,
    );
  }
}
