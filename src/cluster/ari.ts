/** Adjusted Rand index between two labelings of the same points (every distinct label, -1 included, is a group). */

/** Adjusted Rand index of labelings a and b: 1 for identical partitions, about 0 for unrelated ones. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`labelings differ in length: ${n} vs ${b.length}`);
  if (n < 2) return 1;
  const ia = denseIds(a);
  const ib = denseIds(b);
  const pairs = (c: number): number => (c * (c - 1)) / 2;
  const rowCount = new Float64Array(ia.count);
  const colCount = new Float64Array(ib.count);
  const cells = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const x = ia.ids[i]!;
    const y = ib.ids[i]!;
    rowCount[x] = rowCount[x]! + 1;
    colCount[y] = colCount[y]! + 1;
    const key = x * ib.count + y;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  let sumCells = 0;
  for (const c of cells.values()) sumCells += pairs(c);
  let sumRows = 0;
  for (const c of rowCount) sumRows += pairs(c);
  let sumCols = 0;
  for (const c of colCount) sumCols += pairs(c);
  const expected = (sumRows * sumCols) / pairs(n);
  const max = (sumRows + sumCols) / 2;
  if (max === expected) return 1; // both partitions are one group, or both all singletons
  return (sumCells - expected) / (max - expected);
}

/** Maps arbitrary labels to 0..count-1 in order of first appearance. */
function denseIds(labels: ArrayLike<number>): { ids: Int32Array; count: number } {
  const map = new Map<number, number>();
  const ids = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    let id = map.get(l);
    if (id === undefined) {
      id = map.size;
      map.set(l, id);
    }
    ids[i] = id;
  }
  return { ids, count: map.size };
}
