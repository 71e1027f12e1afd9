/** Line plots (loss curves, benchmark series) rendered to RGB images with axes, ticks and a legend. */
import { LINE_HEIGHT, textHeight, textWidth } from './bitmap-font.ts';
import { instanceColor, type Rgb } from './palette.ts';
import { Raster, type RgbImage, writeRgbImagePng } from './raster.ts';
import { formatTick, linearTicks, logTicks, type Ticks } from './ticks.ts';

/** One named curve; points where x or y is not finite (or y ≤ 0 on a log axis) break the line. */
export interface PlotSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: Rgb;
}

/** Options for plotLines. */
export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Image width in pixels (default 800). */
  width?: number;
  /** Image height in pixels (default 500). */
  height?: number;
  /** Logarithmic y axis (default false). */
  logY?: boolean;
  /** Curve thickness in pixels (default 2). */
  lineWidth?: number;
  /** Draw the legend (default true). */
  legend?: boolean;
}

/** A pixel box [x0, x1) × [y0, y1). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A rendered plot, with where its data area and legend ended up. */
export interface LinePlot extends RgbImage {
  plotArea: Box;
  legend: Box | null;
}

/** Default curve colours, in order; later series fall back to instance colours. */
export const PLOT_COLORS: readonly Rgb[] = [
  [31, 100, 200],
  [220, 80, 20],
  [30, 150, 60],
  [200, 30, 60],
  [130, 70, 190],
  [0, 160, 170],
  [200, 150, 0],
  [110, 110, 110],
];

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [20, 20, 20];
const GRID: Rgb = [228, 228, 228];
const LEGEND_BORDER: Rgb = [170, 170, 170];
const PAD = 10;
const GAP = 4;
const TICK = 4;
const TITLE_SCALE = 2;
const SWATCH = 18;

/** The colour series `i` is drawn with. */
export function seriesColor(series: PlotSeries, i: number): Rgb {
  return series.color ?? PLOT_COLORS[i] ?? instanceColor(i + 1);
}

/** Whether point i of a series is drawable. */
function valid(s: PlotSeries, i: number, logY: boolean): boolean {
  const x = s.x[i]!;
  const y = s.y[i]!;
  return Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);
}

/** The data range [lo, hi] widened when empty or a single value. */
function range(lo: number, hi: number, fallback: [number, number]): [number, number] {
  if (!(lo <= hi)) return fallback;
  if (lo === hi) {
    const d = Math.max(0.5, Math.abs(lo) * 0.1);
    return [lo - d, hi + d];
  }
  return [lo, hi];
}

/** Renders series as lines over shared axes. */
export function plotLines(series: PlotSeries[], opts: PlotOptions = {}): LinePlot {
  const width = opts.width ?? 800;
  const height = opts.height ?? 500;
  const logY = opts.logY ?? false;
  const lineWidth = opts.lineWidth ?? 2;
  const ty = (y: number): number => (logY ? Math.log10(y) : y);

  let xLo = Number.POSITIVE_INFINITY;
  let xHi = Number.NEGATIVE_INFINITY;
  let tLo = Number.POSITIVE_INFINITY;
  let tHi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      if (!valid(s, i, logY)) continue;
      const t = ty(s.y[i]!);
      xLo = Math.min(xLo, s.x[i]!);
      xHi = Math.max(xHi, s.x[i]!);
      tLo = Math.min(tLo, t);
      tHi = Math.max(tHi, t);
    }
  }
  // A small margin keeps end points and dots off the frame.
  let [xMin, xMax] = range(xLo, xHi, [0, 1]);
  let [tMin, tMax] = range(tLo, tHi, [0, 1]);
  const xPad = (xMax - xMin) * 0.02;
  const tPad = (tMax - tMin) * 0.05;
  xMin -= xPad;
  xMax += xPad;
  tMin -= tPad;
  tMax += tPad;

  // Layout: the left margin depends on the y tick labels, the x ticks on the remaining width.
  const textH = textHeight(1);
  const top = PAD + (opts.title ? textHeight(TITLE_SCALE) + 2 * GAP : Math.ceil(textH / 2));
  const bottom = height - (TICK + GAP + textH + (opts.xLabel ? 2 * GAP + textH : 0) + PAD);
  const yTarget = Math.max(2, Math.round((bottom - top) / 50));
  const yTicks: Ticks = logY ? logTicks(tMin, tMax, yTarget) : linearTicks(tMin, tMax, yTarget);
  const yLabels = yTicks.values.map((v) => formatTick(v, yTicks.step));
  const yLabelW = Math.max(0, ...yLabels.map((l) => textWidth(l)));
  const left = PAD + (opts.yLabel ? textH + 2 * GAP : 0) + yLabelW + GAP + TICK;
  const right = width - PAD - 3 * GAP;
  if (right - left < 20 || bottom - top < 20) {
    throw new Error(`plot of ${width}×${height} pixels is too small for its labels`);
  }
  const xTicks = fitXTicks(xMin, xMax, right - left);
  const area: Box = { x0: left, y0: top, x1: right, y1: bottom };

  const px = (x: number): number => area.x0 + ((x - xMin) / (xMax - xMin)) * (area.x1 - 1 - area.x0);
  const py = (t: number): number => area.y1 - 1 - ((t - tMin) / (tMax - tMin)) * (area.y1 - 1 - area.y0);

  const r = new Raster(width, height, WHITE);
  r.setClip(area.x0, area.y0, area.x1, area.y1);
  for (const v of xTicks.values) r.fillRect(Math.round(px(v)), area.y0, 1, area.y1 - area.y0, GRID);
  for (const v of yTicks.values) r.fillRect(area.x0, Math.round(py(ty(v))), area.x1 - area.x0, 1, GRID);
  series.forEach((s, k) => {
    drawSeries(r, s, seriesColor(s, k), lineWidth, logY, px, (y) => py(ty(y)));
  });
  r.resetClip();

  r.strokeRect(area.x0 - 1, area.y0 - 1, area.x1 - area.x0 + 2, area.y1 - area.y0 + 2, INK);
  for (const v of xTicks.values) {
    const x = Math.round(px(v));
    r.fillRect(x, area.y1 + 1, 1, TICK, INK);
    const label = formatTick(v, xTicks.step);
    r.text(x - Math.floor(textWidth(label) / 2), area.y1 + 1 + TICK + GAP, label, INK);
  }
  yTicks.values.forEach((v, i) => {
    const y = Math.round(py(ty(v)));
    r.fillRect(area.x0 - 1 - TICK, y, TICK, 1, INK);
    const label = yLabels[i]!;
    r.text(area.x0 - 1 - TICK - GAP - textWidth(label), y - Math.floor(textH / 2), label, INK);
  });

  const centreX = (area.x0 + area.x1) / 2;
  if (opts.title) {
    const w = textWidth(opts.title, TITLE_SCALE);
    const x = Math.max(PAD, Math.min(width - PAD - w, Math.round(centreX - w / 2)));
    r.text(x, PAD, opts.title, INK, { scale: TITLE_SCALE });
  }
  if (opts.xLabel) {
    const w = textWidth(opts.xLabel);
    r.text(Math.round(centreX - w / 2), height - PAD - textH, opts.xLabel, INK);
  }
  if (opts.yLabel) {
    const h = textWidth(opts.yLabel);
    r.text(PAD, Math.round((area.y0 + area.y1) / 2 - h / 2), opts.yLabel, INK, { vertical: true });
  }

  const legend = opts.legend === false || series.length === 0 ? null : drawLegend(r, series, area, lineWidth);
  return { width, height, data: r.data, plotArea: area, legend };
}

/** Nice x ticks whose labels do not overlap within `span` pixels. */
function fitXTicks(xMin: number, xMax: number, span: number): Ticks {
  let target = Math.max(2, Math.round(span / 80));
  for (;;) {
    const ticks = linearTicks(xMin, xMax, target);
    const widest = Math.max(0, ...ticks.values.map((v) => textWidth(formatTick(v, ticks.step))));
    const spacing = (ticks.step / (xMax - xMin)) * span;
    if (target <= 2 || spacing >= widest + 3 * GAP) return ticks;
    target--;
  }
}

/** Draws one series as polylines broken at invalid points; isolated points become dots. */
function drawSeries(
  r: Raster,
  s: PlotSeries,
  color: Rgb,
  lineWidth: number,
  logY: boolean,
  px: (x: number) => number,
  py: (y: number) => number,
): void {
  const n = Math.min(s.x.length, s.y.length);
  let prev: [number, number] | null = null;
  let prevAlone = false;
  const dot = ([x, y]: [number, number]): void => {
    const d = lineWidth + 2;
    r.fillRect(Math.round(x - d / 2), Math.round(y - d / 2), d, d, color);
  };
  for (let i = 0; i < n; i++) {
    if (!valid(s, i, logY)) {
      if (prev && prevAlone) dot(prev);
      prev = null;
      continue;
    }
    const p: [number, number] = [px(s.x[i]!), py(s.y[i]!)];
    if (prev) r.line(prev[0], prev[1], p[0], p[1], color, lineWidth);
    prevAlone = prev === null;
    prev = p;
  }
  if (prev && prevAlone) dot(prev);
}

/** Draws the legend in the corner of the plot area covering the fewest drawn pixels; returns its box. */
function drawLegend(r: Raster, series: PlotSeries[], area: Box, lineWidth: number): Box {
  const rowH = LINE_HEIGHT + 3;
  const inner = 5;
  const w = inner * 2 + SWATCH + GAP + Math.max(...series.map((s) => textWidth(s.name)));
  const h = inner * 2 + series.length * rowH - 3;
  const m = 8;
  const corners: [number, number][] = [
    [area.x1 - m - w, area.y0 + m],
    [area.x0 + m, area.y0 + m],
    [area.x1 - m - w, area.y1 - m - h],
    [area.x0 + m, area.y1 - m - h],
  ];
  let best = corners[0]!;
  let bestInk = Number.POSITIVE_INFINITY;
  for (const c of corners) {
    const ink = countInk(r, c[0], c[1], w, h);
    if (ink < bestInk) {
      bestInk = ink;
      best = c;
    }
  }
  const [x, y] = best;
  r.setClip(area.x0, area.y0, area.x1, area.y1);
  r.fillRect(x, y, w, h, WHITE);
  r.strokeRect(x, y, w, h, LEGEND_BORDER);
  series.forEach((s, k) => {
    const rowY = y + inner + k * rowH;
    const midY = rowY + Math.floor(textHeight(1) / 2) - 1;
    r.line(x + inner, midY, x + inner + SWATCH - 1, midY, seriesColor(s, k), lineWidth);
    r.text(x + inner + SWATCH + GAP, rowY, s.name, INK);
  });
  r.resetClip();
  return { x0: x, y0: y, x1: x + w, y1: y + h };
}

/** Number of pixels in a box that are neither background nor grid. */
function countInk(r: Raster, x0: number, y0: number, w: number, h: number): number {
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(r.height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(r.width, x0 + w); x++) {
      const i = (y * r.width + x) * 3;
      const d = r.data;
      const isBg = d[i] === WHITE[0] && d[i + 1] === WHITE[1] && d[i + 2] === WHITE[2];
      const isGrid = d[i] === GRID[0] && d[i + 1] === GRID[1] && d[i + 2] === GRID[2];
      if (!isBg && !isGrid) n++;
    }
  }
  return n;
}

/** Renders series with plotLines and writes the plot as a PNG file. */
export function writePlotPng(path: string, series: PlotSeries[], opts: PlotOptions = {}): LinePlot {
  const plot = plotLines(series, opts);
  writeRgbImagePng(path, plot);
  return plot;
}
