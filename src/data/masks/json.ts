/** Reading a segmenter's JSON files: parse errors and wrong field types name the file and the field. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fsError } from '../../core/fs-error.ts';
import { SceneError } from '../errors.ts';

/** A JSON object. */
export type Json = Record<string, unknown>;

/** Parses a JSON file, or a SceneError naming it. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw fsError(file, 'read', e);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SceneError(file, basename(file), `not valid JSON (${(e as Error).message})`);
  }
}

/** Whether a value is a (non-array) JSON object. */
export function isJsonObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value as a JSON object, or a SceneError naming the field. */
export function asObject(v: unknown, file: string, field: string): Json {
  if (!isJsonObject(v)) throw new SceneError(file, field, `must be an object, got ${describe(v)}`);
  return v;
}

/** The value as an array, or a SceneError naming the field. */
export function asArray(v: unknown, file: string, field: string): unknown[] {
  if (!Array.isArray(v)) throw new SceneError(file, field, `must be an array, got ${describe(v)}`);
  return v;
}

/** The value as a finite number (an integer when `integer`), or a SceneError naming the field. */
export function asNumber(v: unknown, file: string, field: string, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isSafeInteger(v))) {
    throw new SceneError(
      file,
      field,
      `must be ${integer ? 'an integer' : 'a finite number'}, got ${describe(v)}`,
    );
  }
  return v;
}

/** The value as a non-empty string, or a SceneError naming the field. */
export function asString(v: unknown, file: string, field: string): string {
  if (typeof v !== 'string' || v.length === 0)
    throw new SceneError(file, field, `must be a non-empty string, got ${describe(v)}`);
  return v;
}

/** A short description of a JSON value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isJsonObject(v)) return 'an object';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
