/**
 * `generateScene`: a Messy Rooms-style synthetic scene (paper section 4) written as a scene folder: N
 * textured objects of varied shapes dropped with rigid-body physics into an empty room, photographed by
 * M inward-looking cameras on a dome-shaped shell, with RGB, planar depth and exact ground-truth
 * instance and semantic maps. The 2D segmenter's maps are not written here.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProgressFn } from '../core/progress.ts';
import { Rng } from '../core/rng.ts';
import { writeFileAtomic } from '../data/png.ts';
import { intrinsicsToJson, matrixToJson, writeTransforms } from '../data/write-scene.ts';
import type { Vec3 } from '../rays/camera.ts';
import { sampleDomeCameras, squareIntrinsics } from './cameras.ts';
import { type Environment, type EnvName, isEnvName, makeEnvironment } from './environment.ts';
import { DEFAULT_SIZE, defaultViewCount, type SceneLayout, SENSOR_WIDTH_MM, sceneLayout } from './layout.ts';
import { settleObjects, spawnPoses } from './physics.ts';
import type { ViewCamera } from './raycast-render.ts';
import { renderAllViews } from './render-pool.ts';
import { buildShape } from './shape-parts.ts';
import { sampleShape } from './shapes.ts';
import { linearToSrgb8, type Rgb, sampleTexture } from './textures.ts';
import { viewPaths, viewStem } from './view-files.ts';
import type { PlacedObject, SceneSpec } from './world-mesh.ts';

/** Options of generateScene. */
export interface GenerateOptions {
  /** Number of objects N (1..65535). */
  objects: number;
  /** Number of views M; default min(1200, ⌊600·√(N/25)⌋). */
  views?: number;
  /** Image side in pixels (default 512). */
  size?: number;
  env: EnvName;
  seed: number;
  /** Output scene folder (created if missing; files of the same name are overwritten). */
  out: string;
  /** Render threads; default: one per core (up to 4) for large jobs, else 1. Output does not depend on it. */
  workers?: number;
  onProgress?: ProgressFn;
}

/** What generateScene wrote. */
export interface GenerateResult {
  dir: string;
  objects: number;
  views: number;
  size: number;
  focalMm: number;
  /** Frames held out as the test split (the last ⌊M/5⌋). */
  testViews: number;
  /** Physics steps until rest, and whether every object fell asleep before the step limit. */
  physicsSteps: number;
  settled: boolean;
}

export { DEFAULT_SIZE };

function checkInt(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new Error(`${name} must be an integer in [${lo}, ${hi}], got ${v}`);
}

const hex = (c: Rgb): string => `#${c.map((x) => linearToSrgb8(x).toString(16).padStart(2, '0')).join('')}`;

/** The settled objects of a scene and how the simulation went. */
interface SettledScene {
  spec: SceneSpec;
  physicsSteps: number;
  settled: boolean;
}

/** Samples N shapes and textures, spawns them without overlap and lets physics settle them. */
async function settleScene(
  n: number,
  layout: SceneLayout,
  environment: Environment,
  rng: Rng,
  onProgress?: ProgressFn,
): Promise<SettledScene> {
  const shapeRng = rng.fork('shapes');
  const textureRng = rng.fork('textures');
  const spawnRng = rng.fork('spawn');
  const shapes = Array.from({ length: n }, () => sampleShape(shapeRng));
  const built = shapes.map(buildShape);
  const textures = built.map((b) => sampleTexture(textureRng, b.radius));
  const start = spawnPoses(
    spawnRng,
    built.map((b) => b.radius),
    layout,
  );
  const sim = await settleObjects(
    built.map((b) => b.colliders),
    start,
    environment.room,
    { onProgress },
  );
  const objects: PlacedObject[] = shapes.map((shape, i) => ({
    id: i + 1,
    shape,
    texture: textures[i]!,
    pose: sim.poses[i]!,
  }));
  return {
    spec: { environment, objects, surfaceEps: 3e-4 * Math.max(1, layout.scale) },
    physicsSteps: sim.steps,
    settled: sim.settled,
  };
}

/** Writes transforms.json (cameras, classes, frames with splits) and scene.json (objects, layout). */
function writeMetadata(
  dir: string,
  generator: Record<string, unknown>,
  scene: SettledScene,
  layout: SceneLayout,
  cameras: ViewCamera[],
  stems: string[],
  depthScale: number,
  testViews: number,
): void {
  const { room } = scene.spec.environment;
  writeTransforms(dir, {
    ...intrinsicsToJson(cameras[0]!.intrinsics),
    depth_unit_scale_factor: depthScale,
    aabb: [
      [-room.halfX, -room.halfY, 0],
      [room.halfX, room.halfY, room.height],
    ],
    semantic_classes: [
      { id: 0, name: 'background', thing: false },
      { id: 1, name: 'object', thing: true },
    ],
    generator,
    frames: cameras.map((cam, i) => ({
      ...viewPaths(stems[i]!),
      transform_matrix: matrixToJson(cam.c2w),
      split: i >= cameras.length - testViews ? 'test' : 'train',
    })),
  });
  const sceneJson = {
    ...generator,
    layout,
    environment: scene.spec.environment,
    physics: { steps: scene.physicsSteps, settled: scene.settled, timestep_s: 1 / 60 },
    objects: scene.spec.objects.map((o) => ({
      id: o.id,
      shape: o.shape,
      texture: { ...o.texture, a_srgb: hex(o.texture.a), b_srgb: hex(o.texture.b) },
      position: o.pose.position,
      rotation_xyzw: o.pose.rotation,
    })),
  };
  writeFileAtomic(join(dir, 'scene.json'), `${JSON.stringify(sceneJson, null, 2)}\n`);
}

/** Generates a synthetic scene folder (without 2D-segmenter maps) and returns what it wrote. */
export async function generateScene(opts: GenerateOptions): Promise<GenerateResult> {
  const n = opts.objects;
  checkInt('objects', n, 1, 65535);
  const views = opts.views ?? defaultViewCount(n);
  checkInt('views', views, 1, 100000);
  const size = opts.size ?? DEFAULT_SIZE;
  checkInt('size', size, 8, 8192);
  checkInt('seed', opts.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (!isEnvName(opts.env)) throw new Error(`unknown environment "${opts.env}"`);
  const dir = resolve(opts.out);

  const rng = new Rng(`clift-generate:${opts.seed}`);
  const layout = sceneLayout(n);
  const environment = makeEnvironment(opts.env, layout);
  const scene = await settleScene(n, layout, environment, rng, opts.onProgress);

  const targets: Vec3[] = scene.spec.objects.map((o) => o.pose.position);
  const intrinsics = squareIntrinsics(size, layout.focalMm);
  const cameras = sampleDomeCameras(rng.fork('cameras'), views, layout, targets).map(
    (c2w): ViewCamera => ({ c2w, intrinsics }),
  );
  const stems = cameras.map((_, i) => viewStem(i, views));
  // Depth PNG units: millimetres, or coarser when the room's diagonal would overflow 16 bits.
  const { halfX, halfY, height } = environment.room;
  const depthScale = 0.001 * Math.max(1, Math.ceil(Math.hypot(2 * halfX, 2 * halfY, height) / 65));

  mkdirSync(dir, { recursive: true });
  const workers =
    opts.workers ?? (size * size * views >= 1_000_000 ? Math.min(4, availableParallelism()) : 1);
  await renderAllViews({ spec: scene.spec, cameras, stems, dir, depthScale }, workers, opts.onProgress);

  const testViews = Math.floor(views / 5);
  const generator = {
    name: 'clift generate',
    objects: n,
    views,
    size,
    env: opts.env,
    seed: opts.seed,
    focal_mm: layout.focalMm,
    sensor_width_mm: SENSOR_WIDTH_MM,
    test_split: `last floor(views/5) = ${testViews} views`,
    scene_file: 'scene.json',
  };
  writeMetadata(dir, generator, scene, layout, cameras, stems, depthScale, testViews);
  return {
    dir,
    objects: n,
    views,
    size,
    focalMm: layout.focalMm,
    testViews,
    physicsSteps: scene.physicsSteps,
    settled: scene.settled,
  };
}
