/** Parsing of command-line flag values shared by the commands: strict integers and reals with ranges. */
import type { Command } from 'commander';
import { configureCompute, parseBackendChoice } from '../fields/compute.ts';
import { BACKEND_CHOICES } from '../kernels/index.ts';

/** Bounds of a numeric flag; `above` / `below` are exclusive, `min` / `max` inclusive. */
export interface FlagRange {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

const INT_TEXT = /^[+-]?\d+$/;
const REAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function rangeText(r: FlagRange): string {
  const lo = r.above !== undefined ? `> ${r.above}` : r.min !== undefined ? `≥ ${r.min}` : '';
  const hi = r.below !== undefined ? `< ${r.below}` : r.max !== undefined ? `≤ ${r.max}` : '';
  return [lo, hi].filter((s) => s).join(' and ');
}

function inRange(v: number, r: FlagRange): boolean {
  return (
    (r.min === undefined || v >= r.min) &&
    (r.max === undefined || v <= r.max) &&
    (r.above === undefined || v > r.above) &&
    (r.below === undefined || v < r.below)
  );
}

function numberFlag(kind: 'integer' | 'number', name: string, text: string, range: FlagRange): number {
  const ok = (kind === 'integer' ? INT_TEXT : REAL_TEXT).test(text.trim());
  const v = ok ? Number(text) : Number.NaN;
  if (!ok || !Number.isFinite(v) || (kind === 'integer' && !Number.isSafeInteger(v)) || !inRange(v, range)) {
    const r = rangeText(range);
    throw new Error(
      `--${name} must be ${kind === 'integer' ? 'an integer' : 'a number'}${r ? ` ${r}` : ''}, got "${text}"`,
    );
  }
  return v;
}

/** Parses an integer flag (digits only: "2.5", "1e3" and "abc" are refused) within a range. */
export function intFlag(name: string, text: string, range: FlagRange | number = {}): number {
  return numberFlag('integer', name, text, typeof range === 'number' ? { min: range } : range);
}

/** Parses a real-valued flag (decimal or exponent notation, finite) within a range. */
export function realFlag(name: string, text: string, range: FlagRange = {}): number {
  return numberFlag('number', name, text, range);
}

/** Parses a flag that is `auto` or a number within a range. */
export function autoOrReal(name: string, text: string, range: FlagRange = {}): number | 'auto' {
  return text === 'auto' ? 'auto' : realFlag(name, text, range);
}

/** Parses a flag that must be one of `choices`. */
export function choiceFlag<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text))
    throw new Error(`--${name} must be one of ${choices.join(', ')}, got "${text}"`);
  return text as T;
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
      `numeric kernels: ${BACKEND_CHOICES.join(', ')} (auto: native where built at install, else wasm; ts is the slow reference; webgpu runs on a GPU through WebGPU)`,
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

/** Appends an "Example" section to a command's help (every subcommand's help ends with one). */
export function addExamples(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText(
    'after',
    `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}`,
  );
}
