/** Parsing of command-line flag values shared by the commands. */
import type { Command } from 'commander';
import { configureCompute, parseBackendChoice } from '../fields/compute.ts';
import { BACKEND_CHOICES } from '../kernels/index.ts';

/** Parses an integer flag or explains what is wrong with it. */
export function intFlag(name: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min)
    throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return v;
}

/** The numeric-backend flags of commands that train or render: --backend and --threads. */
export interface BackendFlags {
  backend?: string;
  threads?: string;
}

/** Adds --backend and --threads to a command. */
export function addBackendOptions(cmd: Command): Command {
  return cmd
    .option(
      '--backend <kind>',
      `numeric kernels: ${BACKEND_CHOICES.join(', ')} (auto: native where built at install, else wasm; ts is the slow reference)`,
      'auto',
    )
    .option('--threads <n>', 'threads per kernel call (default: cores, at most 4)');
}

/** Selects the process's backend from the flags (threads from the flag, else `defaultThreads`). */
export function applyBackendFlags(flags: BackendFlags, defaultThreads?: number): void {
  const threads = flags.threads !== undefined ? intFlag('threads', flags.threads, 1) : defaultThreads;
  configureCompute({
    kind: parseBackendChoice(flags.backend ?? 'auto', '--backend'),
    ...(threads !== undefined ? { threads } : {}),
  });
}
