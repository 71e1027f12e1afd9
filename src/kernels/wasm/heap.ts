/** A first-fit allocator for tensors inside one (shared) WasmMemory, growing it on demand. */
import type { WasmMemory } from './wasm-api.ts';

const PAGE = 65536;
const ALIGN = 64;

/** Bytes reserved for a request of `bytes`. */
function blockSize(bytes: number): number {
  return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
}

/** Free block [start, start + size) in bytes. */
interface Block {
  start: number;
  size: number;
}

/** Byte-level heap over a WasmMemory, handing out typed-array views. */
export class Heap {
  private readonly free: Block[] = [];
  private readonly used = new Map<number, number>();
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top: number;

  /** Manages memory from byte `base` (rounded up to ALIGN) to the end of the memory, growing as needed. */
  constructor(
    private readonly memory: WasmMemory,
    base: number,
    private readonly maxBytes: number,
  ) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.buffers.add(memory.buffer);
    const end = memory.buffer.byteLength;
    if (end > this.top) this.free.push({ start: this.top, size: end - this.top });
  }

  /** Bytes currently handed out. */
  get usedBytes(): number {
    let s = 0;
    for (const size of this.used.values()) s += size;
    return s;
  }

  /** Allocates `bytes` (aligned to 64) and returns the byte offset. Zero-fills the block. */
  allocBytes(bytes: number): number {
    const size = blockSize(bytes);
    let idx = this.free.findIndex((b) => b.size >= size);
    if (idx < 0) {
      this.grow(size);
      idx = this.free.findIndex((b) => b.size >= size);
    }
    const block = this.free[idx]!;
    const ptr = block.start;
    if (block.size === size) this.free.splice(idx, 1);
    else {
      block.start += size;
      block.size -= size;
    }
    this.used.set(ptr, size);
    new Uint8Array(this.memory.buffer, ptr, size).fill(0);
    return ptr;
  }

  /** Returns a block to the free list (merging neighbours); unknown offsets or a wrong length are ignored. */
  freeBytes(ptr: number, bytes?: number): void {
    const size = this.used.get(ptr);
    if (size === undefined || (bytes !== undefined && blockSize(bytes) !== size)) return;
    this.used.delete(ptr);
    let i = 0;
    while (i < this.free.length && this.free[i]!.start < ptr) i++;
    this.free.splice(i, 0, { start: ptr, size });
    const next = this.free[i + 1];
    if (next && ptr + size === next.start) {
      this.free[i]!.size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.start + prev.size === ptr) {
      prev.size += this.free[i]!.size;
      this.free.splice(i, 1);
    }
  }

  /** A Float32Array view of n floats at ptr. */
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** An Int32Array view of n ints at ptr. */
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** Whether a typed array is a view into this heap's memory. */
  owns(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer);
  }

  private grow(need: number): void {
    const cur = this.memory.buffer.byteLength;
    const last = this.free[this.free.length - 1];
    const tailFree = last && last.start + last.size === cur ? last.size : 0;
    const want = Math.max(need - tailFree, Math.ceil(cur / 4));
    const pages = Math.ceil(Math.min(want, this.maxBytes - cur) / PAGE);
    if (pages <= 0 || tailFree + pages * PAGE < need) {
      throw new RangeError(
        `backend memory exhausted: need ${need} more bytes, ${cur} of ${this.maxBytes} in use (raise maxMemoryMiB)`,
      );
    }
    this.memory.grow(pages);
    this.buffers.add(this.memory.buffer);
    const added = pages * PAGE;
    if (tailFree > 0) last!.size += added;
    else this.free.push({ start: cur, size: added });
  }
}
