/// <reference types="@webgpu/types" />
/**
 * The device thread over a message port, for browsers (and any other host with WebGPU and MessagePorts): a Worker
 * holding the GPU serves the calling thread's commands arriving on one port. The page creates this worker and the
 * one that trains, and joins them with a MessageChannel, so no worker has to start another while it blocks.
 * Browser-safe.
 */
import { adapterName, DeviceServer, openDevice } from './device-server.ts';
import type { Command } from './protocol.ts';
import type { SpawnDevice } from './webgpu-backend.ts';

/** The part of a MessagePort both ends use. */
export interface PortLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** Serves a device on `port`: the first message carries the control block, every later one a Command. */
export function serveDevicePort(port: PortLike, gpu: GPU | undefined): void {
  port.onmessage = (first) => {
    const { control } = first.data as { control: SharedArrayBuffer };
    port.onmessage = null;
    void start(port, gpu, control);
  };
}

async function start(port: PortLike, gpu: GPU | undefined, control: SharedArrayBuffer): Promise<void> {
  let server: DeviceServer;
  let name = '';
  try {
    if (!gpu) throw new Error('this browser has no WebGPU (navigator.gpu is undefined)');
    const { adapter, device } = await openDevice(gpu);
    name = adapterName(adapter);
    server = new DeviceServer(device, control);
  } catch (e) {
    DeviceServer.ready(control, e instanceof Error ? e.message : String(e));
    return;
  }
  let queue = Promise.resolve();
  port.onmessage = (event) => {
    const cmd = event.data as Command;
    queue = queue.then(() => server.handle(cmd));
  };
  DeviceServer.ready(control, null, name);
}

/** The calling thread's side: a SpawnDevice that talks to a device served on the other end of `port`. */
export function portDevice(port: PortLike): SpawnDevice {
  return (control) => {
    port.postMessage({ control });
    return { post: (cmd) => port.postMessage(cmd), terminate: () => port.close() };
  };
}
