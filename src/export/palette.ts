/** Deterministic colours for instance ids: the same id gets the same colour in every view and every file. */

/** An 8-bit RGB colour. */
export type Rgb = readonly [number, number, number];

/** The colour of "no instance" (id 0, and negative ids such as noise labels). */
export const NO_INSTANCE: Rgb = [0, 0, 0];

const GOLDEN = 0.618_033_988_749_894_9;
// Saturation and value cycle with coprime periods (3 and 4) while the hue walks by the golden ratio,
// so neighbouring ids differ in hue and ids with similar hues usually differ in shade.
const SATURATIONS = [0.9, 0.55, 0.75];
const VALUES = [0.95, 0.7, 0.85, 0.6];

/** Converts hue, saturation, value (all in [0, 1]) to 8-bit RGB. */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const h6 = (((h % 1) + 1) % 1) * 6;
  const sector = Math.floor(h6);
  const f = h6 - sector;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][sector % 6]!;
  return [Math.round(r! * 255), Math.round(g! * 255), Math.round(b! * 255)];
}

/** The colour of instance `id`: black for ids ≤ 0 (none), otherwise a distinct bright colour. */
export function instanceColor(id: number): [number, number, number] {
  if (!(id > 0)) return [0, 0, 0];
  const n = Math.floor(id);
  const hue = (0.07 + n * GOLDEN) % 1;
  return hsvToRgb(hue, SATURATIONS[n % 3]!, VALUES[n % 4]!);
}
