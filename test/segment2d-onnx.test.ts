/**
 * `clift segment2d --onnx` end to end on a hand-written scene with a model the test encodes itself: exact id
 * maps, score → confidence, class mapping, overlap resolution, resizing, and the bad-model errors.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readConfidence, readInstances, readSemantics } from '../src/data/maps.ts';
import { writeRgb8 } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { writeTransforms } from '../src/data/write-scene.ts';
import { resizeBilinear } from '../src/segment2d/onnx-resize.ts';
import {
  imageTensorData,
  type OnnxSegmenterOptions,
  runOnnxSegmenter,
} from '../src/segment2d/onnx-runner.ts';
import { loadOnnxRuntime, ortReason } from '../src/segment2d/onnx-runtime.ts';
import { errorLines, inPool, runCli } from './helpers/cli.ts';
import { type ColourModelOptions, colourModel, constantModel, writeModel } from './helpers/onnx-models.ts';

const runtime = await loadOnnxRuntime().catch((e: Error) => e);
const skip = runtime instanceof Error ? `onnxruntime-node is not installed (${runtime.message})` : false;

const W = 32;
const H = 24;
const CLASSES = [
  { id: 0, name: 'floor', thing: false },
  { id: 1, name: 'chair', thing: true },
  { id: 2, name: 'table', thing: true },
  { id: 3, name: 'wall', thing: false },
];

/** The colours the views are painted with: the model's masks are their R, G and B channels above 0.5. */
const COLOURS = {
  K: [0, 0, 0],
  R: [255, 0, 0],
  G: [0, 255, 0],
  B: [0, 0, 255],
  Y: [255, 255, 0],
  W: [255, 255, 255],
};
type Colour = keyof typeof COLOURS;
type View = (x: number, y: number) => Colour;

/** View 0: red | green on top, blue | yellow | black below (yellow = red and green masks overlap). */
const view0: View = (x, y) => (y < 12 ? (x < 16 ? 'R' : 'G') : x < 16 ? 'B' : x < 24 ? 'Y' : 'K');

/** View 1: white (all three masks) on the left, red on the right. */
const view1: View = (x) => (x < 16 ? 'W' : 'R');

/** A per-pixel table of a view's expected values, by the colour it shows. */
function expected(view: View, byColour: Partial<Record<Colour, number>>): number[] {
  const out: number[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out.push(byColour[view(x, y)]!);
  return out;
}

/** A scene of two coloured 32×24 views, with keys of another tool that must survive. */
function makeScene(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clift-onnx-'));
  const views = [view0, view1];
  views.forEach((view, k) => {
    const rgb = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.set(COLOURS[view(x, y)], (y * W + x) * 3);
    writeRgb8(join(dir, `images/${k}.png`), W, H, rgb);
  });
  writeTransforms(dir, {
    camera_model: 'PINHOLE',
    fl_x: 30,
    fl_y: 30,
    cx: W / 2,
    cy: H / 2,
    w: W,
    h: H,
    semantic_classes: CLASSES,
    other_tool: { keep: [1, 2] },
    frames: views.map((_, k) => ({
      file_path: `images/${k}.png`,
      transform_matrix: [
        [1, 0, 0, k],
        [0, 1, 0, 0],
        [0, 0, 1, 3],
        [0, 0, 0, 1],
      ],
      other_note: `view ${k}`,
    })),
  });
  return dir;
}

const BASE: ColourModelOptions = { scores: [0.6, 0.9, 0.75], labels: [1, 2, 7] };

const DEFAULTS = {
  scoreThreshold: 0.5,
  maskThreshold: 0.5,
  normalisation: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
} satisfies Partial<OnnxSegmenterOptions>;

/** Runs the model on a fresh scene; returns the scene folder. */
async function segment(model: ColourModelOptions, opts: Partial<OnnxSegmenterOptions> = {}): Promise<string> {
  const dir = makeScene();
  await runOnnxSegmenter(dir, { ...DEFAULTS, model: writeModel(dir, 'model', colourModel(model)), ...opts });
  return dir;
}

/** The written instance, semantic and confidence maps of every view. */
function maps(dir: string) {
  const scene = readScene(dir);
  return scene.frames.map((f) => ({
    instance: Array.from(readInstances(scene, f, 'instance_file_path')),
    semantic: Array.from(readSemantics(scene, f, 'semantic_file_path')),
    confidence: Array.from(readConfidence(scene, f)),
  }));
}

/** Asserts confidences equal the expected scores to PNG precision. */
function assertConfidence(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length);
  const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0);
  assert.ok(worst <= 1 / 65535, `${what}: confidence off by ${worst}`);
}

/** The id maps of the base model without a class map: ids by score, overlaps to the higher score. */
const IDS0 = expected(view0, { R: 3, G: 1, B: 2, Y: 1, K: 0 });
const IDS1 = expected(view1, { W: 1, R: 2 });

test('every detection becomes an instance of the first thing class, ids by score, overlaps to the higher score', {
  skip,
}, async () => {
  const dir = await segment(BASE);
  const [v0, v1] = maps(dir);
  assert.deepEqual(v0!.instance, IDS0);
  // View 1: blue's mask lies wholly under green's (higher score), so it keeps no pixel and takes no id.
  assert.deepEqual(v1!.instance, IDS1);
  assert.deepEqual(v0!.semantic, expected(view0, { R: 1, G: 1, B: 1, Y: 1, K: 0 }));
  assertConfidence(v0!.confidence, expected(view0, { R: 0.6, G: 0.9, B: 0.75, Y: 0.9, K: 1 }), 'view 0');
  assertConfidence(v1!.confidence, expected(view1, { W: 0.9, R: 0.6 }), 'view 1');
  // transforms.json: the maps are listed, and another tool's keys are kept.
  const json = JSON.parse(readFileSync(join(dir, 'transforms.json'), 'utf8'));
  assert.deepEqual(json.other_tool, { keep: [1, 2] });
  assert.equal(json.frames[1].other_note, 'view 1');
  assert.equal(json.frames[1].instance_file_path, 'segments/instance/1.png');
  assert.equal(json.frames[1].confidence_file_path, 'segments/confidence/1.png');
});

test('a class map sends labels to thing or stuff classes and drops the labels it does not list', {
  skip,
}, async () => {
  const dir = makeScene();
  const mapFile = join(dir, 'labels.json');
  writeFileSync(mapFile, JSON.stringify({ 1: 'chair', 2: 'table', 7: 'wall' }));
  const d1 = await segment(BASE, { classMap: mapFile });
  const [v0] = maps(d1);
  // Blue (label 7 → wall, stuff) paints only the semantic map; the thing ids skip it.
  assert.deepEqual(v0!.instance, expected(view0, { R: 2, G: 1, B: 0, Y: 1, K: 0 }));
  assert.deepEqual(v0!.semantic, expected(view0, { R: 1, G: 2, B: 3, Y: 2, K: 0 }));
  assertConfidence(v0!.confidence, expected(view0, { R: 0.6, G: 0.9, B: 0.75, Y: 0.9, K: 1 }), 'mapped');

  writeFileSync(mapFile, JSON.stringify({ 2: 'table' }));
  const [w0] = maps(await segment(BASE, { classMap: mapFile }));
  assert.deepEqual(w0!.instance, expected(view0, { R: 0, G: 1, B: 0, Y: 1, K: 0 }));
  assert.deepEqual(w0!.semantic, expected(view0, { R: 0, G: 2, B: 0, Y: 2, K: 0 }));
});

test('the score threshold drops detections; a dropped one leaves its pixels to the next mask', {
  skip,
}, async () => {
  const [v0] = maps(await segment(BASE, { scoreThreshold: 0.7 }));
  assert.deepEqual(v0!.instance, expected(view0, { R: 0, G: 1, B: 2, Y: 1, K: 0 }));
  // Reversed scores: red now outranks green and takes the yellow overlap.
  const [r0] = maps(await segment({ scores: [0.9, 0.6, 0.75], labels: [1, 2, 7] }));
  assert.deepEqual(r0!.instance, expected(view0, { R: 1, G: 3, B: 2, Y: 1, K: 0 }));
});

test('[N,1,H,W] masks, int32 labels, a fixed input size and --input-size give the same maps', {
  skip,
}, async () => {
  for (const [what, model, opts] of [
    ['rank 4', { ...BASE, rank4: true }, {}],
    ['int32 labels', { ...BASE, labelType: 'int32' }, {}],
    ['fixed 16×16 input', { ...BASE, fixedSize: 16 }, {}],
    ['--input-size 16', BASE, { inputSize: 16 }],
  ] as [string, ColourModelOptions, Partial<OnnxSegmenterOptions>][]) {
    const [v0, v1] = maps(await segment(model, opts));
    assert.deepEqual(v0!.instance, IDS0, what);
    assert.deepEqual(v1!.instance, IDS1, what);
  }
});

test('the mask threshold is applied to the resized mask values', { skip }, async () => {
  // Every mask value is sigmoid(50·(v − 0.5)) ≤ 1: a threshold above 1 leaves every pixel uncovered.
  const [v0] = maps(await segment(BASE, { maskThreshold: 1.5 }));
  assert.ok(v0!.instance.every((v) => v === 0));
  assert.ok(v0!.semantic.every((v) => v === 0));
});

/** A bad model or class map: the options it is run with (model and class map written into `dir`), and the error. */
interface BadModel {
  name: string;
  opts: (dir: string) => Partial<OnnxSegmenterOptions> & { model: string };
  error: RegExp;
}

const THREE: ColourModelOptions = BASE;
const constants = (masks: number[]) => [
  {
    name: 'masks',
    type: 'float32' as const,
    dims: masks,
    data: new Array(masks.reduce((a, b) => a * b, 1)).fill(1),
  },
  { name: 'scores', type: 'float32' as const, dims: [3], data: [1, 1, 1] },
  { name: 'labels', type: 'int64' as const, dims: [3], data: [1, 1, 1] },
];

const BAD: BadModel[] = [
  {
    name: 'missing model file',
    opts: (d) => ({ model: join(d, 'nope.onnx') }),
    error: /nope\.onnx: cannot read the model: no such file or folder/,
  },
  { name: 'a folder as the model', opts: (d) => ({ model: d }), error: /cannot read the model: is a folder/ },
  {
    name: 'not an ONNX file',
    opts: (d) => {
      writeFileSync(join(d, 'junk.onnx'), 'not a model');
      return { model: join(d, 'junk.onnx') };
    },
    error: /junk\.onnx: not a loadable ONNX model \(.*protobuf parsing failed/,
  },
  {
    name: 'output labels missing',
    opts: (d) => ({
      model: writeModel(d, 'm', colourModel({ ...THREE, names: ['masks', 'scores', 'classes'] })),
    }),
    error: /m\.onnx: output "labels": missing; the model's outputs are masks, scores, classes/,
  },
  {
    name: 'labels are float32',
    opts: (d) => ({ model: writeModel(d, 'm', colourModel({ ...THREE, labelType: 'float32' })) }),
    error: /m\.onnx: output "labels": is float32; must be int64 or int32/,
  },
  {
    name: 'masks of rank 2',
    opts: (d) => ({ model: writeModel(d, 'm', constantModel(constants([3, 4]))) }),
    error: /m\.onnx: output "masks": has rank 2 \(\[3,4\]\); must be \[N,H,W\] or \[N,1,H,W\]/,
  },
  {
    name: 'masks [N,2,H,W]',
    opts: (d) => ({ model: writeModel(d, 'm', constantModel(constants([3, 2, 4, 4]))) }),
    error: /m\.onnx: view 0: output "masks": has shape \[3,2,4,4\]; must be \[N,1,H,W\]/,
  },
  {
    name: 'fewer scores than masks',
    opts: (d) => ({ model: writeModel(d, 'm', colourModel({ scores: [0.9, 0.8], labels: [1, 1, 1] })) }),
    error: /m\.onnx: view 0: output: "masks" has 3 instances but "scores" has 2 and "labels" 3/,
  },
  {
    name: 'two inputs, none named images',
    opts: (d) => {
      const g = colourModel(THREE);
      g.nodes[0]!.inputs[0] = 'pixels';
      g.inputs = [
        { name: 'pixels', type: 'float32', shape: [1, 3, 'h', 'w'] },
        { name: 'size', type: 'int64', shape: [2] },
      ];
      return { model: writeModel(d, 'm', g) };
    },
    error: /m\.onnx: input "images": missing; the model's inputs are pixels, size/,
  },
  {
    name: 'an int64 image input',
    opts: (d) => ({
      model: writeModel(
        d,
        'm',
        constantModel(constants([3, 4, 4]), { name: 'images', type: 'int64', shape: [1, 3, 'h', 'w'] }),
      ),
    }),
    error: /m\.onnx: input "images": is int64; clift feeds float32/,
  },
  {
    name: 'a one-channel input',
    opts: (d) => ({
      model: writeModel(
        d,
        'm',
        constantModel(constants([3, 4, 4]), { name: 'x', type: 'float32', shape: [1, 1, 'h', 'w'] }),
      ),
    }),
    error: /m\.onnx: input "x": has 1 channels; clift feeds 3 \(RGB\)/,
  },
  {
    name: 'a model that fails when run',
    opts: (d) => ({
      model: writeModel(d, 'm', {
        ...constantModel(constants([3, 4, 4]).slice(1)),
        nodes: [
          ...constantModel(constants([3, 4, 4]).slice(1)).nodes,
          { op: 'Reshape', inputs: ['images', 'odd_shape'], outputs: ['masks'] },
        ],
        initializers: [
          ...constantModel(constants([3, 4, 4]).slice(1)).initializers!,
          { name: 'odd_shape', type: 'int64', dims: [3], data: [3, -1, 7] },
        ],
        outputs: [
          { name: 'masks', type: 'float32', shape: [3, 'a', 7] },
          ...constantModel(constants([3, 4, 4]).slice(1)).outputs,
        ],
      }),
    }),
    error: /m\.onnx: the model failed on view 0 \(input 32×24\): /,
  },
  {
    name: '--input-size against a fixed input',
    opts: (d) => ({ model: writeModel(d, 'm', colourModel({ ...THREE, fixedSize: 16 })), inputSize: 8 }),
    error: /--input-size 8: the model's input "images" is fixed at 16×16/,
  },
  {
    name: 'class map with an unknown class',
    opts: (d) => {
      writeFileSync(join(d, 'labels.json'), '{"1": "sofa"}');
      return { model: writeModel(d, 'm', colourModel(THREE)), classMap: join(d, 'labels.json') };
    },
    error:
      /labels\.json: "1": class "sofa" is not in the scene's semantic_classes \(floor, chair, table, wall\)/,
  },
  {
    name: 'class map with a non-integer key',
    opts: (d) => {
      writeFileSync(join(d, 'labels.json'), '{"cat": "chair"}');
      return { model: writeModel(d, 'm', colourModel(THREE)), classMap: join(d, 'labels.json') };
    },
    error: /labels\.json: key "cat": must be an integer model label id/,
  },
  {
    name: 'class map that is not JSON',
    opts: (d) => {
      writeFileSync(join(d, 'labels.json'), '{1: chair}');
      return { model: writeModel(d, 'm', colourModel(THREE)), classMap: join(d, 'labels.json') };
    },
    error: /labels\.json: not valid JSON/,
  },
  {
    name: 'missing class map',
    opts: (d) => ({ model: writeModel(d, 'm', colourModel(THREE)), classMap: join(d, 'none.json') }),
    error: /none\.json: cannot read the class map: no such file or folder/,
  },
];

test('bad models and class maps: an error naming the file and the tensor or key, nothing written', {
  skip,
}, async () => {
  for (const c of BAD) {
    const dir = makeScene();
    const before = readFileSync(join(dir, 'transforms.json'), 'utf8');
    await assert.rejects(runOnnxSegmenter(dir, { ...DEFAULTS, ...c.opts(dir) }), (e: Error) => {
      assert.match(e.message, c.error, c.name);
      assert.doesNotMatch(e.message, /\n/, `${c.name}: one line`);
      return true;
    });
    assert.equal(existsSync(join(dir, 'segments')), false, `${c.name}: partial output`);
    assert.equal(
      readFileSync(join(dir, 'transforms.json'), 'utf8'),
      before,
      `${c.name}: transforms.json changed`,
    );
  }
});

test('the command line: one error line without a stack trace for bad models and misused flags', {
  skip,
}, async () => {
  const dir = makeScene();
  const model = writeModel(dir, 'm', colourModel({ ...THREE, labelType: 'float32' }));
  const good = writeModel(dir, 'good', colourModel(THREE));
  const cases: [string[], RegExp][] = [
    [['--onnx', model], /m\.onnx: output "labels": is float32/],
    [['--onnx', good, '--noise', 'high'], /--noise applies to --method simulated or graph, not to --onnx/],
    [['--class-map', 'x.json'], /--class-map needs --onnx/],
    [['--onnx', good, '--std', '1,0,1'], /--std must be a number > 0, got "0"/],
    [['--onnx', good, '--input-scale', '2'], /--input-scale must be one of 1, 255, got "2"/],
  ];
  const results = await inPool(cases, 2, ([args]) => runCli(['segment2d', '--scene', dir, ...args]));
  results.forEach((r, k) => {
    const [args, error] = cases[k]!;
    assert.notEqual(r.code, 0, args.join(' '));
    const lines = errorLines(r.stderr);
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0]!, error);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'stack trace');
  });
  assert.equal(existsSync(join(dir, 'segments')), false, 'partial output');
});

test('clift segment2d --onnx writes the maps and says so', { skip }, async () => {
  const dir = makeScene();
  const r = await runCli(['segment2d', '--scene', dir, '--onnx', writeModel(dir, 'm', colourModel(BASE))]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /for 2 views, 5 instances in all/);
  assert.deepEqual(maps(dir)[0]!.instance, IDS0);
});

test('a missing onnxruntime-node is one clear error saying how to install it', async () => {
  await assert.rejects(
    loadOnnxRuntime('onnxruntime-node-that-is-not-there'),
    /--onnx needs the optional dependency onnxruntime-node@1\.30\.0, which is not installed/,
  );
});

test('bilinear resizing copies at the same size, keeps constants and reproduces a linear ramp inside', () => {
  const src = Float32Array.from({ length: 12 }, (_, i) => (i * 7) % 5);
  assert.deepEqual(resizeBilinear(src, 4, 3, 4, 3), src);
  assert.ok(resizeBilinear(new Float32Array(6).fill(0.25), 3, 2, 7, 5).every((v) => v === 0.25));
  // A ramp v = x over 4 columns, resized to 8: pixel centres map to x' = (i + 0.5) / 2 − 0.5, clamped at the edges.
  const ramp = resizeBilinear(Float32Array.from([0, 1, 2, 3]), 4, 1, 8, 1);
  const want = [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3];
  for (const [i, v] of ramp.entries()) assert.ok(Math.abs(v - want[i]!) < 1e-6, `ramp[${i}] = ${v}`);
  // One channel of interleaved RGB.
  assert.deepEqual(Array.from(resizeBilinear([1, 2, 3, 4, 5, 6], 2, 1, 2, 1, 3, 1)), [2, 5]);
});

test('the input tensor is planar RGB, x = (rgb/255 · scale − mean) / std', () => {
  const rgb = Uint8Array.from([255, 0, 51, 0, 255, 102]);
  const unit = imageTensorData(rgb, 2, 1, 2, 1, { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] });
  assert.deepEqual(
    Array.from(unit, (v) => Math.round(v * 100) / 100),
    [1, 0, 0, 1, 0.2, 0.4],
  );
  const norm = imageTensorData(rgb, 2, 1, 2, 1, { scale: 255, mean: [100, 0, 50], std: [2, 1, 0.5] });
  assert.deepEqual(
    Array.from(norm, (v) => Math.round(v * 1000) / 1000),
    [77.5, -50, 0, 255, 2, 104],
  );
});

test('runtime errors lose the C++ location and signature but keep the reason', () => {
  const msg =
    'Status Message: /onnxruntime_src/core/x.h:84 onnxruntime::F(const a&, std::vector<int>&, bool) size != 0 was false. Input shape:{1,3}';
  assert.equal(ortReason(new Error(msg)), 'Status Message: size != 0 was false. Input shape:{1,3}');
  assert.equal(ortReason(new Error('plain reason\nmore')), 'plain reason');
});
