/**
 * Turns a ShapeSpec into what the generator needs: a triangle mesh for rendering and a set of convex
 * colliders for the physics engine that agree with it (round parts are enclosed by their collider
 * wedges, so settled objects never visibly interpenetrate). The object's local origin is its bounding
 * box centre.
 */
import {
  BoxGeometry,
  type BufferGeometry,
  CapsuleGeometry,
  CircleGeometry,
  ConeGeometry,
  CylinderGeometry,
  LatheGeometry,
  SphereGeometry,
  TorusGeometry,
  Vector2,
  Vector3,
} from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import type { Vec3 } from '../rays/camera.ts';
import type { ShapeSpec } from './shapes.ts';

/** A unit quaternion [x, y, z, w]. */
export type Quat = [number, number, number, number];

/** A convex collider primitive; cylinders, cones and capsules are along the local y axis. */
export type ColliderShape =
  | { type: 'ball'; r: number }
  | { type: 'cuboid'; hx: number; hy: number; hz: number }
  | { type: 'cylinder'; r: number; hh: number }
  | { type: 'cone'; r: number; hh: number }
  | { type: 'capsule'; r: number; hh: number }
  | { type: 'hull'; points: number[] };

/** A collider placed in the object's local frame. */
export interface ColliderSpec {
  shape: ColliderShape;
  translation: Vec3;
  rotation: Quat;
}

/** A shape ready to simulate and render. */
export interface BuiltShape {
  /** Indexed triangles with `position` and `normal` only, in the local frame. */
  geometry: BufferGeometry;
  colliders: ColliderSpec[];
  /** Radius of a sphere about the local origin that holds the whole object. */
  radius: number;
}

const IDENTITY: Quat = [0, 0, 0, 1];
/** Angular wedges of a revolved collider. */
const WEDGES = 12;
/** Angular segments of revolved meshes. */
const SEGMENTS = 32;

/** Collects mesh parts and colliders, then recentres them on the bounding box centre. */
class ShapeBuilder {
  private readonly geos: BufferGeometry[] = [];
  private readonly colliders: ColliderSpec[] = [];

  mesh(geo: BufferGeometry, at: Vec3 = [0, 0, 0]): this {
    geo.translate(at[0], at[1], at[2]);
    geo.deleteAttribute('uv');
    this.geos.push(geo);
    return this;
  }

  /** Adds a convex mesh and the hull of its vertices as its collider. */
  meshWithHull(geo: BufferGeometry): this {
    const pos = geo.getAttribute('position');
    this.collider({ type: 'hull', points: Array.from(pos.array as Float32Array) });
    return this.mesh(geo);
  }

  collider(shape: ColliderShape, at: Vec3 = [0, 0, 0], rotation: Quat = IDENTITY): this {
    this.colliders.push({ shape, translation: at, rotation });
    return this;
  }

  finish(): BuiltShape {
    const merged = mergeGeometries(this.geos, false);
    if (!merged) throw new Error('shape parts have mismatched attributes');
    merged.computeBoundingBox();
    const c = new Vector3();
    merged.boundingBox!.getCenter(c);
    merged.translate(-c.x, -c.y, -c.z);
    for (const col of this.colliders) {
      col.translation = [col.translation[0] - c.x, col.translation[1] - c.y, col.translation[2] - c.z];
    }
    merged.computeBoundingSphere();
    const pos = merged.getAttribute('position');
    let r2 = 0;
    for (let i = 0; i < pos.count; i++)
      r2 = Math.max(r2, pos.getX(i) ** 2 + pos.getY(i) ** 2 + pos.getZ(i) ** 2);
    // Collider wedges are circumscribed, so they reach a few percent beyond the mesh.
    return { geometry: merged, colliders: this.colliders, radius: Math.sqrt(r2) * 1.06 };
  }
}

/**
 * Convex hulls that together enclose the solid of revolution (about y) of convex (radius, height)
 * polygons: one hull per polygon per angular wedge.
 */
export function revolvedHulls(polys: [number, number][][], wedges = WEDGES): ColliderShape[] {
  const grow = 1 / Math.cos(Math.PI / wedges);
  const out: ColliderShape[] = [];
  for (let k = 0; k < wedges; k++) {
    const angles = [(2 * Math.PI * k) / wedges, (2 * Math.PI * (k + 1)) / wedges];
    for (const poly of polys) {
      const points: number[] = [];
      for (const a of angles) {
        for (const [x, y] of poly) points.push(x * grow * Math.sin(a), y, x * grow * Math.cos(a));
      }
      out.push({ type: 'hull', points });
    }
  }
  return out;
}

/**
 * Convex hulls enclosing an arc of a torus tube lying in the local xy plane about the z axis
 * (as three's TorusGeometry), centred at `at`.
 */
export function ringHulls(
  R: number,
  r: number,
  arcStart: number,
  arcLength: number,
  wedges: number,
  at: Vec3 = [0, 0, 0],
): ColliderShape[] {
  const tubeSamples = 8;
  const grow = 1 / Math.cos(arcLength / wedges / 2);
  const tube = r / Math.cos(Math.PI / tubeSamples);
  const out: ColliderShape[] = [];
  for (let k = 0; k < wedges; k++) {
    const points: number[] = [];
    for (const u of [arcStart + (arcLength * k) / wedges, arcStart + (arcLength * (k + 1)) / wedges]) {
      for (let j = 0; j < tubeSamples; j++) {
        const v = (2 * Math.PI * j) / tubeSamples;
        const rho = (R + tube * Math.cos(v)) * grow;
        points.push(at[0] + rho * Math.cos(u), at[1] + rho * Math.sin(u), at[2] + tube * Math.sin(v));
      }
    }
    out.push({ type: 'hull', points });
  }
  return out;
}

/** A lathe mesh (about y) of a closed (radius, height) outline. */
function lathe(outline: [number, number][]): BufferGeometry {
  return new LatheGeometry(
    outline.map(([x, y]) => new Vector2(x, y)),
    SEGMENTS,
  );
}

/** A cup's outline and its two convex collider polygons (bottom disc, wall). */
function cupProfile(
  R: number,
  h: number,
  t: number,
): { outline: [number, number][]; polys: [number, number][][] } {
  return {
    outline: [
      [0, 0],
      [R, 0],
      [R, h],
      [R - t, h],
      [R - t, t],
      [0, t],
    ],
    polys: [
      [
        [0, 0],
        [R, 0],
        [R - t, t],
        [0, t],
      ],
      [
        [R, 0],
        [R, h],
        [R - t, h],
        [R - t, t],
      ],
    ],
  };
}

/** A bowl's outline (outer then inner surface) and one convex quad per wall segment. */
function bowlProfile(
  R: number,
  t: number,
  rimDeg: number,
): { outline: [number, number][]; polys: [number, number][][] } {
  const steps = 6;
  const rim = (-rimDeg * Math.PI) / 180;
  const outer: [number, number][] = [];
  const inner: [number, number][] = [];
  for (let j = 0; j <= steps; j++) {
    const phi = -Math.PI / 2 + ((rim + Math.PI / 2) * j) / steps;
    outer.push([R * Math.cos(phi), R + R * Math.sin(phi)]);
    inner.push([(R - t) * Math.cos(phi), R + (R - t) * Math.sin(phi)]);
  }
  outer[0]![0] = 0;
  inner[0]![0] = 0;
  const polys: [number, number][][] = [];
  for (let j = 0; j < steps; j++) polys.push([outer[j]!, outer[j + 1]!, inner[j + 1]!, inner[j]!]);
  return { outline: [...outer, ...inner.reverse()], polys };
}

/** Points of a hemisphere dome (y ≥ 0) of radius r, enlarged to enclose its tessellation. */
function domePoints(r: number, y0: number): number[] {
  const lon = 12;
  const grow = r / Math.cos(Math.PI / lon);
  const points: number[] = [0, y0 + r, 0];
  for (let i = 0; i < 4; i++) {
    const phi = (i * Math.PI) / 8;
    for (let k = 0; k < lon; k++) {
      const a = (2 * Math.PI * k) / lon;
      points.push(
        grow * Math.cos(phi) * Math.cos(a),
        y0 + r * Math.sin(phi),
        grow * Math.cos(phi) * Math.sin(a),
      );
    }
  }
  return points;
}

/** The render mesh and physics colliders of a shape. */
export function buildShape(spec: ShapeSpec): BuiltShape {
  const b = new ShapeBuilder();
  switch (spec.kind) {
    case 'box':
      b.mesh(new BoxGeometry(2 * spec.hx, 2 * spec.hy, 2 * spec.hz));
      b.collider({ type: 'cuboid', hx: spec.hx, hy: spec.hy, hz: spec.hz });
      break;
    case 'sphere':
      b.mesh(new SphereGeometry(spec.r, 24, 16));
      b.collider({ type: 'ball', r: spec.r });
      break;
    // Lone round solids collide as the hull of their own mesh: exact contact with what is drawn, and
    // no endless rolling on a curved contact line.
    case 'cylinder':
      b.meshWithHull(new CylinderGeometry(spec.r, spec.r, 2 * spec.hh, 24));
      break;
    case 'cone':
      b.meshWithHull(new ConeGeometry(spec.r, 2 * spec.hh, 24));
      break;
    case 'capsule':
      b.meshWithHull(new CapsuleGeometry(spec.r, 2 * spec.hh, 6, 20));
      break;
    case 'torus':
      b.mesh(new TorusGeometry(spec.R, spec.r, 12, 32));
      for (const h of ringHulls(spec.R, spec.r, 0, 2 * Math.PI, WEDGES)) b.collider(h);
      break;
    case 'bowl': {
      const p = bowlProfile(spec.R, spec.t, spec.rimDeg);
      b.mesh(lathe(p.outline));
      for (const h of revolvedHulls(p.polys)) b.collider(h);
      break;
    }
    case 'cup':
    case 'mug': {
      const p = cupProfile(spec.R, spec.h, spec.t);
      b.mesh(lathe(p.outline));
      for (const h of revolvedHulls(p.polys)) b.collider(h);
      if (spec.kind === 'mug') {
        const at: Vec3 = [spec.R - spec.t / 2, spec.h * 0.55, 0];
        const handle = new TorusGeometry(spec.handleR, spec.handleT, 8, 12, Math.PI);
        handle.rotateZ(-Math.PI / 2);
        b.mesh(handle, at);
        for (const h of ringHulls(spec.handleR, spec.handleT, -Math.PI / 2, Math.PI, 6, at)) b.collider(h);
      }
      break;
    }
    case 'dumbbell':
      b.mesh(new CylinderGeometry(spec.barR, spec.barR, 2 * spec.barHH, 16));
      b.collider({ type: 'cylinder', r: spec.barR, hh: spec.barHH });
      for (const y of [-spec.barHH, spec.barHH]) {
        b.mesh(new SphereGeometry(spec.ballR, 20, 14), [0, y, 0]);
        b.collider({ type: 'ball', r: spec.ballR }, [0, y, 0]);
      }
      break;
    case 'mushroom': {
      const top = 2 * spec.stemHH;
      b.mesh(new CylinderGeometry(spec.stemR, spec.stemR, top, 16), [0, spec.stemHH, 0]);
      b.collider({ type: 'cylinder', r: spec.stemR, hh: spec.stemHH }, [0, spec.stemHH, 0]);
      b.mesh(new SphereGeometry(spec.capR, 24, 8, 0, 2 * Math.PI, 0, Math.PI / 2), [0, top, 0]);
      const under = new CircleGeometry(spec.capR, 24);
      under.rotateX(Math.PI / 2);
      b.mesh(under, [0, top, 0]);
      b.collider({ type: 'hull', points: domePoints(spec.capR, top) });
      break;
    }
    case 'table': {
      const { hx, hz, topT, legH, legR } = spec;
      b.mesh(new BoxGeometry(2 * hx, topT, 2 * hz), [0, legH + topT / 2, 0]);
      b.collider({ type: 'cuboid', hx, hy: topT / 2, hz }, [0, legH + topT / 2, 0]);
      for (const sx of [-1, 1]) {
        for (const sz of [-1, 1]) {
          const at: Vec3 = [sx * (hx - 1.5 * legR), legH / 2, sz * (hz - 1.5 * legR)];
          b.mesh(new CylinderGeometry(legR, legR, legH, 10), at);
          b.collider({ type: 'cylinder', r: legR, hh: legH / 2 }, at);
        }
      }
      break;
    }
  }
  return b.finish();
}

/** The 4×4 row-major rigid transform of a position and unit quaternion. */
export function poseMatrix(position: Vec3, q: Quat): Float64Array {
  const m = new Float64Array(16);
  const [x, y, z, w] = q;
  m[0] = 1 - 2 * (y * y + z * z);
  m[1] = 2 * (x * y - z * w);
  m[2] = 2 * (x * z + y * w);
  m[4] = 2 * (x * y + z * w);
  m[5] = 1 - 2 * (x * x + z * z);
  m[6] = 2 * (y * z - x * w);
  m[8] = 2 * (x * z - y * w);
  m[9] = 2 * (y * z + x * w);
  m[10] = 1 - 2 * (x * x + y * y);
  m[3] = position[0];
  m[7] = position[1];
  m[11] = position[2];
  m[15] = 1;
  return m;
}

/** A uniformly random rotation from three uniform numbers in [0, 1). */
export function quatFromUniform(u1: number, u2: number, u3: number): Quat {
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  return [
    a * Math.sin(2 * Math.PI * u2),
    a * Math.cos(2 * Math.PI * u2),
    b * Math.sin(2 * Math.PI * u3),
    b * Math.cos(2 * Math.PI * u3),
  ];
}
