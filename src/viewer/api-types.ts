/** The JSON the viewer's server sends to its page: the run, its objects and its views. */

/** The per-view images the server can draw. */
export const VIEW_KINDS = ['rgb', 'clift', 'segmenter', 'gt'] as const;
/** One of the per-view images: the photo, or instance ids (clift, 2D segmenter, ground truth) over it. */
export type ViewKind = (typeof VIEW_KINDS)[number];

/** One object of the run: a clift instance id with its labelled points. */
export interface ObjectInfo {
  id: number;
  /** Most frequent semantic class among its points (null when it has no points). */
  classId: number | null;
  className: string;
  points: number;
  /** Axis-aligned bounding-box extent (x, y, z) in scene units; null when it has no points. */
  size: [number, number, number] | null;
  /** Bounding-box centre in scene coordinates; null when it has no points. */
  center: [number, number, number] | null;
  /** Number of views whose clift prediction shows it. */
  views: number;
}

/** The segment of another id map (2D segmenter or ground truth) that overlaps a clift object most. */
export interface SegmentMatch {
  id: number;
  iou: number;
}

/** A clift object as seen in one view. */
export interface ViewObject {
  id: number;
  pixels: number;
  segmenter: SegmentMatch | null;
  gt: SegmentMatch | null;
}

/** The camera of a view, for looking at the cloud from where the photo was taken. */
export interface ViewCamera {
  /** Camera-to-world, row-major 4×4, OpenGL axes (the camera looks down −z). */
  c2w: number[];
  /** Vertical field of view in degrees. */
  fovY: number;
}

/** One labelled view: which images exist and which clift objects it shows. */
export interface ViewInfo {
  stem: string;
  width: number;
  height: number;
  split: string | null;
  kinds: ViewKind[];
  objects: ViewObject[];
  camera: ViewCamera | null;
}

/** A semantic class of the scene. */
export interface ClassInfo {
  id: number;
  name: string;
  thing: boolean;
}

/** Everything the page needs besides the points: `/api/run`. */
export interface RunInfo {
  name: string;
  dir: string;
  scene: string | null;
  classes: ClassInfo[];
  pointCount: number;
  hasColors: boolean;
  objects: ObjectInfo[];
  views: ViewInfo[];
  /** The scene's up direction (mean camera up, or +z without cameras). */
  up: [number, number, number];
  warnings: string[];
}

/** What `window.cliftViewer` holds. */
export interface CliftViewerHook {
  /** True once the cloud, list and views are drawn. */
  ready: boolean;
  /** The message of a failure while loading, else null. */
  error: string | null;
  selected: number | null;
  /** Points drawn highlighted in 3D (the selected object's; 0 without a selection). */
  highlightedPointCount: number;
  objectCount: number;
  /** Selects an object (null clears), as a click would. */
  select(id: number | null): void;
  /** A page position where a mouse click picks object `id`, or null when none of its points can be hit. */
  screenPositionOfObject(id: number): { x: number; y: number } | null;
}
