/**
 * The renderable world of a synthetic scene: the room and every settled object merged into one
 * triangle mesh with one BVH, plus per-vertex tables giving each triangle's instance id (0 = room) and
 * room surface. Built from a plain, serialisable SceneSpec so render workers can rebuild it exactly.
 */
import { BufferAttribute, BufferGeometry, Matrix4 } from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import { MeshBVH, SAH } from 'three-mesh-bvh';
import { invertRigid } from '../rays/camera.ts';
import { type FlatBvh, flattenBvh } from './bvh-raycast.ts';
import { CEILING, type Environment, FLOOR, type Room, type Surface, WALL } from './environment.ts';
import type { Pose } from './physics.ts';
import { buildShape, poseMatrix } from './shape-parts.ts';
import type { ShapeSpec } from './shapes.ts';
import type { TextureSpec } from './textures.ts';

/** One settled object: instance id (1..N), shape, texture and world pose. */
export interface PlacedObject {
  id: number;
  shape: ShapeSpec;
  texture: TextureSpec;
  pose: Pose;
}

/** Everything needed to render a scene; plain data (JSON- and worker-transferable). */
export interface SceneSpec {
  environment: Environment;
  objects: PlacedObject[];
  /** Offset of shadow-ray origins off a surface, metres. */
  surfaceEps: number;
}

/** The merged, ray-castable world. */
export interface RenderWorld {
  bvh: MeshBVH;
  /** The same tree as flat arrays, for the fast ray queries. */
  flat: FlatBvh;
  /** Vertex normals of the merged mesh, xyz. */
  normals: Float32Array;
  /** Instance id per vertex of the merged mesh (0 = room). */
  vertexInstance: Uint16Array;
  /** Room surface per vertex (meaningful where vertexInstance is 0). */
  vertexSurface: Uint8Array;
  /** Row-major world-to-local transform per object, indexed by id − 1. */
  worldToLocal: Float64Array[];
  textures: TextureSpec[];
  environment: Environment;
  surfaceEps: number;
}

/**
 * The inward-facing floor, walls and ceiling of a room, with a room-surface code per vertex; an open room's
 * walls end at `open.wallHeight` and it has no ceiling.
 */
export function roomGeometry(
  room: Room,
  open?: Environment['open'],
): { geometry: BufferGeometry; surface: Uint8Array } {
  const { halfX: x, halfY: y } = room;
  const h = open ? open.wallHeight : room.height;
  // Each quad: four corners, its inward normal and its surface.
  // biome-ignore format: one room face a line
  const all: [number[][], number[], Surface][] = [
    [[[-x, -y, 0], [x, -y, 0], [x, y, 0], [-x, y, 0]], [0, 0, 1], FLOOR],
    [[[-x, -y, h], [-x, y, h], [x, y, h], [x, -y, h]], [0, 0, -1], CEILING],
    [[[-x, -y, 0], [-x, y, 0], [-x, y, h], [-x, -y, h]], [1, 0, 0], WALL],
    [[[x, -y, 0], [x, -y, h], [x, y, h], [x, y, 0]], [-1, 0, 0], WALL],
    [[[-x, -y, 0], [-x, -y, h], [x, -y, h], [x, -y, 0]], [0, 1, 0], WALL],
    [[[-x, y, 0], [x, y, 0], [x, y, h], [-x, y, h]], [0, -1, 0], WALL],
  ];
  const quads = open ? all.filter(([, , s]) => s !== CEILING) : all;
  const pos = new Float32Array(quads.length * 12);
  const nor = new Float32Array(quads.length * 12);
  const surface = new Uint8Array(quads.length * 4);
  const index: number[] = [];
  quads.forEach(([corners, n, s], q) => {
    corners.forEach((c, k) => {
      pos.set(c, (q * 4 + k) * 3);
      nor.set(n, (q * 4 + k) * 3);
      surface[q * 4 + k] = s;
    });
    index.push(q * 4, q * 4 + 1, q * 4 + 2, q * 4, q * 4 + 2, q * 4 + 3);
  });
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(pos, 3));
  geometry.setAttribute('normal', new BufferAttribute(nor, 3));
  geometry.setIndex(index);
  return { geometry, surface };
}

/** Builds the merged mesh, its BVH and the per-vertex tables of a scene. */
export function buildRenderWorld(spec: SceneSpec): RenderWorld {
  const room = roomGeometry(spec.environment.room, spec.environment.open);
  const parts: BufferGeometry[] = [room.geometry];
  const worldToLocal: Float64Array[] = [];
  spec.objects.forEach((obj, i) => {
    if (obj.id !== i + 1) throw new Error(`object ${i} has id ${obj.id}; ids must run 1..N in order`);
    const geo = buildShape(obj.shape).geometry;
    const m = poseMatrix(obj.pose.position, obj.pose.rotation);
    geo.applyMatrix4(new Matrix4().set(...(Array.from(m) as Parameters<Matrix4['set']>)));
    parts.push(geo);
    worldToLocal.push(invertRigid(m));
  });
  const merged = mergeGeometries(parts, false);
  if (!merged) throw new Error('cannot merge the scene meshes');
  const vertexCount = merged.getAttribute('position').count;
  const vertexInstance = new Uint16Array(vertexCount);
  const vertexSurface = new Uint8Array(vertexCount);
  vertexSurface.set(room.surface, 0);
  let offset = room.surface.length;
  spec.objects.forEach((obj, i) => {
    const n = parts[i + 1]!.getAttribute('position').count;
    vertexInstance.fill(obj.id, offset, offset + n);
    offset += n;
  });
  const bvh = new MeshBVH(merged, { strategy: SAH, verbose: false });
  return {
    bvh,
    flat: flattenBvh(bvh, merged),
    normals: merged.getAttribute('normal').array as Float32Array,
    vertexInstance,
    vertexSurface,
    worldToLocal,
    textures: spec.objects.map((o) => o.texture),
    environment: spec.environment,
    surfaceEps: spec.surfaceEps,
  };
}
