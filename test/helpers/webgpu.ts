/**
 * WebGPU for tests: points Vulkan at the SwiftShader software driver that Debian's chromium ships (unless
 * VK_ICD_FILENAMES is already set; Bookworm's own lavapipe is refused by Dawn), then tries to open the backend.
 * Must run before the first WebGPU backend is created (the driver is chosen when the device thread starts).
 */
import { existsSync } from 'node:fs';
import { type Backend, createBackend } from '../../src/kernels/index.ts';

/** The SwiftShader Vulkan driver manifest of Debian's chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Sets VK_ICD_FILENAMES to SwiftShader when unset and present. */
export function useSoftwareVulkan(): void {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}

/** A WebGPU backend, or the reason there is none; in CI a missing adapter is an error. */
export function openWebGpu(): { backend: Backend } | { skip: string } {
  useSoftwareVulkan();
  try {
    return { backend: createBackend({ kind: 'webgpu' }) };
  } catch (e) {
    if (process.env.CI) throw new Error(`CI: no WebGPU adapter (${(e as Error).message})`);
    return { skip: (e as Error).message };
  }
}
