import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readDepth, readInstances, readRgb, readSemantics } from '../src/data/maps.ts';
import { readScene } from '../src/data/read-scene.ts';
import { VOID_LABEL } from '../src/data/scene.ts';
import { pixelToCameraDir, transformDir } from '../src/rays/camera.ts';
import { skyColor } from '../src/synth/environment.ts';
import { generateScene } from '../src/synth/generate.ts';
import { linearToSrgb8, type Rgb } from '../src/synth/textures.ts';

const root = mkdtempSync(join(tmpdir(), 'clift-open-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('open_yard: old_room’s objects and cameras under a sky (no depth, ground-truth void, colour by direction)', async () => {
  const opts = { objects: 5, views: 8, size: 48, seed: 3, workers: 1 } as const;
  await generateScene({ ...opts, env: 'old_room', out: join(root, 'room') });
  await generateScene({ ...opts, env: 'open_yard', out: join(root, 'open') });
  const room = readScene(join(root, 'room'));
  const open = readScene(join(root, 'open'));
  const objects = (dir: string) => JSON.parse(readFileSync(join(dir, 'scene.json'), 'utf8')).objects;
  assert.deepEqual(objects(open.dir), objects(room.dir), 'same objects at the same poses');
  assert.deepEqual(open.aabb, room.aabb);
  const c: Rgb = [0, 0, 0];
  let sky = 0;
  let agree = 0;
  let objectPixels = 0;
  open.frames.forEach((f, i) => {
    const g = room.frames[i]!;
    assert.deepEqual(Array.from(f.c2w), Array.from(g.c2w), 'same cameras');
    const depth = readDepth(open, f);
    const sem = readSemantics(open, f, 'gt_semantic_file_path');
    const inst = readInstances(open, f, 'gt_instance_file_path');
    const roomInst = readInstances(room, g, 'gt_instance_file_path');
    const rgb = readRgb(open, f);
    for (let p = 0; p < depth.length; p++) {
      if (roomInst[p]! > 0) {
        objectPixels++;
        if (inst[p] === roomInst[p]) agree++;
      }
      if (depth[p]! > 0) {
        assert.notEqual(sem[p], VOID_LABEL, 'a surface pixel has a class');
        continue;
      }
      sky++;
      assert.equal(sem[p], VOID_LABEL, 'sky is void in the ground truth');
      assert.equal(inst[p], 0);
      const d = transformDir(
        f.c2w,
        pixelToCameraDir(f.intrinsics, p % f.intrinsics.w, Math.floor(p / f.intrinsics.w)),
      );
      const l = Math.hypot(d[0], d[1], d[2]);
      skyColor(d[0] / l, d[1] / l, d[2] / l, c);
      for (let k = 0; k < 3; k++)
        assert.equal(rgb[p * 3 + k], linearToSrgb8(c[k]!), 'the sky colour of the ray');
    }
  });
  assert.ok(sky > 0.02 * open.frames.length * 48 * 48, `${sky} sky pixels`);
  // The low walls hide nothing the room showed (the objects lie inside them).
  assert.ok(agree > 0.99 * objectPixels, `${agree} of ${objectPixels} object pixels agree`);
});
