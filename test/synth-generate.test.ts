import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { readDepth, readInstances, readRgb, readSemantics } from '../src/data/maps.ts';
import { readScene } from '../src/data/read-scene.ts';
import type { Frame, Scene } from '../src/data/scene.ts';
import { invertRigid, projectWorldPoint, unprojectPixel } from '../src/rays/camera.ts';
import { generateScene } from '../src/synth/generate.ts';
import { focalPixels } from '../src/synth/layout.ts';

const OPTS = { objects: 5, views: 6, size: 64, env: 'old_room', seed: 7 } as const;
const root = mkdtempSync(join(tmpdir(), 'clift-synth-'));
const dirA = join(root, 'a');

before(async () => {
  await generateScene({ ...OPTS, out: dirA, workers: 1 });
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Every file under dir, as relative path → bytes. */
function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/**
 * Reprojects every object pixel of each view into every other view with depth, poses and intrinsics;
 * among pixels that land on a surface at the predicted depth (mutually visible), the fraction whose GT
 * ids agree. `flipV` mirrors the target view's rows, a deliberately wrong convention.
 */
function reprojectionAgreement(scene: Scene, flipV = false): { agree: number; compared: number } {
  const maps = scene.frames.map((f) => ({
    depth: readDepth(scene, f),
    id: readInstances(scene, f, 'gt_instance_file_path'),
    w2c: invertRigid(f.c2w),
  }));
  let agree = 0;
  let compared = 0;
  for (const fi of scene.frames) {
    for (const fj of scene.frames) {
      if (fi === fj) continue;
      const a = maps[fi.index]!;
      const b = maps[fj.index]!;
      const { w, h } = fi.intrinsics;
      for (let v = 0; v < h; v++) {
        for (let u = 0; u < w; u++) {
          const i = v * w + u;
          const z = a.depth[i]!;
          if (z <= 0 || a.id[i] === 0) continue;
          const p = projectWorldPoint(fj, b.w2c, unprojectPixel(fi, u, v, z));
          const uj = Math.floor(p.px);
          const vj = flipV ? h - 1 - Math.floor(p.py) : Math.floor(p.py);
          if (p.depth <= 0 || uj < 0 || vj < 0 || uj >= w || vj >= h) continue;
          if (Math.abs(b.depth[vj * w + uj]! - p.depth) > 0.005 + 0.01 * p.depth) continue;
          compared++;
          if (a.id[i] === b.id[vj * w + uj]) agree++;
        }
      }
    }
  }
  return { agree, compared };
}

test('readScene accepts a generated scene, with GT maps, splits and the generator keys', () => {
  const scene = readScene(dirA);
  assert.equal(scene.frames.length, 6);
  assert.deepEqual(
    scene.frames.map((f: Frame) => f.split),
    ['train', 'train', 'train', 'train', 'train', 'test'],
  );
  assert.deepEqual(
    scene.classes.map((c) => [c.id, c.name, c.thing]),
    [
      [0, 'background', false],
      [1, 'object', true],
    ],
  );
  const intr = scene.frames[0]!.intrinsics;
  assert.equal(intr.w, 64);
  assert.ok(Math.abs(intr.fx - focalPixels(35 * Math.sqrt(5 / 25), 64)) < 1e-9);
  assert.ok(scene.aabb !== null);
  assert.equal((scene.raw.generator as { objects: number }).objects, 5);
  const meta = JSON.parse(readFileSync(join(dirA, 'scene.json'), 'utf8')) as { objects: { id: number }[] };
  assert.deepEqual(
    meta.objects.map((o) => o.id),
    [1, 2, 3, 4, 5],
  );
  const seen = new Set<number>();
  for (const f of scene.frames) {
    assert.equal(f.maps.instance_file_path, undefined, 'no segmenter maps from generateScene');
    const inst = readInstances(scene, f, 'gt_instance_file_path');
    const sem = readSemantics(scene, f, 'gt_semantic_file_path');
    const depth = readDepth(scene, f);
    const rgb = readRgb(scene, f);
    assert.equal(rgb.length, 64 * 64 * 3);
    for (let i = 0; i < inst.length; i++) {
      assert.ok(inst[i]! <= 5);
      assert.equal(sem[i], inst[i]! > 0 ? 1 : 0, 'semantic is 1 exactly on object pixels');
      assert.ok(depth[i]! > 0, 'every ray hits the closed room');
      seen.add(inst[i]!);
    }
  }
  assert.ok(seen.size >= 4, `objects should be visible; saw ids ${[...seen]}`);
});

test('GT ids agree on >= 98 % of mutually visible pixels when depth is reprojected between views', () => {
  const scene = readScene(dirA);
  const { agree, compared } = reprojectionAgreement(scene);
  assert.ok(compared > 1000, `too few mutually visible object pixels: ${compared}`);
  assert.ok(agree / compared >= 0.98, `agreement ${(agree / compared).toFixed(4)}`);
  const wrong = reprojectionAgreement(scene, true);
  assert.ok(wrong.agree < 0.5 * agree, 'a mirrored row convention must break the agreement');
});

test('same seed gives byte-identical files whatever the worker count; another seed differs', async () => {
  const dirB = join(root, 'b');
  await generateScene({ ...OPTS, out: dirB, workers: 2 });
  const a = filesOf(dirA);
  const b = filesOf(dirB);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [name, bytes] of a) assert.ok(bytes.equals(b.get(name)!), `${name} differs`);

  const dirC = join(root, 'c');
  await generateScene({ ...OPTS, seed: 8, out: dirC, workers: 1 });
  const c = filesOf(dirC);
  assert.ok(!a.get('images/0000.png')!.equals(c.get('images/0000.png')!));
  assert.ok(!a.get('scene.json')!.equals(c.get('scene.json')!));
});
