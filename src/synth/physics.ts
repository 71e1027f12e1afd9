/**
 * Physical settling of the objects: spawn them without overlap above the floor, then drop them with the
 * rapier rigid-body engine inside the room until every body is at rest.
 */
import RAPIER from '@dimforge/rapier3d-compat';
import type { ProgressFn } from '../core/progress.ts';
import type { Rng } from '../core/rng.ts';
import type { Vec3 } from '../rays/camera.ts';
import type { Room } from './environment.ts';
import type { SceneLayout } from './layout.ts';
import { type ColliderShape, type ColliderSpec, type Quat, quatFromUniform } from './shape-parts.ts';

/** A rigid placement: world position of the local origin and orientation. */
export interface Pose {
  position: Vec3;
  rotation: Quat;
}

/** Outcome of a simulation. */
export interface SettleResult {
  poses: Pose[];
  /** Simulation steps taken (1/60 s each). */
  steps: number;
  /** True when every body came to rest (asleep or nearly still) before the step limit. */
  settled: boolean;
}

let ready: Promise<void> | null = null;

/** Loads the physics engine's WebAssembly once. */
function initPhysics(): Promise<void> {
  ready ??= RAPIER.init();
  return ready;
}

/** Gap kept between the bounding spheres of spawned objects, metres. */
const SPAWN_GAP = 0.005;

/**
 * Non-overlapping start poses with random orientations: bounding spheres (radii given) over the spawn
 * square, stacked in a slab above the floor that grows when the objects do not fit.
 */
export function spawnPoses(rng: Rng, radii: number[], layout: SceneLayout): Pose[] {
  const placed: { p: Vec3; r: number }[] = [];
  const poses: Pose[] = [];
  let slab = 0.4;
  for (const r of radii) {
    const span = Math.max(0, layout.spawnHalf - r);
    let p: Vec3 | null = null;
    for (let tries = 0; p === null; tries++) {
      if (tries > 0 && tries % 200 === 0) slab += 0.1;
      const q: Vec3 = [rng.uniform(-span, span), rng.uniform(-span, span), r + 0.02 + rng.uniform(0, slab)];
      const free = placed.every(
        (o) =>
          (o.p[0] - q[0]) ** 2 + (o.p[1] - q[1]) ** 2 + (o.p[2] - q[2]) ** 2 > (o.r + r + SPAWN_GAP) ** 2,
      );
      if (free) p = q;
    }
    placed.push({ p, r });
    poses.push({ position: p, rotation: quatFromUniform(rng.next(), rng.next(), rng.next()) });
  }
  return poses;
}

/** The rapier description of a collider primitive. */
function colliderDesc(shape: ColliderShape): RAPIER.ColliderDesc {
  switch (shape.type) {
    case 'ball':
      return RAPIER.ColliderDesc.ball(shape.r);
    case 'cuboid':
      return RAPIER.ColliderDesc.cuboid(shape.hx, shape.hy, shape.hz);
    case 'cylinder':
      return RAPIER.ColliderDesc.cylinder(shape.hh, shape.r);
    case 'cone':
      return RAPIER.ColliderDesc.cone(shape.hh, shape.r);
    case 'capsule':
      return RAPIER.ColliderDesc.capsule(shape.hh, shape.r);
    case 'hull': {
      const desc = RAPIER.ColliderDesc.convexHull(new Float32Array(shape.points));
      if (!desc) throw new Error(`degenerate convex hull collider (${shape.points.length / 3} points)`);
      return desc;
    }
  }
}

/** Speeds below which a body counts as at rest, m/s and rad/s. */
const REST_SPEED = 0.004;
const REST_SPIN = 0.04;

/** Whether a body is asleep or moving too slowly to change the picture. */
function atRest(body: RAPIER.RigidBody): boolean {
  if (body.isSleeping()) return true;
  const v = body.linvel();
  const w = body.angvel();
  return Math.hypot(v.x, v.y, v.z) < REST_SPEED && Math.hypot(w.x, w.y, w.z) < REST_SPIN;
}

/** Options of settleObjects. */
export interface SettleOptions {
  /** Step limit (default 1800 = 30 simulated seconds). */
  maxSteps?: number;
  onProgress?: ProgressFn;
}

/**
 * Drops the objects (colliders per object, start poses) onto the floor of the room and simulates until
 * every object rests; returns the final poses.
 */
export async function settleObjects(
  colliders: ColliderSpec[][],
  start: Pose[],
  room: Room,
  opts: SettleOptions = {},
): Promise<SettleResult> {
  await initPhysics();
  const maxSteps = opts.maxSteps ?? 1800;
  const world = new RAPIER.World({ x: 0, y: 0, z: -9.81 });
  try {
    const t = 0.5;
    const fixed = (hx: number, hy: number, hz: number, at: Vec3): void => {
      const desc = RAPIER.ColliderDesc.cuboid(hx, hy, hz)
        .setTranslation(at[0], at[1], at[2])
        .setFriction(0.8);
      world.createCollider(desc);
    };
    const { halfX, halfY, height } = room;
    fixed(halfX + t, halfY + t, t, [0, 0, -t]);
    fixed(t, halfY + t, height, [halfX + t, 0, height]);
    fixed(t, halfY + t, height, [-halfX - t, 0, height]);
    fixed(halfX + t, t, height, [0, halfY + t, height]);
    fixed(halfX + t, t, height, [0, -halfY - t, height]);

    const bodies = start.map((pose, i) => {
      const [x, y, z] = pose.position;
      const [qx, qy, qz, qw] = pose.rotation;
      const body = world.createRigidBody(
        RAPIER.RigidBodyDesc.dynamic()
          .setTranslation(x, y, z)
          .setRotation({ x: qx, y: qy, z: qz, w: qw })
          .setLinearDamping(0.1)
          .setAngularDamping(1.5)
          .setCcdEnabled(true),
      );
      for (const c of colliders[i]!) {
        const [cx, cy, cz] = c.translation;
        const [rx, ry, rz, rw] = c.rotation;
        const desc = colliderDesc(c.shape)
          .setTranslation(cx, cy, cz)
          .setRotation({ x: rx, y: ry, z: rz, w: rw })
          .setDensity(400)
          .setFriction(0.7)
          .setRestitution(0.05);
        world.createCollider(desc, body);
      }
      return body;
    });

    let steps = 0;
    let settled = false;
    while (steps < maxSteps) {
      world.step();
      steps++;
      if (steps % 10 === 0 && bodies.every(atRest)) {
        settled = true;
        break;
      }
      if (steps % 60 === 0) {
        opts.onProgress?.(steps, maxSteps, 'physics');
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    const poses = bodies.map((b): Pose => {
      const p = b.translation();
      const q = b.rotation();
      return { position: [p.x, p.y, p.z], rotation: [q.x, q.y, q.z, q.w] };
    });
    return { poses, steps, settled };
  } finally {
    world.free();
  }
}
