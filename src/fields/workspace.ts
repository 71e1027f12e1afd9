/** A growable scratch buffer in backend memory, reused from call to call. */
import type { Backend } from '../kernels/backend.ts';

/** A buffer that grows to the largest size asked for; views of it are valid until the next get. */
export class Workspace {
  private buf: Float32Array | null = null;

  constructor(private readonly backend: Backend) {}

  /** A view of at least n values (contents unspecified). */
  get(n: number): Float32Array {
    if (!this.buf || this.buf.length < n) {
      if (this.buf) this.backend.free(this.buf);
      this.buf = this.backend.alloc(Math.max(64, Math.ceil(n * 1.25)));
    }
    return this.buf.subarray(0, n);
  }
}
