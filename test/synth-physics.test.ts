import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { invertRigid, projectWorldPoint } from '../src/rays/camera.ts';
import { sampleDomeCameras, squareIntrinsics } from '../src/synth/cameras.ts';
import { makeEnvironment } from '../src/synth/environment.ts';
import { defaultViewCount, focalPixels, sceneLayout } from '../src/synth/layout.ts';
import { settleObjects, spawnPoses } from '../src/synth/physics.ts';
import { buildShape } from '../src/synth/shape-parts.ts';
import { sampleShape } from '../src/synth/shapes.ts';

test('layout follows the paper: M = min(1200, 600·√(N/25)), f = 35 mm·√(N/25), area ∝ N', () => {
  assert.equal(defaultViewCount(25), 600);
  assert.equal(defaultViewCount(50), 848);
  assert.equal(defaultViewCount(100), 1200);
  assert.equal(defaultViewCount(500), 1200);
  assert.equal(sceneLayout(25).focalMm, 35);
  assert.equal(sceneLayout(100).focalMm, 70);
  assert.ok(Math.abs(sceneLayout(100).spawnHalf / sceneLayout(25).spawnHalf - 2) < 1e-12);
  assert.ok(Math.abs(sceneLayout(100).shellOuter / sceneLayout(25).shellOuter - 2) < 1e-12);
  assert.ok(Math.abs(focalPixels(36, 512) - 512) < 1e-12);
  const room = makeEnvironment('old_room', sceneLayout(25)).room;
  const bigRoom = makeEnvironment('old_room', sceneLayout(100)).room;
  assert.ok(bigRoom.halfX > 1.8 * room.halfX);
});

test('dome cameras sit in the shell, inside the room, and look at their targets', () => {
  const layout = sceneLayout(25);
  const room = makeEnvironment('large_corridor', layout).room;
  const target: [number, number, number] = [0.3, -0.2, 0.05];
  const poses = sampleDomeCameras(new Rng(2), 50, layout, [target], 0);
  const intr = squareIntrinsics(100, layout.focalMm);
  for (const c2w of poses) {
    const eye = [c2w[3]!, c2w[7]!, c2w[11]!];
    const r = Math.hypot(eye[0]!, eye[1]!, eye[2]!);
    assert.ok(r >= layout.shellInner - 1e-9 && r <= layout.shellOuter + 1e-9);
    const elevation = Math.asin(eye[2]! / r);
    assert.ok(elevation >= layout.elevationMin - 1e-9 && elevation <= layout.elevationMax + 1e-9);
    assert.ok(Math.abs(eye[0]!) < room.halfX && Math.abs(eye[1]!) < room.halfY && eye[2]! < room.height);
    const frame = { intrinsics: intr } as Parameters<typeof projectWorldPoint>[0];
    const p = projectWorldPoint(frame, invertRigid(c2w), target);
    assert.ok(
      Math.abs(p.px - 50) < 1e-6 && Math.abs(p.py - 50) < 1e-6 && p.depth > 0,
      'target at the centre',
    );
  }
});

test('objects spawn without overlap and physics settles them on the floor, deterministically', async () => {
  const n = 12;
  const layout = sceneLayout(n);
  const room = makeEnvironment('old_room', layout).room;
  const rng = new Rng(4);
  const built = Array.from({ length: n }, () => buildShape(sampleShape(rng)));
  const radii = built.map((b) => b.radius);
  const start = spawnPoses(rng, radii, layout);
  for (let i = 0; i < n; i++) {
    const p = start[i]!.position;
    assert.ok(p[2] - radii[i]! > 0, 'spawned above the floor');
    for (let j = 0; j < i; j++) {
      const q = start[j]!.position;
      assert.ok(Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) > radii[i]! + radii[j]!, 'no overlap');
    }
  }
  const colliders = built.map((b) => b.colliders);
  const first = await settleObjects(colliders, start, room);
  const again = await settleObjects(colliders, start, room);
  assert.deepEqual(again, first);
  assert.ok(first.settled, `not at rest after ${first.steps} steps`);
  first.poses.forEach((pose, i) => {
    const z = pose.position[2];
    assert.ok(z > 0 && z < radii[i]!, `object ${i} rests on the floor (z ${z}, radius ${radii[i]})`);
    assert.ok(Math.abs(pose.position[0]) < room.halfX && Math.abs(pose.position[1]) < room.halfY);
  });
});
