/** Loads a run folder for the viewer: the labelled cloud, its objects, its views and the scene behind them. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SceneError } from '../data/errors.ts';
import { readScene } from '../data/read-scene.ts';
import type { Scene } from '../data/scene.ts';
import { readPly } from '../export/ply.ts';
import type { ClassInfo, RunInfo, ViewInfo } from './api-types.ts';
import { summariseObjects } from './objects.ts';
import { packPoints } from './points-layout.ts';
import { listViews, readViewMaps, type ViewSource, viewInfo } from './views.ts';

/** A run folder ready to serve. */
export interface ViewerRun {
  info: RunInfo;
  /** The cloud in the `/api/points` layout. */
  points: Uint8Array;
  scene: Scene | null;
  views: Map<string, ViewSource>;
}

/** Options of loadViewerRun. */
export interface LoadRunOptions {
  /** Scene folder to use instead of the one the run names. */
  sceneDir?: string;
  /** Prediction folder (from `clift segment --out`) to use instead of RUNDIR/prediction. */
  predDir?: string;
}

/** Grey given to points when the PLY has no colours. */
const NO_COLOR = 160;

/** Where the scene of a run is: the override, RUNDIR/scene, or the scene config.json names; null when none. */
export function findSceneDir(
  runDir: string,
  override?: string,
): { dir: string | null; warning: string | null } {
  if (override) return { dir: resolve(override), warning: null };
  const own = join(runDir, 'scene');
  if (existsSync(join(own, 'transforms.json'))) return { dir: own, warning: null };
  const cfgPath = join(runDir, 'config.json');
  if (!existsSync(cfgPath)) {
    return {
      dir: null,
      warning: `no scene: ${own} does not exist and there is no ${cfgPath}; views show clift only (pass --scene)`,
    };
  }
  let cfg: unknown;
  try {
    cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
  } catch (e) {
    throw new SceneError(cfgPath, 'config.json', `not valid JSON (${(e as Error).message})`);
  }
  const named = (cfg as { scene?: unknown } | null)?.scene;
  if (typeof named !== 'string')
    throw new SceneError(cfgPath, 'scene', 'must be the path of the scene folder');
  for (const candidate of [resolve(named), resolve(runDir, named)]) {
    if (existsSync(join(candidate, 'transforms.json'))) return { dir: candidate, warning: null };
  }
  return {
    dir: null,
    warning: `no scene: ${cfgPath} names ${named}, which has no transforms.json; views show clift only (pass --scene)`,
  };
}

/** The mean camera up direction of a scene (+z when it has no usable cameras). */
export function sceneUp(scene: Scene | null): [number, number, number] {
  const sum = [0, 0, 0];
  for (const f of scene?.frames ?? []) {
    sum[0] += f.c2w[1]!;
    sum[1] += f.c2w[5]!;
    sum[2] += f.c2w[9]!;
  }
  const n = Math.hypot(sum[0]!, sum[1]!, sum[2]!);
  return n > 1e-6 ? [sum[0]! / n, sum[1]! / n, sum[2]! / n] : [0, 0, 1];
}

/** Reads RUNDIR (prediction/points.ply, prediction/instance/*.png and the scene) or throws naming the missing file. */
export function loadViewerRun(runDir: string, opts: LoadRunOptions = {}): ViewerRun {
  const dir = resolve(runDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SceneError(
      dir,
      'run folder',
      'does not exist or is not a folder (create one with `clift run --out RUNDIR`)',
    );
  }
  const predDir = opts.predDir ? resolve(opts.predDir) : join(dir, 'prediction');
  const plyPath = join(predDir, 'points.ply');
  if (!existsSync(plyPath)) {
    throw new SceneError(
      plyPath,
      opts.predDir ? 'points.ply' : 'prediction/points.ply',
      opts.predDir
        ? 'file not found: --pred must be a folder written by `clift segment --out`'
        : 'file not found: create it with `clift segment --run RUNDIR --out RUNDIR/prediction` (or the whole pipeline with `clift run --out RUNDIR`), or name a prediction folder with --pred',
    );
  }
  let cloud: ReturnType<typeof readPly>;
  try {
    cloud = readPly(plyPath);
  } catch (e) {
    throw new SceneError(plyPath, 'prediction/points.ply', (e as Error).message.replace(`${plyPath}: `, ''));
  }
  if (!cloud.instance) {
    throw new SceneError(
      plyPath,
      'instance',
      'the PLY vertices have no instance property (write it with `clift segment`)',
    );
  }
  const warnings: string[] = [];
  const found = findSceneDir(dir, opts.sceneDir);
  if (found.warning) warnings.push(found.warning);
  const scene = found.dir ? readScene(found.dir) : null;
  const classes: ClassInfo[] = scene?.classes.map((c) => ({ ...c })) ?? [];

  const sources = listViews(predDir, scene);
  if (sources.length === 0) warnings.push(`no views: ${join(predDir, 'instance')} holds no PNG id maps`);
  const views: ViewInfo[] = [];
  const visibleIn = new Map<number, number>();
  for (const src of sources) {
    const info = viewInfo(src, readViewMaps(src, scene));
    for (const o of info.objects) visibleIn.set(o.id, (visibleIn.get(o.id) ?? 0) + 1);
    views.push(info);
  }
  const n = cloud.instance.length;
  const points = packPoints({
    xyz: cloud.xyz,
    instance: cloud.instance,
    rgb: cloud.rgb ?? new Uint8Array(n * 3).fill(NO_COLOR),
  });
  const info: RunInfo = {
    name: basename(dir),
    dir,
    scene: scene?.dir ?? null,
    classes,
    pointCount: n,
    hasColors: cloud.rgb !== undefined,
    objects: summariseObjects(
      { xyz: cloud.xyz, instance: cloud.instance, ...(cloud.semantic ? { semantic: cloud.semantic } : {}) },
      classes,
      visibleIn,
    ),
    views,
    up: sceneUp(scene),
    warnings,
  };
  return { info, points, scene, views: new Map(sources.map((s) => [s.stem, s])) };
}
