/** Peak signal-to-noise ratio of 8-bit RGB images. */

/** PSNR in dB between two 8-bit images of equal length (Infinity when identical). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length)
    throw new Error(`psnr: images differ in size (${a.length} vs ${b.length} values)`);
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i]! - b[i]!) / 255;
    se += d * d;
  }
  const mse = se / a.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : -10 * Math.log10(mse);
}
