/** The object list of a labelled cloud: per clift instance id its class, point count and extent. */
import type { ClassInfo, ObjectInfo } from './api-types.ts';

/** The labels of a point cloud the object list is built from. */
export interface LabelledCloud {
  xyz: Float32Array;
  instance: Int32Array;
  semantic?: Int32Array;
}

interface Accumulator {
  points: number;
  min: [number, number, number];
  max: [number, number, number];
  classes: Map<number, number>;
}

/** The name of class `id`, or a placeholder when the scene does not list it. */
export function className(classes: readonly ClassInfo[], id: number | null): string {
  if (id === null) return 'unknown';
  return classes.find((c) => c.id === id)?.name ?? `class ${id}`;
}

/** The most frequent key of a count map (the smallest key on ties), or null when it is empty. */
function majority(counts: Map<number, number>): number | null {
  let best: number | null = null;
  let bestCount = -1;
  for (const [key, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && key < best)) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}

/**
 * One entry per instance id > 0 found in the cloud or in `viewsPerId` (ids seen only in views get no points),
 * sorted by id; `viewsPerId` counts the views each id is visible in.
 */
export function summariseObjects(
  cloud: LabelledCloud,
  classes: readonly ClassInfo[],
  viewsPerId: ReadonlyMap<number, number> = new Map(),
): ObjectInfo[] {
  const acc = new Map<number, Accumulator>();
  const n = cloud.instance.length;
  for (let i = 0; i < n; i++) {
    const id = cloud.instance[i]!;
    if (id <= 0) continue;
    let a = acc.get(id);
    if (!a) {
      a = {
        points: 0,
        min: [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
        max: [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
        classes: new Map(),
      };
      acc.set(id, a);
    }
    a.points++;
    for (let k = 0; k < 3; k++) {
      const v = cloud.xyz[i * 3 + k]!;
      if (v < a.min[k]!) a.min[k] = v;
      if (v > a.max[k]!) a.max[k] = v;
    }
    if (cloud.semantic) {
      const c = cloud.semantic[i]!;
      a.classes.set(c, (a.classes.get(c) ?? 0) + 1);
    }
  }
  const ids = new Set<number>([...acc.keys(), ...[...viewsPerId.keys()].filter((id) => id > 0)]);
  return [...ids]
    .sort((a, b) => a - b)
    .map((id): ObjectInfo => {
      const a = acc.get(id);
      const classId = a ? majority(a.classes) : null;
      return {
        id,
        classId,
        className: className(classes, classId),
        points: a?.points ?? 0,
        size: a ? ([0, 1, 2].map((k) => a.max[k]! - a.min[k]!) as [number, number, number]) : null,
        center: a ? ([0, 1, 2].map((k) => (a.max[k]! + a.min[k]!) / 2) as [number, number, number]) : null,
        views: viewsPerId.get(id) ?? 0,
      };
    });
}
