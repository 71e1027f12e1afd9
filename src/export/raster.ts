/** A small 8-bit RGB canvas with clipping: fills, thick lines, rectangles, blits and bitmap-font text. */
import { writeRgb8 } from '../data/png.ts';
import { CHAR_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph, textWidth } from './bitmap-font.ts';
import type { Rgb } from './palette.ts';

/** A row-major 8-bit RGB image (3 bytes per pixel). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Options for drawing text. */
export interface TextOptions {
  /** Integer pixel scale of the font (default 1). */
  scale?: number;
  /** Draw rotated 90° counter-clockwise, reading bottom to top (default false). */
  vertical?: boolean;
}

/** Writes an RgbImage as an 8-bit RGB PNG file. */
export function writeRgbImagePng(path: string, img: RgbImage): void {
  writeRgb8(path, img.width, img.height, img.data);
}

/** An RGB drawing surface; every drawing call is clipped to the image and the current clip box. */
export class Raster implements RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  private clipX0 = 0;
  private clipY0 = 0;
  private clipX1: number;
  private clipY1: number;

  /** A new raster filled with `background` (default white). */
  constructor(width: number, height: number, background: Rgb = [255, 255, 255]) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
      throw new Error(`raster size must be non-negative integers, got ${width}×${height}`);
    }
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 3);
    this.clipX1 = width;
    this.clipY1 = height;
    this.fill(background);
  }

  /** Restricts drawing to the box [x0, x1) × [y0, y1) (intersected with the image). */
  setClip(x0: number, y0: number, x1: number, y1: number): void {
    this.clipX0 = Math.max(0, Math.floor(x0));
    this.clipY0 = Math.max(0, Math.floor(y0));
    this.clipX1 = Math.min(this.width, Math.ceil(x1));
    this.clipY1 = Math.min(this.height, Math.ceil(y1));
  }

  /** Removes the clip box so the whole image is drawable again. */
  resetClip(): void {
    this.setClip(0, 0, this.width, this.height);
  }

  /** Sets one pixel (ignored outside the clip box). */
  setPixel(x: number, y: number, c: Rgb): void {
    if (x < this.clipX0 || y < this.clipY0 || x >= this.clipX1 || y >= this.clipY1) return;
    const i = (y * this.width + x) * 3;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
  }

  /** The colour of one pixel (black outside the image). */
  getPixel(x: number, y: number): [number, number, number] {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return [0, 0, 0];
    const i = (y * this.width + x) * 3;
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!];
  }

  /** Fills the whole clip box with one colour. */
  fill(c: Rgb): void {
    this.fillRect(this.clipX0, this.clipY0, this.clipX1 - this.clipX0, this.clipY1 - this.clipY0, c);
  }

  /** Fills the axis-aligned box with top-left (x, y) and size w × h. */
  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    const x0 = Math.max(this.clipX0, Math.round(x));
    const y0 = Math.max(this.clipY0, Math.round(y));
    const x1 = Math.min(this.clipX1, Math.round(x + w));
    const y1 = Math.min(this.clipY1, Math.round(y + h));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        const i = (py * this.width + px) * 3;
        this.data[i] = c[0];
        this.data[i + 1] = c[1];
        this.data[i + 2] = c[2];
      }
    }
  }

  /** Draws the outline of the box with top-left (x, y) and size w × h, `thickness` pixels inward. */
  strokeRect(x: number, y: number, w: number, h: number, c: Rgb, thickness = 1): void {
    const t = Math.max(1, Math.round(thickness));
    this.fillRect(x, y, w, t, c);
    this.fillRect(x, y + h - t, w, t, c);
    this.fillRect(x, y + t, t, h - 2 * t, c);
    this.fillRect(x + w - t, y + t, t, h - 2 * t, c);
  }

  /** Draws a straight segment between pixel centres (x0, y0) and (x1, y1), `thickness` pixels wide. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1): void {
    const r = Math.max(0.5, thickness / 2);
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy;
    const bx0 = Math.max(this.clipX0, Math.floor(Math.min(x0, x1) - r));
    const by0 = Math.max(this.clipY0, Math.floor(Math.min(y0, y1) - r));
    const bx1 = Math.min(this.clipX1 - 1, Math.ceil(Math.max(x0, x1) + r));
    const by1 = Math.min(this.clipY1 - 1, Math.ceil(Math.max(y0, y1) + r));
    const r2 = r * r + 1e-9;
    for (let py = by0; py <= by1; py++) {
      for (let px = bx0; px <= bx1; px++) {
        // Squared distance from the pixel centre to the segment.
        let t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
        t = Math.min(1, Math.max(0, t));
        const ex = x0 + t * dx - px;
        const ey = y0 + t * dy - py;
        if (ex * ex + ey * ey <= r2) this.setPixel(px, py, c);
      }
    }
  }

  /** Copies `src` with its top-left corner at (x, y). */
  blit(src: RgbImage, x: number, y: number): void {
    const ox = Math.round(x);
    const oy = Math.round(y);
    const sx0 = Math.max(0, this.clipX0 - ox);
    const sy0 = Math.max(0, this.clipY0 - oy);
    const sx1 = Math.min(src.width, this.clipX1 - ox);
    const sy1 = Math.min(src.height, this.clipY1 - oy);
    if (sx1 <= sx0) return;
    for (let sy = sy0; sy < sy1; sy++) {
      const from = (sy * src.width + sx0) * 3;
      const to = ((sy + oy) * this.width + sx0 + ox) * 3;
      this.data.set(src.data.subarray(from, from + (sx1 - sx0) * 3), to);
    }
  }

  /**
   * Draws one line of text with its top-left corner at (x, y) and returns its width in pixels.
   * Vertical text occupies a box textHeight(scale) wide and textWidth(text, scale) tall starting at (x, y).
   */
  text(x: number, y: number, text: string, c: Rgb, opts: TextOptions = {}): number {
    const s = Math.max(1, Math.round(opts.scale ?? 1));
    const vertical = opts.vertical ?? false;
    const total = textWidth(text, s);
    const ox = Math.round(x);
    const oy = Math.round(y);
    let pen = 0;
    for (const ch of text) {
      const rows = glyph(ch);
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        const bits = rows[gy]!;
        if (bits === 0) continue;
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
          if ((bits & (1 << (GLYPH_WIDTH - 1 - gx))) === 0) continue;
          const tx = pen + gx * s;
          const ty = gy * s;
          if (vertical) this.fillRect(ox + ty, oy + total - tx - s, s, s, c);
          else this.fillRect(ox + tx, oy + ty, s, s, c);
        }
      }
      pen += CHAR_ADVANCE * s;
    }
    return total;
  }
}

/** Scales an RGB image to width × height by nearest-neighbour sampling. */
export function resizeNearest(src: RgbImage, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(src.height - 1, Math.floor(((y + 0.5) * src.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(src.width - 1, Math.floor(((x + 0.5) * src.width) / width));
      const from = (sy * src.width + sx) * 3;
      const to = (y * width + x) * 3;
      data[to] = src.data[from]!;
      data[to + 1] = src.data[from + 1]!;
      data[to + 2] = src.data[from + 2]!;
    }
  }
  return { width, height, data };
}
