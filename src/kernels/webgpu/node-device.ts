/**
 * Node entry of the WebGPU device thread: opens Dawn through the `webgpu` package and serves the calling
 * thread's commands (see device-server.ts). The object `create()` returns is kept in a module-level variable
 * until the device is destroyed: Dawn's Node binding crashes if it is garbage-collected while a device lives.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { create, globals } from 'webgpu';
import { adapterName, DeviceServer, openDevice } from './device-server.ts';
import type { Command } from './protocol.ts';

const control = (workerData as { control: SharedArrayBuffer }).control;
Object.assign(globalThis, globals);
/** Held for the device's lifetime (see the file comment). */
let gpu: GPU | null = create([]);

async function start(): Promise<void> {
  let server: DeviceServer;
  let name = '';
  try {
    const { adapter, device } = await openDevice(gpu as GPU);
    name = adapterName(adapter);
    server = new DeviceServer(device, control);
  } catch (e) {
    DeviceServer.ready(control, e instanceof Error ? e.message : String(e));
    gpu = null;
    return;
  }
  let queue = Promise.resolve();
  parentPort?.on('message', (cmd: Command) => {
    queue = queue.then(async () => {
      await server.handle(cmd);
      if (cmd.op === 'dispose') {
        gpu = null;
        parentPort?.close();
      }
    });
  });
  DeviceServer.ready(control, null, name);
}

await start();
