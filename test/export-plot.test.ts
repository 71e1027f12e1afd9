import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readImage } from '../src/data/png.ts';
import { type Box, type LinePlot, plotLines, writePlotPng } from '../src/export/line-plot.ts';

const RED = [200, 30, 30] as const;
const BLUE = [30, 60, 210] as const;

/** Counts pixels of colour c inside box b (optionally skipping box `skip`). */
function count(img: LinePlot, c: readonly number[], b: Box, skip?: Box | null): number {
  let n = 0;
  for (let y = b.y0; y < b.y1; y++) {
    for (let x = b.x0; x < b.x1; x++) {
      if (skip && x >= skip.x0 && x < skip.x1 && y >= skip.y0 && y < skip.y1) continue;
      const i = (y * img.width + x) * 3;
      if (img.data[i] === c[0] && img.data[i + 1] === c[1] && img.data[i + 2] === c[2]) n++;
    }
  }
  return n;
}

/** Pixels darker than mid grey (text and axes ink) inside box b. */
function dark(img: LinePlot, b: Box): number {
  let n = 0;
  for (let y = b.y0; y < b.y1; y++) {
    for (let x = b.x0; x < b.x1; x++) {
      const i = (y * img.width + x) * 3;
      if (img.data[i]! < 80 && img.data[i + 1]! < 80 && img.data[i + 2]! < 80) n++;
    }
  }
  return n;
}

const xs = Array.from({ length: 101 }, (_, i) => i);

test('plotLines draws each series inside the axes and names it in the legend', () => {
  const plot = plotLines(
    [
      { name: 'photometric', x: xs, y: xs.map((i) => 1 / (1 + i)), color: RED },
      { name: 'contrastive', x: xs, y: xs.map((i) => 0.5 + 0.1 * Math.sin(i / 5)), color: BLUE },
    ],
    { title: 'Losses', xLabel: 'iteration', yLabel: 'loss', width: 500, height: 300 },
  );
  assert.equal(plot.width, 500);
  assert.equal(plot.height, 300);
  assert.equal(plot.data.length, 500 * 300 * 3);
  const area = plot.plotArea;
  assert.ok(area.x0 > 0 && area.x1 <= 500 && area.y0 > 0 && area.y1 <= 300);
  const plotW = area.x1 - area.x0;
  for (const c of [RED, BLUE]) {
    const inside = count(plot, c, area, plot.legend);
    assert.ok(inside > plotW, `only ${inside} pixels of ${c} in the plot area`);
  }
  const legend = plot.legend;
  assert.ok(legend);
  assert.ok(count(plot, RED, legend) > 5 && count(plot, BLUE, legend) > 5, 'legend swatches');
  assert.ok(dark(plot, legend) > 60, 'legend text');
  const outside = { x0: 0, y0: 0, x1: 500, y1: area.y0 - 1 };
  assert.ok(dark(plot, outside) > 40, 'title text above the plot area');
  assert.equal(count(plot, RED, outside), 0, 'curves are clipped to the plot area');
});

test('NaN values and non-positive values on a log axis leave gaps', () => {
  const y = xs.map((i) => (i >= 40 && i <= 60 ? Number.NaN : 2));
  const lin = plotLines([{ name: 'a', x: xs, y, color: RED }], { legend: false, width: 400, height: 240 });
  assert.equal(lin.legend, null);
  const a = lin.plotArea;
  const mid = Math.round((a.x0 + a.x1) / 2);
  const column = { x0: mid - 10, y0: a.y0, x1: mid + 10, y1: a.y1 };
  assert.equal(count(lin, RED, column), 0);
  assert.ok(count(lin, RED, { ...column, x0: a.x0, x1: a.x0 + 20 }) > 0);

  const logY = xs.map((i) => (i >= 40 && i <= 60 ? 0 : 10 ** (-i / 25)));
  const log = plotLines([{ name: 'b', x: xs, y: logY, color: RED }], {
    logY: true,
    legend: false,
    width: 400,
    height: 240,
  });
  assert.equal(count(log, RED, { ...column, y0: log.plotArea.y0, y1: log.plotArea.y1 }), 0);
  assert.ok(count(log, RED, log.plotArea) > 100);
});

test('an isolated point is drawn as a dot and degenerate input still renders', () => {
  const dot = plotLines([{ name: 'p', x: [0, 1, 2], y: [Number.NaN, 3, Number.NaN], color: RED }], {
    legend: false,
  });
  assert.ok(count(dot, RED, dot.plotArea) >= 9);
  const empty = plotLines([], { title: 'nothing yet' });
  assert.equal(empty.legend, null);
  assert.equal(empty.data.length, 800 * 500 * 3);
  assert.throws(() => plotLines([], { width: 30, height: 30 }), /too small/);
});

test('writePlotPng writes a readable PNG of the plot', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'clift-plot-')), 'loss.png');
  const plot = writePlotPng(path, [{ name: 'loss', x: xs, y: xs.map((i) => 1 + i) }], { logY: true });
  const img = readImage(path);
  assert.equal(img.width, plot.width);
  assert.equal(img.height, plot.height);
  assert.deepEqual(img.data, plot.data);
});
