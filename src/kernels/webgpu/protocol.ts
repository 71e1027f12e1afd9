/**
 * Messages between the calling thread (webgpu-backend.ts) and the device thread (device-server.ts), and the
 * layout of the shared control block the caller blocks on. Browser-safe.
 */

/** A view into a host buffer: buffer id, element offset and length. */
export interface BufRef {
  readonly id: number;
  readonly off: number;
  readonly len: number;
}

/** A buffer argument: a reference index, a tuple of them (VM planes / lines), or absent. */
export type BufArg = number | readonly number[] | null;

/** One kernel call (or a control request) sent to the device thread. */
export interface Command {
  readonly seq: number;
  /** A kernel name, or 'ping' (round trip only), 'sync' (downloads only) or 'dispose'. */
  readonly op: string;
  /** New host buffers since the last command: id → shared memory holding the host mirror. */
  readonly added: readonly { readonly id: number; readonly memory: SharedArrayBuffer }[];
  /** Buffers freed by the host since the last command. */
  readonly freed: readonly number[];
  readonly refs: readonly BufRef[];
  readonly bufs: Readonly<Record<string, BufArg>>;
  readonly scalars: Readonly<Record<string, number | boolean | undefined>>;
  /** Device ranges to zero before the uploads (resident views the host zeroed: no transfer needed). */
  readonly clears: readonly BufRef[];
  /** Host-mirror ranges to copy to the device before the kernel runs. */
  readonly uploads: readonly BufRef[];
  /**
   * Device ranges to copy back into the host mirrors after it ran; the caller is woken once they are there. With
   * none, it is woken as soon as the kernel is submitted (the GPU may still be running it).
   */
  readonly downloads: readonly BufRef[];
}

/** Int32 slots of the control block. */
export const CTL = {
  /** Sequence number of the last finished command (0 = device ready or failed to start). */
  done: 0,
  /** 0 = ok, 1 = the command failed (message in the text area). */
  status: 1,
  /** Bytes of the message. */
  textBytes: 2,
  /** Byte offset and capacity of the message. */
  textOffset: 64,
  textCapacity: 4032,
  /** Whole control block in bytes. */
  bytes: 4096,
} as const;

/** The startup handshake's sequence number. */
export const READY_SEQ = 0;

/**
 * Writes a finished command's status into the control block and wakes the caller; the text is the error, or on
 * success an optional note (the startup handshake sends the adapter's name).
 */
export function signal(control: SharedArrayBuffer, seq: number, error: string | null, note = ''): void {
  const ctl = new Int32Array(control, 0, 16);
  const text = new TextEncoder().encode(error ?? note).subarray(0, CTL.textCapacity);
  new Uint8Array(control, CTL.textOffset, CTL.textCapacity).set(text);
  Atomics.store(ctl, CTL.textBytes, text.length);
  Atomics.store(ctl, CTL.status, error === null ? 0 : 1);
  Atomics.store(ctl, CTL.done, seq);
  Atomics.notify(ctl, CTL.done);
}

/** The text of the last signal (error or note). */
export function readText(control: SharedArrayBuffer): string {
  const n = Atomics.load(new Int32Array(control, 0, 16), CTL.textBytes);
  return new TextDecoder().decode(new Uint8Array(control, CTL.textOffset, n).slice());
}

/** The error text of the last command, or null when it succeeded. */
export function readError(control: SharedArrayBuffer): string | null {
  return Atomics.load(new Int32Array(control, 0, 16), CTL.status) === 0 ? null : readText(control);
}
