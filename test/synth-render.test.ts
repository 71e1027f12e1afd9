import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DoubleSide, Ray, Vector3 } from 'three';
import { Rng } from '../src/core/rng.ts';
import { anyHit, closestHit, type RayHit } from '../src/synth/bvh-raycast.ts';
import { lookAt, squareIntrinsics } from '../src/synth/cameras.ts';
import { makeEnvironment } from '../src/synth/environment.ts';
import { sceneLayout } from '../src/synth/layout.ts';
import { spawnPoses } from '../src/synth/physics.ts';
import { renderView } from '../src/synth/raycast-render.ts';
import { buildShape } from '../src/synth/shape-parts.ts';
import { sampleShape } from '../src/synth/shapes.ts';
import { linearToSrgb8, sampleTexture } from '../src/synth/textures.ts';
import { buildRenderWorld, type SceneSpec } from '../src/synth/world-mesh.ts';

/** A small world: objects at their (overlap-free) spawn poses in an old room. */
function smallWorld(n: number, seed: number): SceneSpec {
  const rng = new Rng(seed);
  const layout = sceneLayout(n);
  const shapes = Array.from({ length: n }, () => sampleShape(rng));
  const radii = shapes.map((s) => buildShape(s).radius);
  const poses = spawnPoses(rng, radii, layout);
  return {
    environment: makeEnvironment('old_room', layout),
    objects: shapes.map((shape, i) => ({
      id: i + 1,
      shape,
      texture: sampleTexture(rng, radii[i]!),
      pose: poses[i]!,
    })),
    surfaceEps: 3e-4,
  };
}

test('the flat BVH queries agree with three-mesh-bvh raycastFirst', () => {
  const spec = smallWorld(15, 1);
  const world = buildRenderWorld(spec);
  const rng = new Rng(2);
  const hit: RayHit = { t: 0, tri: 0, u: 0, v: 0 };
  const ray = new Ray(new Vector3(), new Vector3());
  let objectHits = 0;
  let mismatches = 0;
  const rays = 3000;
  for (let k = 0; k < rays; k++) {
    const o: [number, number, number] = [
      rng.uniform(-1.5, 1.5),
      rng.uniform(-1.5, 1.5),
      rng.uniform(0.05, 1.5),
    ];
    // Aim near a random object so most rays meet objects.
    const c = spec.objects[rng.int(spec.objects.length)]!.pose.position;
    const target = [
      c[0] + rng.uniform(-0.05, 0.05),
      c[1] + rng.uniform(-0.05, 0.05),
      c[2] + rng.uniform(-0.05, 0.05),
    ];
    const d = [target[0]! - o[0], target[1]! - o[1], target[2]! - o[2]];
    const len = Math.hypot(d[0]!, d[1]!, d[2]!);
    ray.origin.set(...o);
    ray.direction.set(d[0]! / len, d[1]! / len, d[2]! / len);
    const ref = world.bvh.raycastFirst(ray, DoubleSide);
    const got = closestHit(
      world.flat,
      ...o,
      ray.direction.x,
      ray.direction.y,
      ray.direction.z,
      Infinity,
      hit,
    );
    assert.equal(got, ref !== null);
    if (!ref?.face) continue;
    assert.ok(
      Math.abs(hit.t - ref.distance) < 1e-5 * (1 + ref.distance),
      `distance ${hit.t} vs ${ref.distance}`,
    );
    const id = world.vertexInstance[world.flat.index[hit.tri * 3]!]!;
    if (id !== world.vertexInstance[ref.face.a]) mismatches++;
    if (id > 0) objectHits++;
    // Any-hit: something lies before the closest hit's far side, nothing before the closest hit.
    const args = [...o, ray.direction.x, ray.direction.y, ray.direction.z] as const;
    assert.ok(anyHit(world.flat, ...args, hit.t * 1.001 + 1e-6));
    assert.ok(!anyHit(world.flat, ...args, hit.t * 0.999));
  }
  assert.ok(objectHits > rays / 2, `only ${objectHits} rays met objects`);
  assert.ok(mismatches <= rays / 1000, `${mismatches} instance mismatches`);
});

test('a view of a lone sphere: ids, depth and shading are where the geometry says', () => {
  const layout = sceneLayout(1);
  const spec: SceneSpec = {
    environment: makeEnvironment('large_corridor', layout),
    objects: [
      {
        id: 1,
        shape: { kind: 'sphere', r: 0.1 },
        texture: {
          kind: 'plain',
          a: [0.5, 0.5, 0.5],
          b: [0.5, 0.5, 0.5],
          period: 0.05,
          axis: [1, 0, 0],
          seed: 1,
        },
        pose: { position: [0, 0, 0.1], rotation: [0, 0, 0, 1] },
      },
    ],
    surfaceEps: 3e-4,
  };
  const world = buildRenderWorld(spec);
  const intrinsics = squareIntrinsics(33, 30);
  const eye: [number, number, number] = [0, -0.6, 0.5];
  const maps = renderView(world, { c2w: lookAt(eye, [0, 0, 0.1]), intrinsics });
  const centre = 16 * 33 + 16;
  assert.equal(maps.instance[centre], 1);
  assert.equal(maps.semantic[centre], 1);
  // Planar depth at the centre pixel: distance from the eye to the sphere surface along the axis.
  const expected = Math.hypot(0.6, 0.4) - 0.1;
  assert.ok(Math.abs(maps.depth[centre]! - expected) < 2e-3, `depth ${maps.depth[centre]} vs ${expected}`);
  assert.equal(maps.instance[0], 0, 'corners see the room');
  assert.equal(maps.semantic[0], 0);
  let sphere = 0;
  for (let i = 0; i < maps.instance.length; i++) {
    if (maps.instance[i] === 1) sphere++;
    assert.ok(maps.depth[i]! > 0);
  }
  // The sphere's image is a disc of radius ≈ f·r/d pixels.
  const f = intrinsics.fx;
  const rPix = (f * 0.1) / Math.sqrt(Math.hypot(0.6, 0.4) ** 2 - 0.01);
  assert.ok(Math.abs(sphere - Math.PI * rPix * rPix) < 0.15 * Math.PI * rPix * rPix, `${sphere} px`);
  // Lambert at the centre pixel: albedo × (ambient + Σ light colour × max(0, n·l)), n the sphere normal.
  const env = spec.environment;
  const len = Math.hypot(eye[0], eye[1], eye[2] - 0.1);
  const n = [eye[0] / len, eye[1] / len, (eye[2] - 0.1) / len];
  const p = [n[0]! * 0.1, n[1]! * 0.1, 0.1 + n[2]! * 0.1];
  for (let k = 0; k < 3; k++) {
    let e = env.ambient[k]!;
    for (const light of env.lights) {
      const l = light.position.map((x, j) => x - p[j]!);
      const ll = Math.hypot(l[0]!, l[1]!, l[2]!);
      e += light.color[k]! * Math.max(0, (n[0]! * l[0]! + n[1]! * l[1]! + n[2]! * l[2]!) / ll);
    }
    const want = linearToSrgb8(0.5 * e);
    assert.ok(
      Math.abs(maps.rgb[centre * 3 + k]! - want) <= 3,
      `channel ${k}: ${maps.rgb[centre * 3 + k]} vs ${want}`,
    );
    assert.ok(want > linearToSrgb8(0.5 * env.ambient[k]!) + 10, 'the centre is lit, not ambient only');
  }
});
