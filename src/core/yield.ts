/** Lets timers and I/O run during long synchronous work (progress bars redraw, signals are handled). */

let last = 0;

/** Yields to the event loop if more than `everyMs` have passed since the last yield. */
export async function maybeYield(everyMs = 250): Promise<void> {
  const now = performance.now();
  if (now - last < everyMs) return;
  last = now;
  await new Promise<void>((resolve) => setImmediate(resolve));
}
