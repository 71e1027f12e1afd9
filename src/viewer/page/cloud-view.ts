/** The 3D panel: the labelled cloud as three.js points, orbit controls, click picking and highlighting. */
import {
  BufferAttribute,
  BufferGeometry,
  Color,
  ColorManagement,
  LinearSRGBColorSpace,
  PerspectiveCamera,
  Points,
  PointsMaterial,
  Raycaster,
  Scene,
  Vector2,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { instanceColor } from '../../export/palette.ts';
import type { ObjectInfo, RunInfo, ViewCamera } from '../api-types.ts';
import type { PackedPoints } from '../points-layout.ts';

/** How the cloud is coloured. */
export type ColorMode = 'instance' | 'photo';

/** Point size in CSS pixels, and of the highlighted object's points. */
const POINT_PX = 2;
const HIGHLIGHT_PX = 4;
/** Radius in CSS pixels around the cursor within which a click hits a point. */
const PICK_PX = 6;
/** Brightness kept by points outside the selection. */
const DIM = 0.3;
/** Pointer travel in CSS pixels beyond which a press is a drag, not a click. */
const CLICK_SLOP_PX = 5;
const BACKGROUND = 0x16181c;

/** Centre and diagonal of the points' bounding box (only labelled points when `onlyObjects`), or null. */
function bounds(
  xyz: Float32Array,
  instance: Int32Array,
  onlyObjects: boolean,
): { center: Vector3; diag: number } | null {
  const lo = new Vector3(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  const hi = new Vector3(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY);
  let found = false;
  const p = new Vector3();
  for (let i = 0; i < instance.length; i++) {
    if (onlyObjects && instance[i]! <= 0) continue;
    p.fromArray(xyz, i * 3);
    if (!Number.isFinite(p.x + p.y + p.z)) continue;
    lo.min(p);
    hi.max(p);
    found = true;
  }
  if (!found) return null;
  return { center: lo.clone().add(hi).multiplyScalar(0.5), diag: Math.max(hi.distanceTo(lo), 1e-6) };
}

/** The labelled cloud in a WebGL canvas, with orbiting, picking and one highlighted object. */
export class CloudView {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera: PerspectiveCamera;
  private readonly controls: OrbitControls;
  private readonly cloud: Points<BufferGeometry, PointsMaterial>;
  private readonly highlight: Points<BufferGeometry, PointsMaterial>;
  private readonly baseColors: Uint8Array;
  private readonly shownColors: Uint8Array;
  private readonly members = new Map<number, Uint32Array>();
  private readonly raycaster = new Raycaster();
  private readonly home: { position: Vector3; target: Vector3; fov: number };
  private selected: number | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly points: PackedPoints,
    info: RunInfo,
    private readonly onPick: (id: number | null) => void,
  ) {
    ColorManagement.enabled = false;
    this.renderer = new WebGLRenderer({ antialias: true });
    this.renderer.outputColorSpace = LinearSRGBColorSpace;
    this.renderer.setPixelRatio(window.devicePixelRatio);
    this.canvas = this.renderer.domElement;
    container.appendChild(this.canvas);
    this.scene.background = new Color(BACKGROUND);

    const n = points.instance.length;
    const lists = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const id = points.instance[i]!;
      if (id <= 0) continue;
      const list = lists.get(id);
      if (list) list.push(i);
      else lists.set(id, [i]);
    }
    for (const [id, list] of lists) this.members.set(id, Uint32Array.from(list));

    this.baseColors = new Uint8Array(n * 3);
    this.shownColors = new Uint8Array(n * 3);
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(points.xyz, 3));
    geometry.setAttribute('color', new BufferAttribute(this.shownColors, 3, true));
    this.cloud = new Points(
      geometry,
      new PointsMaterial({ size: POINT_PX, sizeAttenuation: false, vertexColors: true }),
    );
    this.scene.add(this.cloud);
    this.highlight = new Points(
      new BufferGeometry(),
      new PointsMaterial({ size: HIGHLIGHT_PX, sizeAttenuation: false, vertexColors: true }),
    );
    this.highlight.renderOrder = 1;
    this.scene.add(this.highlight);

    const all = bounds(points.xyz, points.instance, false);
    const objects = bounds(points.xyz, points.instance, true) ?? all;
    const diag = all?.diag ?? 1;
    const target = objects?.center ?? new Vector3();
    this.camera = new PerspectiveCamera(50, 1, diag / 2000, diag * 20);
    this.camera.up.fromArray(info.up);
    const view = info.views.find((v) => v.camera !== null)?.camera ?? null;
    if (view) {
      this.placeAt(view, target);
    } else {
      const up = this.camera.up.clone();
      const side = Math.abs(up.x) < 0.9 ? new Vector3(1, 0, 0) : new Vector3(0, 1, 0);
      side.addScaledVector(up, -side.dot(up)).normalize();
      this.camera.position
        .copy(target)
        .addScaledVector(side, diag * 0.9)
        .addScaledVector(up, diag * 0.6);
      this.camera.lookAt(target);
    }
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.target.copy(this.targetFor(target));
    this.controls.update();
    this.home = {
      position: this.camera.position.clone(),
      target: this.controls.target.clone(),
      fov: this.camera.fov,
    };
    this.controls.addEventListener('change', () => this.render());

    this.listenForClicks();
    new ResizeObserver(() => this.resize()).observe(container);
    this.setColorMode('instance');
    this.resize();
  }

  /** Number of points drawn highlighted (the selected object's points; 0 without a selection). */
  get highlightedPointCount(): number {
    return this.highlight.geometry.getAttribute('position')?.count ?? 0;
  }

  /** Colours the cloud by instance (background in dimmed photo colours) or by photo colour. */
  setColorMode(mode: ColorMode): void {
    const { instance, rgb } = this.points;
    for (let i = 0; i < instance.length; i++) {
      const id = instance[i]!;
      const o = i * 3;
      if (mode === 'instance' && id > 0) {
        const c = instanceColor(id);
        this.baseColors[o] = c[0];
        this.baseColors[o + 1] = c[1];
        this.baseColors[o + 2] = c[2];
      } else if (mode === 'instance') {
        for (let k = 0; k < 3; k++) this.baseColors[o + k] = 24 + rgb[o + k]! * 0.4;
      } else {
        this.baseColors.set(rgb.subarray(o, o + 3), o);
      }
    }
    this.applySelection();
  }

  /** Highlights object `id` (or nothing) and returns how many points are highlighted. */
  setSelected(id: number | null): number {
    this.selected = id;
    this.applySelection();
    return this.highlightedPointCount;
  }

  /** Back to the starting viewpoint. */
  resetView(): void {
    this.camera.fov = this.home.fov;
    this.camera.updateProjectionMatrix();
    this.camera.position.copy(this.home.position);
    this.controls.target.copy(this.home.target);
    this.controls.update();
    this.render();
  }

  /** Looks at the cloud from a view's camera. */
  lookFrom(view: ViewCamera): void {
    this.placeAt(view, this.controls.target.clone());
    this.controls.target.copy(this.targetFor(this.controls.target));
    this.controls.update();
    this.render();
  }

  /** Orbits around an object, close enough to fill the view. */
  focus(object: ObjectInfo): void {
    if (!object.center || !object.size) return;
    const center = new Vector3().fromArray(object.center);
    const radius = Math.max(Math.hypot(...object.size) / 2, this.camera.near * 10);
    const dir = this.camera.position.clone().sub(this.controls.target).normalize();
    const dist = radius / Math.sin(((this.camera.fov / 2) * Math.PI) / 180);
    this.controls.target.copy(center);
    this.camera.position.copy(center).addScaledVector(dir, dist * 1.3);
    this.controls.update();
    this.render();
  }

  /** The object id under a page position (nearest labelled point within a few pixels), or null. */
  pickAt(clientX: number, clientY: number): number | null {
    const rect = this.canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return null;
    const ndc = new Vector2(
      ((clientX - rect.left) / rect.width) * 2 - 1,
      -((clientY - rect.top) / rect.height) * 2 + 1,
    );
    this.raycaster.setFromCamera(ndc, this.camera);
    const dist = this.camera.position.distanceTo(this.controls.target);
    const worldPerPx = (2 * dist * Math.tan(((this.camera.fov / 2) * Math.PI) / 180)) / rect.height;
    this.raycaster.params.Points = { threshold: worldPerPx * PICK_PX };
    for (const hit of this.raycaster.intersectObject(this.cloud, false)) {
      const id = hit.index === undefined ? 0 : this.points.instance[hit.index]!;
      if (id > 0) return id;
    }
    return null;
  }

  /** A page position where a click picks object `id` (one of its points nearest the camera), or null. */
  screenPositionOfObject(id: number): { x: number; y: number } | null {
    const members = this.members.get(id);
    if (!members) return null;
    const rect = this.canvas.getBoundingClientRect();
    const p = new Vector3();
    const candidates: { d: number; x: number; y: number }[] = [];
    for (const i of members) {
      p.fromArray(this.points.xyz, i * 3);
      const d = p.distanceTo(this.camera.position);
      p.project(this.camera);
      if (Math.abs(p.x) > 0.95 || Math.abs(p.y) > 0.95 || p.z < -1 || p.z > 1) continue;
      candidates.push({
        d,
        x: rect.left + ((p.x + 1) / 2) * rect.width,
        y: rect.top + ((1 - p.y) / 2) * rect.height,
      });
    }
    candidates.sort((a, b) => a.d - b.d);
    const step = Math.max(1, Math.floor(candidates.length / 40));
    for (let k = 0; k < candidates.length; k += step) {
      const c = candidates[k]!;
      if (this.pickAt(c.x, c.y) === id) return { x: c.x, y: c.y };
    }
    return null;
  }

  /** Draws one frame. */
  render(): void {
    this.renderer.render(this.scene, this.camera);
  }

  /** Puts the camera at a view's pose and field of view. */
  private placeAt(view: ViewCamera, lookTarget: Vector3): void {
    const m = view.c2w;
    this.camera.position.set(m[3]!, m[7]!, m[11]!);
    const forward = new Vector3(-m[2]!, -m[6]!, -m[10]!).normalize();
    const depth = Math.max(lookTarget.clone().sub(this.camera.position).dot(forward), this.camera.near * 100);
    this.camera.lookAt(this.camera.position.clone().addScaledVector(forward, depth));
    this.camera.fov = view.fovY;
    this.camera.updateProjectionMatrix();
  }

  /** The orbit centre: the point straight ahead of the camera at the depth of `point`. */
  private targetFor(point: Vector3): Vector3 {
    const forward = new Vector3();
    this.camera.getWorldDirection(forward);
    const depth = Math.max(point.clone().sub(this.camera.position).dot(forward), this.camera.near * 100);
    return this.camera.position.clone().addScaledVector(forward, depth);
  }

  /** Fills the shown colours and the highlight points from the colour mode and the selection. */
  private applySelection(): void {
    const members = this.selected === null ? undefined : this.members.get(this.selected);
    if (this.selected === null) {
      this.shownColors.set(this.baseColors);
    } else {
      for (let i = 0; i < this.baseColors.length; i++) this.shownColors[i] = this.baseColors[i]! * DIM;
    }
    this.cloud.geometry.getAttribute('color').needsUpdate = true;
    const count = members?.length ?? 0;
    const xyz = new Float32Array(count * 3);
    const colors = new Uint8Array(count * 3);
    const c = this.selected === null ? [0, 0, 0] : instanceColor(this.selected);
    for (let k = 0; k < count; k++) {
      const i = members![k]!;
      xyz.set(this.points.xyz.subarray(i * 3, i * 3 + 3), k * 3);
      colors.set(c, k * 3);
    }
    const geometry = new BufferGeometry();
    if (count > 0) {
      geometry.setAttribute('position', new BufferAttribute(xyz, 3));
      geometry.setAttribute('color', new BufferAttribute(colors, 3, true));
    }
    this.highlight.geometry.dispose();
    this.highlight.geometry = geometry;
    this.render();
  }

  /** Picks on a press and release without a drag in between. */
  private listenForClicks(): void {
    let down: { x: number; y: number } | null = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      down = e.button === 0 ? { x: e.clientX, y: e.clientY } : null;
    });
    this.canvas.addEventListener('pointerup', (e) => {
      if (!down || e.button !== 0) return;
      const moved = Math.hypot(e.clientX - down.x, e.clientY - down.y);
      down = null;
      if (moved <= CLICK_SLOP_PX) this.onPick(this.pickAt(e.clientX, e.clientY));
    });
  }

  /** Matches the drawing buffer and camera to the panel's size. */
  private resize(): void {
    const w = Math.max(1, this.container.clientWidth);
    const h = Math.max(1, this.container.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }
}
