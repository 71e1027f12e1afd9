// Browser worker holding the GPU for the WebGPU smoke test: serves the port the page hands it.
import { type PortLike, serveDevicePort } from '../../../src/kernels/webgpu/port-device.ts';

const scope = globalThis as unknown as {
  onmessage: ((e: { data: { port: PortLike } }) => void) | null;
  navigator: { gpu?: GPU };
};
scope.onmessage = (e) => serveDevicePort(e.data.port, scope.navigator.gpu);
