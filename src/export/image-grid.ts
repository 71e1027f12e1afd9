/** Report figures: images laid out in rows and columns with optional titles, e.g. RGB | 2D | clift | truth. */
import { textHeight, textWidth } from './bitmap-font.ts';
import type { Rgb } from './palette.ts';
import { Raster, type RgbImage, resizeNearest, writeRgbImagePng } from './raster.ts';

/** One image of the grid: w × h RGB pixels. */
export interface GridCell {
  rgb: Uint8Array;
  w: number;
  h: number;
}

/** Options for imageGrid. */
export interface GridOptions {
  /** Text drawn above each column. */
  columnTitles?: string[];
  /** Text drawn left of each row. */
  rowTitles?: string[];
  /** Space in pixels around and between cells (default 4). */
  pad?: number;
  /** Common cell width (default: the widest cell). */
  cellWidth?: number;
  /** Common cell height (default: the tallest cell). */
  cellHeight?: number;
  /** Integer scale of the title font (default 1). */
  textScale?: number;
  /** Background colour (default white). */
  background?: Rgb;
}

const INK: Rgb = [20, 20, 20];

/** Lays out cells (null = empty slot) in a grid, each scaled to the common cell size with its aspect kept. */
export function imageGrid(cells: (GridCell | null)[][], opts: GridOptions = {}): RgbImage {
  const pad = opts.pad ?? 4;
  const scale = opts.textScale ?? 1;
  const colTitles = opts.columnTitles ?? [];
  const rowTitles = opts.rowTitles ?? [];
  const all = cells.flat().filter((c): c is GridCell => c !== null);
  for (const c of all) {
    if (c.rgb.length !== c.w * c.h * 3)
      throw new Error(`grid cell has ${c.rgb.length} bytes, expected ${c.w}×${c.h}×3`);
  }
  const cw = opts.cellWidth ?? Math.max(1, ...all.map((c) => c.w));
  const ch = opts.cellHeight ?? Math.max(1, ...all.map((c) => c.h));
  const nCols = Math.max(colTitles.length, ...cells.map((row) => row.length), 0);
  const nRows = Math.max(rowTitles.length, cells.length);
  // A column is at least as wide as its title, so no title is clipped ("2D segmenter" over a 48 px cell).
  const colW = Math.max(cw, ...colTitles.map((t) => textWidth(t, scale)));
  const titleH = colTitles.length > 0 ? textHeight(scale) + pad : 0;
  const rowTitleW = rowTitles.length > 0 ? Math.max(...rowTitles.map((t) => textWidth(t, scale))) + pad : 0;
  const width = pad + rowTitleW + nCols * (colW + pad);
  const height = pad + titleH + nRows * (ch + pad);

  const r = new Raster(width, height, opts.background ?? [255, 255, 255]);
  const colX = (col: number): number => pad + rowTitleW + col * (colW + pad);
  const cellX = (col: number): number => colX(col) + Math.floor((colW - cw) / 2);
  const cellY = (row: number): number => pad + titleH + row * (ch + pad);

  colTitles.forEach((title, col) => {
    const w = textWidth(title, scale);
    const x = colX(col) + Math.floor((colW - w) / 2);
    r.setClip(colX(col), 0, colX(col) + colW, height);
    r.text(x, pad, title, INK, { scale });
  });
  r.resetClip();
  rowTitles.forEach((title, row) => {
    r.text(pad, cellY(row) + Math.floor((ch - textHeight(scale)) / 2), title, INK, { scale });
  });
  cells.forEach((rowCells, row) => {
    rowCells.forEach((cell, col) => {
      if (!cell) return;
      const f = Math.min(cw / cell.w, ch / cell.h);
      const w = Math.max(1, Math.min(cw, Math.round(cell.w * f)));
      const h = Math.max(1, Math.min(ch, Math.round(cell.h * f)));
      const img = { width: cell.w, height: cell.h, data: cell.rgb };
      const fitted = w === cell.w && h === cell.h ? img : resizeNearest(img, w, h);
      r.blit(fitted, cellX(col) + Math.floor((cw - w) / 2), cellY(row) + Math.floor((ch - h) / 2));
    });
  });
  return { width, height, data: r.data };
}

/** Lays out cells with imageGrid and writes the result as a PNG file. */
export function writeImageGridPng(
  path: string,
  cells: (GridCell | null)[][],
  opts: GridOptions = {},
): RgbImage {
  const img = imageGrid(cells, opts);
  writeRgbImagePng(path, img);
  return img;
}
