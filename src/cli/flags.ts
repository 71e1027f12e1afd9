/** Parsing of command-line flag values shared by the commands. */

/** Parses an integer flag or explains what is wrong with it. */
export function intFlag(name: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min)
    throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return v;
}
