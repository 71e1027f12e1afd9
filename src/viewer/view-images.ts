/** The per-view PNGs the page shows: the photo, or instance ids over it with one object picked out. */
import { encodePng } from '../data/png.ts';
import { overlayInstances } from '../export/overlay.ts';
import type { ViewKind } from './api-types.ts';
import type { ViewMaps } from './views.ts';

/** Weight of the instance colour over the photo, as in the overlays `clift segment` writes. */
const ALPHA = 0.55;
/** Brightness kept by pixels outside the highlighted object. */
const DIM = 0.35;

/** The id map drawn for `kind` (null for the bare photo); throws when the view has no such map. */
function idsOf(maps: ViewMaps, kind: ViewKind): Uint16Array | null {
  if (kind === 'rgb') return null;
  const ids = maps[kind];
  if (!ids) throw new Error(`the view has no ${kind} map`);
  return ids;
}

/**
 * Instance colours over the photo; with `highlight` set, pixels of other ids are dimmed to grey and the
 * highlighted id keeps its colour inside a white outline (a highlight ≤ 0 dims everything).
 */
export function highlightOverlay(
  photo: Uint8Array,
  ids: Uint16Array,
  w: number,
  h: number,
  highlight: number | null,
): Uint8Array {
  const out = overlayInstances(photo, ids, w, h, { alpha: ALPHA, boundaries: true });
  if (highlight === null) return out;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const o = i * 3;
      if (highlight > 0 && ids[i] === highlight) {
        const edge =
          x === 0 ||
          y === 0 ||
          x === w - 1 ||
          y === h - 1 ||
          ids[i - 1] !== highlight ||
          ids[i + 1] !== highlight ||
          ids[i - w] !== highlight ||
          ids[i + w] !== highlight;
        if (edge) out.fill(255, o, o + 3);
        continue;
      }
      const grey = Math.round((0.299 * photo[o]! + 0.587 * photo[o + 1]! + 0.114 * photo[o + 2]!) * DIM);
      out.fill(grey, o, o + 3);
    }
  }
  return out;
}

/** The RGB pixels of one view image. */
export function viewImageRgb(maps: ViewMaps, kind: ViewKind, highlight: number | null): Uint8Array {
  const ids = idsOf(maps, kind);
  if (!ids) return maps.photo;
  return highlightOverlay(maps.photo, ids, maps.width, maps.height, highlight);
}

/** One view image as PNG bytes. */
export function viewImagePng(maps: ViewMaps, kind: ViewKind, highlight: number | null): Uint8Array {
  return encodePng({
    width: maps.width,
    height: maps.height,
    channels: 3,
    depth: 8,
    data: viewImageRgb(maps, kind, highlight),
  });
}
