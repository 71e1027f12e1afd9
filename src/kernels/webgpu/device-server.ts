/// <reference types="@webgpu/types" />
/**
 * The device thread: owns the GPUDevice, one device buffer per host buffer, and runs kernel calls. Host buffers
 * are shared memory (the host mirror); a call uploads the views it touches, records the kernel, copies the views
 * it writes into a staging buffer, waits for the map and writes them back into the host mirror before it
 * signals the caller. Browser-safe: it needs a GPU object and a message source, nothing from Node.
 */
import { type Bound, GPU_OPS, type GpuArgs, GpuKernels, type GpuOp } from './gpu-kernels.ts';
import { type Command, READY_SEQ, signal } from './protocol.ts';
import { mergeRanges } from './ranges.ts';

/** Limits the kernels need beyond the WebGPU defaults' guarantees (checked against the adapter). */
export const REQUIRED_LIMITS = {
  maxStorageBuffersPerShaderStage: 6,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupStorageSize: 8192,
} as const;

interface DeviceBuffer {
  readonly memory: SharedArrayBuffer;
  readonly gpu: GPUBuffer;
}

/** Limits an adapter falls short of, as "name (has X, needs Y)". */
export function missingLimits(limits: GPUSupportedLimits): string[] {
  const out: string[] = [];
  for (const [name, need] of Object.entries(REQUIRED_LIMITS)) {
    const has = (limits as unknown as Record<string, number>)[name] ?? 0;
    if (has < need) out.push(`${name} (has ${has}, needs ${need})`);
  }
  return out;
}

/** Requests an adapter and a device with the limits the kernels need; throws a clear message otherwise. */
export async function openDevice(gpu: GPU): Promise<{ adapter: GPUAdapter; device: GPUDevice }> {
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter found');
  const missing = missingLimits(adapter.limits);
  if (missing.length > 0) throw new Error(`the WebGPU adapter lacks limits: ${missing.join(', ')}`);
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return { adapter, device };
}

/** "vendor architecture (description)" of an adapter, e.g. "google swiftshader (SwiftShader driver 5.0.0)". */
export function adapterName(adapter: GPUAdapter): string {
  const i = adapter.info;
  return `${i.vendor} ${i.architecture}${i.description ? ` (${i.description})` : ''}`.trim();
}

/** Runs Commands against one device; `handle` resolves when the command's results are in the host mirrors. */
export class DeviceServer {
  private readonly buffers = new Map<number, DeviceBuffer>();
  private readonly kernels: GpuKernels;
  private staging: GPUBuffer | null = null;

  /** Serves kernel calls on `device`, signalling completion through the shared control block. */
  constructor(
    private readonly device: GPUDevice,
    private readonly control: SharedArrayBuffer,
  ) {
    this.kernels = new GpuKernels(device);
  }

  /** Tells the caller the device is ready, with the adapter's name (or why it is not). */
  static ready(control: SharedArrayBuffer, error: string | null, adapterName = ''): void {
    signal(control, READY_SEQ, error, adapterName);
  }

  /** Runs one command and signals the caller (with the error text if it failed). */
  async handle(cmd: Command): Promise<void> {
    let error: string | null = null;
    try {
      await this.run(cmd);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    signal(this.control, cmd.seq, error);
  }

  /** Frees every device buffer and the device. */
  dispose(): void {
    for (const b of this.buffers.values()) b.gpu.destroy();
    this.buffers.clear();
    this.staging?.destroy();
    this.device.destroy();
  }

  private async run(cmd: Command): Promise<void> {
    for (const id of cmd.freed) {
      this.buffers.get(id)?.gpu.destroy();
      this.buffers.delete(id);
    }
    for (const { id, memory } of cmd.added) {
      const size = Math.max(16, Math.ceil(memory.byteLength / 4) * 4);
      const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      this.buffers.set(id, { memory, gpu: this.device.createBuffer({ size, usage }) });
    }
    if (cmd.op === 'ping') return;
    if (cmd.op === 'dispose') {
      this.dispose();
      return;
    }
    const kernel = cmd.op !== 'sync';
    if (kernel && !(GPU_OPS as readonly string[]).includes(cmd.op))
      throw new Error(`no WebGPU kernel ${cmd.op}`);
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    // Clears go in a submission of their own: queue writes (the uploads) run before any later submission's
    // commands, and a host write after a zero must land on top of it.
    if (cmd.clears.length > 0) this.clear(mergeRanges(cmd.clears));
    for (const [id, ranges] of mergeRanges(cmd.uploads)) this.upload(id, ranges);
    const enc = this.device.createCommandEncoder();
    if (kernel) this.kernels.record(cmd.op as GpuOp, this.resolve(cmd), enc);
    const copies = this.copyOut(mergeRanges(cmd.downloads), enc);
    this.device.queue.submit([enc.finish()]);
    const oom = await this.device.popErrorScope();
    const invalid = await this.device.popErrorScope();
    const failure = oom ?? invalid;
    if (failure) throw new Error(`WebGPU ${cmd.op}: ${failure.message}`);
    if (copies.length > 0) await this.readBack(copies);
    this.kernels.release();
  }

  /** Zeroes device ranges (element ranges [lo, hi) per buffer id) in one submission. */
  private clear(ranges: Map<number, [number, number][]>): void {
    const enc = this.device.createCommandEncoder();
    for (const [id, list] of ranges)
      for (const [lo, hi] of list) enc.clearBuffer(this.buffer(id).gpu, lo * 4, (hi - lo) * 4);
    this.device.queue.submit([enc.finish()]);
  }

  /** Uploads host-mirror ranges of buffer `id` (element ranges [lo, hi)). */
  private upload(id: number, ranges: readonly [number, number][]): void {
    const b = this.buffer(id);
    for (const [lo, hi] of ranges) {
      // writeBuffer does not take shared memory: copy the range into a plain buffer first.
      const data = new Uint8Array(b.memory, lo * 4, (hi - lo) * 4).slice();
      this.device.queue.writeBuffer(b.gpu, lo * 4, data);
    }
  }

  /** Records copies of the written ranges into the staging buffer; returns where each one lands. */
  private copyOut(written: Map<number, [number, number][]>, enc: GPUCommandEncoder) {
    const copies: { memory: SharedArrayBuffer; lo: number; hi: number; at: number }[] = [];
    let total = 0;
    for (const [id, ranges] of written)
      for (const [lo, hi] of ranges) {
        copies.push({ memory: this.buffer(id).memory, lo, hi, at: total });
        total += (hi - lo) * 4;
      }
    if (total === 0) return copies;
    if (!this.staging || this.staging.size < total) {
      this.staging?.destroy();
      const size = Math.max(total, (this.staging?.size ?? 0) * 2, 1 << 16);
      this.staging = this.device.createBuffer({
        size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    }
    const staging = this.staging;
    let k = 0;
    for (const [id, ranges] of written)
      for (const [lo, hi] of ranges) {
        enc.copyBufferToBuffer(this.buffer(id).gpu, lo * 4, staging, copies[k++]!.at, (hi - lo) * 4);
      }
    return copies;
  }

  /** Waits for the staging buffer and writes the copied ranges back into the host mirrors. */
  private async readBack(copies: { memory: SharedArrayBuffer; lo: number; hi: number; at: number }[]) {
    const staging = this.staging;
    if (!staging) return;
    const last = copies[copies.length - 1]!;
    const total = last.at + (last.hi - last.lo) * 4;
    await staging.mapAsync(GPUMapMode.READ, 0, total);
    const bytes = new Uint8Array(staging.getMappedRange(0, total));
    for (const c of copies)
      new Uint8Array(c.memory, c.lo * 4, (c.hi - c.lo) * 4).set(
        bytes.subarray(c.at, c.at + (c.hi - c.lo) * 4),
      );
    staging.unmap();
  }

  /** The command's buffer arguments as device buffers with element offsets. */
  private resolve(cmd: Command): GpuArgs {
    const bound = (r: number): Bound => {
      const ref = cmd.refs[r]!;
      return { buffer: this.buffer(ref.id).gpu, off: ref.off };
    };
    const bufs: Record<string, Bound | readonly Bound[] | null> = {};
    for (const [name, arg] of Object.entries(cmd.bufs)) {
      if (arg === null) bufs[name] = null;
      else if (typeof arg === 'number') bufs[name] = bound(arg);
      else bufs[name] = arg.map(bound);
    }
    return { bufs, scalars: cmd.scalars };
  }

  private buffer(id: number): DeviceBuffer {
    const b = this.buffers.get(id);
    if (!b) throw new Error(`unknown device buffer ${id}`);
    return b;
  }
}
