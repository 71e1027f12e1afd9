/** Progress reporting shared by long-running library functions; the CLI turns it into a bar. */

/** Called with work done so far, the total, and an optional short status text. */
export type ProgressFn = (done: number, total: number, status?: string) => void;

/** A progress callback that does nothing. */
export const noProgress: ProgressFn = () => {};
