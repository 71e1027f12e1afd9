/**
 * The sample cache kept on disk beside a run's checkpoint (`samples.bin`), so a resumed run or a branch of it
 * reads the cache instead of rendering every training pixel again. The file carries a fingerprint of what the
 * cache was built from (geometry state, views, K, opacity floor); a file with another fingerprint is ignored.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ViewPixels } from '../data/training-views.ts';
import { syncParams } from '../fields/params.ts';
import { type CliftModel, labelMinOpacity, modelParts } from '../model/model.ts';
import type { SampleCache, SampleCacheStore } from './sample-cache.ts';

const MAGIC = 'CLIFTSC1';

/** Path of a run's sample-cache file. */
export function sampleCachePath(runDir: string): string {
  return join(runDir, 'samples.bin');
}

/** Fingerprint of everything a sample cache depends on: the geometry's state, the training views, K and the floor. */
export function sampleCacheKey(model: CliftModel, views: ViewPixels[], minOpacity: number): string {
  const h = createHash('sha256');
  const geometry = modelParts(model).geometry;
  syncParams(geometry, model.backend);
  for (const p of geometry)
    h.update(p.name).update(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  for (const [name, t] of model.geometry.stateTensors())
    h.update(name).update(new Uint8Array(t.buffer, t.byteOffset, t.byteLength));
  h.update(
    JSON.stringify({ k: model.k, minOpacity, norm: model.norm, meta: model.geometry.checkpointMeta() }),
  );
  for (const v of views) h.update(JSON.stringify([v.intrinsics, v.frame]));
  return h.digest('hex');
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
}

function readAll(fd: number, into: Uint8Array, path: string): void {
  for (let off = 0; off < into.length; ) {
    const n = readSync(fd, into, off, into.length - off, null);
    if (n === 0) throw new Error(`${path}: sample-cache file ends early`);
    off += n;
  }
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Writes a sample cache and its fingerprint atomically (temporary file + rename), one view at a time. */
export function writeSampleCache(path: string, cache: SampleCache, key: string): void {
  const header = new TextEncoder().encode(
    JSON.stringify({ key, k: cache.k, pixels: cache.views.map((v) => v.weight.length / cache.k) }),
  );
  const lead = new Uint8Array(Math.ceil((MAGIC.length + 4 + header.length) / 4) * 4);
  lead.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(lead.buffer).setUint32(MAGIC.length, header.length, true);
  lead.set(header, MAGIC.length + 4);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeAll(fd, lead);
    for (const v of cache.views) {
      writeAll(fd, bytesOf(v.xyz));
      writeAll(fd, bytesOf(v.weight));
    }
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Reads a sample-cache file; null when there is none or it was built from something else than `key`. */
export function readSampleCache(path: string, key: string): SampleCache | null {
  if (!existsSync(path)) return null;
  const fd = openSync(path, 'r');
  try {
    const lead = new Uint8Array(MAGIC.length + 4);
    readAll(fd, lead, path);
    if (new TextDecoder().decode(lead.subarray(0, MAGIC.length)) !== MAGIC)
      throw new Error(`${path}: not a clift sample-cache file`);
    const len = new DataView(lead.buffer).getUint32(MAGIC.length, true);
    const headerBytes = new Uint8Array(Math.ceil((MAGIC.length + 4 + len) / 4) * 4 - lead.length);
    readAll(fd, headerBytes, path);
    const header = JSON.parse(new TextDecoder().decode(headerBytes.subarray(0, len))) as {
      key: string;
      k: number;
      pixels: number[];
    };
    if (header.key !== key) return null;
    const views = header.pixels.map((n) => {
      const xyz = new Float32Array(n * header.k * 3);
      const weight = new Float32Array(n * header.k);
      readAll(fd, bytesOf(xyz), path);
      readAll(fd, bytesOf(weight), path);
      return { xyz, weight };
    });
    return { k: header.k, views };
  } finally {
    closeSync(fd);
  }
}

/**
 * The store of a run's sample cache: reads the run's own file, else the one of the run it branched from (and links
 * that into the run, so the branch's own resume finds it); saves into the run when `keep` is set. The key of
 * the model's geometry and views is taken once, when the cache is first needed (the geometry is final by then).
 */
export function sampleCacheStore(
  runDir: string,
  model: CliftModel,
  views: ViewPixels[],
  opts: { branchFrom?: string; keep: boolean },
): SampleCacheStore {
  const own = sampleCachePath(runDir);
  const { branchFrom } = opts;
  let memo: string | undefined;
  const keyOnce = () => {
    memo ??= sampleCacheKey(model, views, labelMinOpacity(model));
    return memo;
  };
  return {
    load() {
      const k = keyOnce();
      const mine = readSampleCache(own, k);
      if (mine || !branchFrom) return mine;
      const theirs = sampleCachePath(branchFrom);
      const cache = readSampleCache(theirs, k);
      if (cache) linkOrSkip(theirs, own);
      return cache;
    },
    save(cache) {
      if (opts.keep) writeSampleCache(own, cache, keyOnce());
    },
  };
}

/** Hard-links a file (no copy of gigabytes); where links are not possible the run simply keeps none. */
function linkOrSkip(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    // Another file system: the branch reads its base's file again on a resume.
  }
}
