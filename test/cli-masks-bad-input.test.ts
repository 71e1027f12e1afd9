/**
 * Bad input to `clift masks import`, run as the user would in child processes: each case exits non-zero with
 * one error line naming the file and the field (or the flag), no stack trace, and the scene left as it was.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { countsToString, rleEncode } from '../src/data/masks/rle.ts';
import { writeRgb8 } from '../src/data/png.ts';
import { errorLines, inPool, runCli } from './helpers/cli.ts';
import { H, plainRects, type Rect, rectMask, STEMS, W, writeMaskScene } from './helpers/mask-scene.ts';

const scene = writeMaskScene();
const root = join(scene, '..', `${scene.split('/').at(-1)}-inputs`);
after(() => {
  rmSync(scene, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

function put(rel: string, value: unknown): string {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

const rle = (r: Rect) => ({ size: [H, W], counts: countsToString(rleEncode(rectMask(r), H, W)) });
const detections = () =>
  STEMS.flatMap((stem, k) =>
    plainRects(k).map((r) => ({
      file_name: `${stem}.jpg`,
      category_id: 62,
      score: r.score,
      segmentation: rle(r),
    })),
  );
const sam = (k: number) =>
  plainRects(k).map((r) => ({ segmentation: rle(r), predicted_iou: 0.9, stability_score: 0.95 }));

/** Writes a SAM folder with every view, changed by `edit`. */
function samFolder(name: string, edit: (views: Record<string, unknown[]>) => void): string {
  const views: Record<string, unknown[]> = Object.fromEntries(STEMS.map((s, k) => [s, sam(k)]));
  edit(views);
  for (const [stem, masks] of Object.entries(views)) put(`${name}/${stem}.json`, masks);
  return join(root, name);
}

function binaryFolder(name: string, size: number): string {
  for (const stem of STEMS)
    writeRgb8(
      join(root, name, stem, '0_chair.png'),
      stem === '0002' ? size : W,
      H,
      new Uint8Array((stem === '0002' ? size : W) * H * 3).fill(255),
    );
  return join(root, name);
}

interface BadCase {
  name: string;
  args: () => string[];
  error: RegExp;
}

const imp = (...rest: string[]) => ['masks', 'import', '--scene', scene, ...rest];

const CASES: BadCase[] = [
  {
    name: '--format foo',
    args: () => imp('--format', 'foo', '--in', root),
    error: /--format must be one of coco-panoptic, coco-instance, sam, binary, got "foo"/,
  },
  {
    name: '--min-score abc',
    args: () => imp('--format', 'sam', '--in', root, '--min-score', 'abc'),
    error: /--min-score must be a number, got "abc"/,
  },
  {
    name: 'results JSON that does not parse',
    args: () => imp('--format', 'coco-instance', '--in', put('broken.json', '[{"category_id": 1,')),
    error: /broken\.json: broken\.json: not valid JSON/,
  },
  {
    name: 'a category id that is not an integer',
    args: () => {
      const d = detections();
      (d[1] as Record<string, unknown>).category_id = 'chair';
      return imp('--format', 'coco-instance', '--in', put('cat.json', d));
    },
    error: /cat\.json: \[1\]\.category_id: must be an integer, got "chair"/,
  },
  {
    name: 'an RLE of the wrong size (last frame)',
    args: () => {
      const d = detections();
      (d.at(-1)!.segmentation as { size: number[] }).size = [10, 12];
      return imp('--format', 'coco-instance', '--in', put('size.json', d));
    },
    error: /size\.json: \[11\]\.segmentation\.size: mask is 12×10 but frame "0002" is 32×24/,
  },
  {
    name: 'RLE runs that do not cover the image',
    args: () => {
      const d = detections();
      d[0]!.segmentation = { size: [H, W], counts: [5, 10] } as never;
      return imp('--format', 'coco-instance', '--in', put('runs.json', d));
    },
    error: /runs\.json: \[0\]\.segmentation\.counts: runs cover 15 pixels, the mask has 32×24 = 768/,
  },
  {
    name: 'a polygon with an odd number of coordinates',
    args: () => {
      const d = detections();
      d[2]!.segmentation = [[1, 1, 5, 1, 5]] as never;
      return imp('--format', 'coco-instance', '--in', put('poly.json', d));
    },
    error: /poly\.json: \[2\]\.segmentation\[0\]: a polygon needs an even number ≥ 6 of coordinates, got 5/,
  },
  {
    name: 'a class map naming a class the scene does not have',
    args: () =>
      imp(
        '--format',
        'coco-instance',
        '--in',
        put('ok.json', detections()),
        '--class-map',
        put('map.json', { '62': 'chiar' }),
      ),
    error:
      /map\.json: "62": target class "chiar" is not in the scene's semantic_classes \(background, chair, table, wall\)/,
  },
  {
    name: 'a class map without an entry for a category',
    args: () =>
      imp(
        '--format',
        'coco-instance',
        '--in',
        put('ok2.json', detections()),
        '--class-map',
        put('map2.json', { '67': 'table' }),
      ),
    error: /map2\.json: category 62: no entry for it \(found in .*ok2\.json\) and no "\*" entry/,
  },
  {
    name: 'a frame without masks',
    args: () =>
      imp(
        '--format',
        'sam',
        '--in',
        samFolder('sam-missing', (v) => delete v['0002']),
      ),
    error: /sam-missing: views: no masks for 1 of 3 frames \(0002\); .*--allow-missing/,
  },
  {
    name: 'a SAM mask without predicted_iou',
    args: () =>
      imp(
        '--format',
        'sam',
        '--in',
        samFolder('sam-iou', (v) => delete (v['0001']![2] as Record<string, unknown>).predicted_iou),
      ),
    error: /sam-iou\/0001\.json: \[2\]\.predicted_iou: must be a finite number, got nothing \(missing\)/,
  },
  {
    name: 'a SAM folder that does not exist',
    args: () => imp('--format', 'sam', '--in', join(root, 'no-sam')),
    error: /no-sam: SAM output folder: folder not found/,
  },
  {
    name: 'a binary mask of the wrong size (last frame)',
    args: () => imp('--format', 'binary', '--in', binaryFolder('bin-size', 16)),
    error: /bin-size\/0002\/0_chair\.png: binary mask: mask is 16×24 but frame "0002" is 32×24/,
  },
  {
    name: 'a binary mask file named against the layout',
    args: () => {
      const dir = binaryFolder('bin-name', W);
      writeRgb8(join(dir, '0001', 'chair.png'), W, H, new Uint8Array(W * H * 3));
      return imp('--format', 'binary', '--in', dir);
    },
    error: /bin-name\/0001\/chair\.png: binary mask: file name must be <k>\.png or <k>_<class>\.png/,
  },
  {
    name: 'a panoptic PNG of the wrong size',
    args: () => {
      for (const stem of STEMS) {
        const h = stem === '0001' ? 20 : H;
        writeRgb8(join(root, 'pan2', 'q', `${stem}.png`), W, h, new Uint8Array(W * h * 3));
      }
      const anns = STEMS.map((stem) => ({ file_name: `${stem}.png`, segments_info: [] }));
      return imp('--format', 'coco-panoptic', '--in', put('pan2/q.json', { annotations: anns }));
    },
    error: /pan2\/q\/0001\.png: panoptic PNG: mask is 32×20 but frame "0001" is 32×24/,
  },
  {
    name: 'a class map whose value is not a class name',
    args: () =>
      imp(
        '--format',
        'sam',
        '--in',
        samFolder('sam-map', () => {}),
        '--class-map',
        put('map3.json', { '*': 3 }),
      ),
    error: /map3\.json: "\*": must be a scene class name or null, got 3/,
  },
  {
    name: 'a panoptic pixel whose segment id segments_info does not list',
    args: () => {
      const rgb = new Uint8Array(W * H * 3);
      rgb[(3 * W + 4) * 3] = 7;
      for (const stem of STEMS) writeRgb8(join(root, 'pan', 'p', `${stem}.png`), W, H, rgb);
      const anns = STEMS.map((stem) => ({
        file_name: `${stem}.png`,
        segments_info: [{ id: 8, category_id: 1 }],
      }));
      return imp('--format', 'coco-panoptic', '--in', put('pan/p.json', { annotations: anns }));
    },
    error:
      /pan\/p\/0000\.png: annotations\[0\]\.segments_info: pixel 4,3 holds segment id 7, which segments_info does not list/,
  },
];

test(`clift masks import refuses bad input (${CASES.length} cases): one error line naming file and field, scene unchanged`, {
  timeout: 240_000,
}, async () => {
  const before = readFileSync(join(scene, 'transforms.json'), 'utf8');
  const results = await inPool(CASES, 3, async (c) => ({ c, r: await runCli(c.args(), 20_000) }));
  const failures: string[] = [];
  for (const { c, r } of results) {
    const lines = errorLines(r.stderr);
    const problems = [
      r.killed ? 'still running after 20 s' : '',
      r.code === 0 || r.code === null ? `exit code ${r.code}` : '',
      lines.length !== 1 ? `${lines.length} error lines` : '',
      lines.length === 1 && !c.error.test(lines[0]!) ? `error line does not match ${c.error}` : '',
      /^\s+at .+:\d+:\d+\)?$/m.test(r.stderr) ? 'stack trace printed' : '',
    ].filter((p) => p);
    if (problems.length > 0)
      failures.push(`${c.name}: ${problems.join('; ')}\n    stderr: ${r.stderr.trim()}`);
  }
  assert.equal(failures.length, 0, `\n${failures.join('\n')}`);
  assert.equal(readFileSync(join(scene, 'transforms.json'), 'utf8'), before, 'transforms.json untouched');
  assert.deepEqual(
    readdirSync(scene).sort(),
    ['images', 'transforms.json'],
    'no maps, no staging folder left',
  );
});

test('a good import through the command line prints what it did', async () => {
  const dir = writeMaskScene();
  const input = samFolder('sam-good', (v) => {
    v.extra_view = sam(0);
  });
  const r = await runCli(
    ['masks', 'import', '--scene', dir, '--format', 'sam', '--in', input, '--min-score', '0.5'],
    30_000,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /imported 12 masks into 3 frames of .*: 12 instances; 0 below --min-score, 0 dropped by the class map, 0 hidden/,
  );
  assert.match(r.stderr, /clift: warning: 1 predicted views match no frame \(extra_view\)/);
  rmSync(dir, { recursive: true, force: true });
});
