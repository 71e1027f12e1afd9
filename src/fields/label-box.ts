/** The input box of the semantic and instance MLPs: grid coordinates mapped so the objects span [−1, 1]³. */

/** The box label fields take as [−1, 1]³ input: centre and half extent per axis, in grid coordinates. */
export interface LabelBox {
  center: [number, number, number];
  half: [number, number, number];
}

/** Maps n grid-coordinate points into label-box coordinates, in place. */
export function toLabelBox(box: LabelBox, xyz: Float32Array, n: number): Float32Array {
  for (let i = 0; i < n; i++)
    for (let k = 0; k < 3; k++) xyz[i * 3 + k] = (xyz[i * 3 + k]! - box.center[k]!) / box.half[k]!;
  return xyz;
}
