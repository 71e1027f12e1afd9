import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { buildShape, type ColliderShape, poseMatrix, quatFromUniform } from '../src/synth/shape-parts.ts';
import { SHAPE_KINDS, type ShapeSpec, sampleShape } from '../src/synth/shapes.ts';
import {
  fbm3,
  hash3,
  linearToSrgb8,
  sampleTexture,
  TEXTURE_KINDS,
  textureAlbedo,
} from '../src/synth/textures.ts';

type Box = { lo: number[]; hi: number[] };

/** Local bounding box of one collider placed at `at` (the builder only places unrotated colliders). */
function colliderBox(shape: ColliderShape, at: number[]): Box {
  const ext = (x: number, y: number, z: number): Box => ({
    lo: [at[0]! - x, at[1]! - y, at[2]! - z],
    hi: [at[0]! + x, at[1]! + y, at[2]! + z],
  });
  switch (shape.type) {
    case 'ball':
      return ext(shape.r, shape.r, shape.r);
    case 'cuboid':
      return ext(shape.hx, shape.hy, shape.hz);
    case 'cylinder':
    case 'cone':
      return ext(shape.r, shape.hh, shape.r);
    case 'capsule':
      return ext(shape.r, shape.hh + shape.r, shape.r);
    case 'hull': {
      const lo = [Infinity, Infinity, Infinity];
      const hi = [-Infinity, -Infinity, -Infinity];
      for (let i = 0; i < shape.points.length; i++) {
        lo[i % 3] = Math.min(lo[i % 3]!, shape.points[i]! + at[i % 3]!);
        hi[i % 3] = Math.max(hi[i % 3]!, shape.points[i]! + at[i % 3]!);
      }
      return { lo, hi };
    }
  }
}

/** One spec of every kind, drawn from the sampler. */
function oneOfEach(): ShapeSpec[] {
  const rng = new Rng(3);
  const byKind = new Map<string, ShapeSpec>();
  while (byKind.size < SHAPE_KINDS.length) {
    const s = sampleShape(rng);
    if (!byKind.has(s.kind)) byKind.set(s.kind, s);
  }
  return [...byKind.values()];
}

test('every shape kind gives an indexed mesh whose bounds match its colliders', () => {
  for (const spec of oneOfEach()) {
    const built = buildShape(spec);
    const geo = built.geometry;
    assert.ok(geo.index, `${spec.kind}: indexed`);
    assert.deepEqual(Object.keys(geo.attributes).sort(), ['normal', 'position'], spec.kind);
    assert.ok(built.colliders.length > 0, spec.kind);
    geo.computeBoundingBox();
    const mesh = geo.boundingBox!;
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (const c of built.colliders) {
      assert.deepEqual(c.rotation, [0, 0, 0, 1]);
      const b = colliderBox(c.shape, c.translation);
      for (let k = 0; k < 3; k++) {
        lo[k] = Math.min(lo[k]!, b.lo[k]!);
        hi[k] = Math.max(hi[k]!, b.hi[k]!);
      }
    }
    const meshLo = [mesh.min.x, mesh.min.y, mesh.min.z];
    const meshHi = [mesh.max.x, mesh.max.y, mesh.max.z];
    const size = Math.max(...meshHi.map((h, k) => h - meshLo[k]!));
    for (let k = 0; k < 3; k++) {
      // Colliders enclose the mesh, and reach at most a few percent beyond it.
      assert.ok(
        lo[k]! <= meshLo[k]! + 1e-6 && hi[k]! >= meshHi[k]! - 1e-6,
        `${spec.kind} axis ${k} encloses`,
      );
      assert.ok(
        meshLo[k]! - lo[k]! < 0.06 * size && hi[k]! - meshHi[k]! < 0.06 * size,
        `${spec.kind} axis ${k} tight`,
      );
      // The local origin is the bounding box centre.
      assert.ok(Math.abs(meshLo[k]! + meshHi[k]!) < 1e-6, `${spec.kind} centred`);
    }
    const pos = geo.getAttribute('position');
    for (let i = 0; i < pos.count; i++) {
      assert.ok(Math.hypot(pos.getX(i), pos.getY(i), pos.getZ(i)) <= built.radius, `${spec.kind} radius`);
    }
  }
});

test('the sampler draws every shape kind with sizes of household objects', () => {
  const rng = new Rng(11);
  const kinds = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const spec = sampleShape(rng);
    kinds.add(spec.kind);
    const r = buildShape(spec).radius;
    assert.ok(r > 0.02 && r < 0.3, `${spec.kind} radius ${r}`);
  }
  assert.equal(kinds.size, SHAPE_KINDS.length);
});

test('poses from uniform quaternions are rigid rotations', () => {
  const rng = new Rng(5);
  for (let t = 0; t < 20; t++) {
    const q = quatFromUniform(rng.next(), rng.next(), rng.next());
    assert.ok(Math.abs(Math.hypot(...q) - 1) < 1e-12);
    const m = poseMatrix([1, 2, 3], q);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const dot = m[a]! * m[b]! + m[4 + a]! * m[4 + b]! + m[8 + a]! * m[8 + b]!;
        assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12);
      }
    }
    assert.deepEqual([m[3], m[7], m[11]], [1, 2, 3]);
  }
});

test('textures: every kind, colours in [0, 1], two-coloured patterns vary, noise in [0, 1)', () => {
  const rng = new Rng(9);
  const kinds = new Set<string>();
  for (let t = 0; t < 60; t++) {
    const tex = sampleTexture(rng, 0.1);
    kinds.add(tex.kind);
    const seen = new Set<string>();
    const out: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < 200; i++) {
      textureAlbedo(tex, rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), out);
      for (const c of out) assert.ok(c >= 0 && c <= 1);
      seen.add(out.map((c) => linearToSrgb8(c)).join());
    }
    if (tex.kind !== 'plain') assert.ok(seen.size > 1, `${tex.kind} varies`);
  }
  assert.equal(kinds.size, TEXTURE_KINDS.length);
  for (let i = 0; i < 1000; i++) {
    const h = hash3(i, -i, i * 7, 3);
    const f = fbm3(i * 0.37, i * 0.11, -i * 0.23, 4);
    assert.ok(h >= 0 && h < 1 && f >= 0 && f < 1);
  }
  assert.equal(linearToSrgb8(0), 0);
  assert.equal(linearToSrgb8(1), 255);
  assert.equal(linearToSrgb8(0.2159), 128);
});
