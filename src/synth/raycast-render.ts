/**
 * Renders one view of a RenderWorld by ray casting through pixel centres: RGB (Lambert shading of the
 * procedural textures, with shadow rays to the lights), planar z-depth, and exact ground-truth instance
 * and semantic ids (one ray per pixel, never blended).
 */
import type { Intrinsics } from '../data/scene.ts';
import { pixelToCameraDir, transformDir } from '../rays/camera.ts';
import { anyHit, closestHit, type RayHit } from './bvh-raycast.ts';
import { backdropAlbedo, type Surface, skyColor } from './environment.ts';
import { linearToSrgb8, type Rgb, textureAlbedo } from './textures.ts';
import type { RenderWorld } from './world-mesh.ts';

/** Ground-truth semantic value of sky pixels: the 8-bit void value (the sky is no class; evaluation drops it). */
export const SKY_SEMANTIC = 255;

/** A camera to render from: camera-to-world pose (OpenGL axes) and intrinsics. */
export interface ViewCamera {
  c2w: Float64Array;
  intrinsics: Intrinsics;
}

/** The maps of one rendered view, row-major, w×h pixels. */
export interface ViewMaps {
  w: number;
  h: number;
  /** 8-bit sRGB, 3 values a pixel. */
  rgb: Uint8Array;
  /** Planar depth in metres along the camera's −z axis (0 = nothing hit: the sky of an open environment). */
  depth: Float32Array;
  /** Ground-truth instance id, 0 = background. */
  instance: Uint16Array;
  /** Ground-truth class: 0 background, 1 object, SKY_SEMANTIC (void) where a ray sees the sky. */
  semantic: Uint16Array;
}

/** Renders every pixel of one view. */
export function renderView(world: RenderWorld, cam: ViewCamera): ViewMaps {
  const { w, h } = cam.intrinsics;
  const n = w * h;
  const out: ViewMaps = {
    w,
    h,
    rgb: new Uint8Array(n * 3),
    depth: new Float32Array(n),
    instance: new Uint16Array(n),
    semantic: new Uint16Array(n),
  };
  const { flat, normals, vertexInstance, vertexSurface, worldToLocal, textures, environment, surfaceEps } =
    world;
  const { index, pos } = flat;
  const lights = environment.lights;
  const ox = cam.c2w[3]!;
  const oy = cam.c2w[7]!;
  const oz = cam.c2w[11]!;
  const hit: RayHit = { t: 0, tri: 0, u: 0, v: 0 };
  const albedo: Rgb = [0, 0, 0];
  const sky: Rgb = [0, 0, 0];
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      const i = v * w + u;
      const d = transformDir(cam.c2w, pixelToCameraDir(cam.intrinsics, u, v));
      // Ray length per unit of planar depth (the camera-space direction has z = −1).
      const len = Math.hypot(d[0], d[1], d[2]);
      const dx = d[0] / len;
      const dy = d[1] / len;
      const dz = d[2] / len;
      if (!closestHit(flat, ox, oy, oz, dx, dy, dz, Number.POSITIVE_INFINITY, hit)) {
        if (!environment.open) continue;
        skyColor(dx, dy, dz, sky);
        for (let k = 0; k < 3; k++) out.rgb[i * 3 + k] = linearToSrgb8(sky[k]!);
        out.semantic[i] = SKY_SEMANTIC;
        continue;
      }
      out.depth[i] = hit.t / len;
      const a = index[hit.tri * 3]!;
      const b = index[hit.tri * 3 + 1]!;
      const c = index[hit.tri * 3 + 2]!;
      const id = vertexInstance[a]!;
      out.instance[i] = id;
      out.semantic[i] = id > 0 ? 1 : 0;

      const px = ox + dx * hit.t;
      const py = oy + dy * hit.t;
      const pz = oz + dz * hit.t;
      if (id > 0) {
        const m = worldToLocal[id - 1]!;
        textureAlbedo(
          textures[id - 1]!,
          m[0]! * px + m[1]! * py + m[2]! * pz + m[3]!,
          m[4]! * px + m[5]! * py + m[6]! * pz + m[7]!,
          m[8]! * px + m[9]! * py + m[10]! * pz + m[11]!,
          albedo,
        );
      } else {
        backdropAlbedo(environment.name, vertexSurface[a]! as Surface, px, py, pz, albedo);
      }

      // Geometric normal, turned towards the camera: offsets shadow rays and decides the lit side.
      const e1x = pos[b * 3]! - pos[a * 3]!;
      const e1y = pos[b * 3 + 1]! - pos[a * 3 + 1]!;
      const e1z = pos[b * 3 + 2]! - pos[a * 3 + 2]!;
      const e2x = pos[c * 3]! - pos[a * 3]!;
      const e2y = pos[c * 3 + 1]! - pos[a * 3 + 1]!;
      const e2z = pos[c * 3 + 2]! - pos[a * 3 + 2]!;
      let gx = e1y * e2z - e1z * e2y;
      let gy = e1z * e2x - e1x * e2z;
      let gz = e1x * e2y - e1y * e2x;
      const gl = Math.hypot(gx, gy, gz) * (gx * dx + gy * dy + gz * dz > 0 ? -1 : 1);
      gx /= gl;
      gy /= gl;
      gz /= gl;
      // Shading normal: vertex normals interpolated, on the camera's side.
      const wa = 1 - hit.u - hit.v;
      let nx = wa * normals[a * 3]! + hit.u * normals[b * 3]! + hit.v * normals[c * 3]!;
      let ny = wa * normals[a * 3 + 1]! + hit.u * normals[b * 3 + 1]! + hit.v * normals[c * 3 + 1]!;
      let nz = wa * normals[a * 3 + 2]! + hit.u * normals[b * 3 + 2]! + hit.v * normals[c * 3 + 2]!;
      const nl = (Math.hypot(nx, ny, nz) || 1) * (nx * gx + ny * gy + nz * gz < 0 ? -1 : 1);
      nx /= nl;
      ny /= nl;
      nz /= nl;

      let r = environment.ambient[0];
      let g = environment.ambient[1];
      let bl = environment.ambient[2];
      for (const light of lights) {
        let lx = light.position[0] - px;
        let ly = light.position[1] - py;
        let lz = light.position[2] - pz;
        const dist = Math.hypot(lx, ly, lz);
        lx /= dist;
        ly /= dist;
        lz /= dist;
        if (gx * lx + gy * ly + gz * lz <= 0) continue;
        const ndl = nx * lx + ny * ly + nz * lz;
        if (ndl <= 0) continue;
        if (light.shadows) {
          const sx = px + gx * surfaceEps;
          const sy = py + gy * surfaceEps;
          const sz = pz + gz * surfaceEps;
          if (anyHit(flat, sx, sy, sz, lx, ly, lz, dist - 2 * surfaceEps)) continue;
        }
        r += light.color[0] * ndl;
        g += light.color[1] * ndl;
        bl += light.color[2] * ndl;
      }
      out.rgb[i * 3] = linearToSrgb8(albedo[0] * r);
      out.rgb[i * 3 + 1] = linearToSrgb8(albedo[1] * g);
      out.rgb[i * 3 + 2] = linearToSrgb8(albedo[2] * bl);
    }
  }
  return out;
}
