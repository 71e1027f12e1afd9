/** The loss-curve picture of a run: geometry losses (log scale) above label losses, from losses.csv. */
import { readFileSync } from 'node:fs';
import { type PlotSeries, plotLines } from './line-plot.ts';
import { Raster, type RgbImage, writeRgbImagePng } from './raster.ts';

/** Columns of losses.csv as numbers (NaN where empty). */
export function readLossTable(csvPath: string): Map<string, number[]> {
  const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const cols = new Map<string, number[]>(header.map((h) => [h, []]));
  for (const line of lines.slice(1)) {
    line.split(',').forEach((v, i) => {
      cols.get(header[i]!)?.push(v === '' ? Number.NaN : Number(v));
    });
  }
  return cols;
}

function series(cols: Map<string, number[]>, names: string[]): PlotSeries[] {
  const x = cols.get('iter') ?? [];
  return names
    .filter((n) => (cols.get(n) ?? []).some((v) => Number.isFinite(v)))
    .map((name) => ({ name, x, y: cols.get(name)! }));
}

/** Renders losses.csv as two stacked plots and writes them as one PNG. */
export function writeLossCurve(csvPath: string, pngPath: string): RgbImage {
  const cols = readLossTable(csvPath);
  const width = 900;
  const top = plotLines(series(cols, ['rgb', 'depth', 'tv']), {
    title: 'geometry losses',
    xLabel: 'iteration',
    logY: true,
    width,
    height: 360,
  });
  const bottom = plotLines(series(cols, ['semantic', 'segment', 'instance']), {
    title: 'semantic and instance losses',
    xLabel: 'iteration',
    width,
    height: 360,
  });
  const out = new Raster(width, top.height + bottom.height);
  out.blit(top, 0, 0);
  out.blit(bottom, 0, top.height);
  writeRgbImagePng(pngPath, out);
  return out;
}
