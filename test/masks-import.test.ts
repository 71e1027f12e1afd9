/**
 * clift masks import on files the test writes: each format round-trips known id maps exactly, overlapping
 * masks resolve by score, classes map through the class map, and the scene's other keys survive.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { instanceWarnings } from '../src/data/instance-checks.ts';
import { readConfidence, readInstances, readSemantics } from '../src/data/maps.ts';
import { type ImportOptions, importMasks } from '../src/data/masks/import.ts';
import { countsToString, rleEncode } from '../src/data/masks/rle.ts';
import { writeGray16, writePng, writeRgb8 } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { VOID_LABEL } from '../src/data/scene.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { train } from '../src/train/trainer.ts';
import { TINY_CONFIG } from './helpers/bad-input-fixture.ts';
import {
  expectedMaps,
  H,
  overlappingRects,
  plainRects,
  type Rect,
  rectMask,
  STEMS,
  W,
  writeMaskScene,
} from './helpers/mask-scene.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

const CATEGORY: Record<number, number> = { 1: 62, 2: 67, 3: 171 };
const CATEGORIES = [
  { id: 62, name: 'chair', isthing: 1 },
  { id: 67, name: 'dining table', isthing: 1 },
  { id: 171, name: 'wall-other-merged', isthing: 0 },
];

/** Imports into a fresh scene and returns the scene folder. */
async function importInto(opts: Omit<ImportOptions, 'minScore' | 'allowMissing'> & Partial<ImportOptions>) {
  const dir = writeMaskScene();
  const result = await importMasks(dir, { minScore: 0, allowMissing: false, ...opts });
  return { dir, result };
}

/** Asserts every frame's written maps equal the expected maps of its rectangles. */
function assertMaps(dir: string, rectsOf: (k: number) => Rect[], uncovered: number, what: string): void {
  const scene = readScene(dir);
  scene.frames.forEach((frame, k) => {
    const want = expectedMaps(rectsOf(k), uncovered);
    assert.deepEqual(
      readInstances(scene, frame, 'instance_file_path'),
      want.instance,
      `${what} ${frame.stem}: instance`,
    );
    assert.deepEqual(
      readSemantics(scene, frame, 'semantic_file_path'),
      want.semantic,
      `${what} ${frame.stem}: semantic`,
    );
    const conf = readConfidence(scene, frame);
    assert.deepEqual(
      Uint16Array.from(conf, (c) => Math.round(c * 65535)),
      want.confidence,
      `${what} ${frame.stem}: confidence`,
    );
  });
}

function writeJson(path: string, value: unknown): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
  return path;
}

function rle(r: Rect, compressed: boolean): { size: number[]; counts: string | number[] } {
  const counts = rleEncode(rectMask(r), H, W);
  return { size: [H, W], counts: compressed ? countsToString(counts) : counts };
}

test('coco-panoptic: RGB-encoded ids round-trip exactly, classes through a class map, unlabelled pixels void', async () => {
  const root = writeMaskScene();
  const annotations = STEMS.map((stem, k) => {
    const rects = plainRects(k);
    const rgb = new Uint8Array(W * H * 3);
    const segments = rects.map((r, j) => {
      const id = 1000 + 70001 * j; // ids above 65535 use the blue channel
      const m = rectMask(r);
      for (let i = 0; i < W * H; i++) {
        if (!m[i]) continue;
        rgb[i * 3] = id & 255;
        rgb[i * 3 + 1] = (id >> 8) & 255;
        rgb[i * 3 + 2] = id >> 16;
      }
      return { id, category_id: CATEGORY[r.cls], iscrowd: 0, score: r.score };
    });
    writeRgb8(join(root, 'pan', 'panoptic', `${stem}.png`), W, H, rgb);
    return { image_id: k, file_name: `${stem}.png`, segments_info: segments };
  });
  const json = writeJson(join(root, 'pan', 'panoptic.json'), { annotations, categories: CATEGORIES });
  const map = writeJson(join(root, 'map.json'), { 'dining table': 'table', '171': 'wall', '*': 'chair' });
  const { dir, result } = await importInto({ format: 'coco-panoptic', input: json, classMap: map });
  assertMaps(dir, plainRects, VOID_LABEL, 'panoptic');
  assert.equal(result.instances, 9);
  assert.equal(result.masks, 12);
  // Without a class map: "chair" by name, other things to the first thing class, stuff to the first stuff class.
  const plain = await importInto({ format: 'coco-panoptic', input: json });
  const scene = readScene(plain.dir);
  const sem = readSemantics(scene, scene.frames[0]!, 'semantic_file_path');
  assert.equal(sem[2 * W + 3], 0, 'wall-other-merged → background');
  assert.equal(sem[8 * W + 3], 1, 'chair → chair');
  assert.equal(sem[7 * W + 15], 1, 'dining table → the first thing class');
});

test('coco-instance: compressed RLE, run-length lists and polygons; overlaps resolve by score; image ids via --meta', async () => {
  const root = writeMaskScene();
  const detections = STEMS.flatMap((_, k) =>
    overlappingRects(k).map((r) => ({
      image_id: 10 + k,
      category_id: CATEGORY[r.cls],
      score: r.score,
      segmentation: k === 2 ? [[r.x0, r.y0, r.x1, r.y0, r.x1, r.y1, r.x0, r.y1]] : rle(r, k === 0),
      bbox: [r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0],
    })),
  );
  const json = writeJson(join(root, 'inst', 'results.json'), detections);
  const meta = writeJson(join(root, 'inst', 'dataset.json'), {
    images: STEMS.map((stem, k) => ({ id: 10 + k, file_name: `rgb/${stem}.jpg`, width: W, height: H })),
    categories: CATEGORIES,
  });
  const map = writeJson(join(root, 'map.json'), { chair: 'chair', '67': 'table' });
  const { dir, result } = await importInto({ format: 'coco-instance', input: json, meta, classMap: map });
  assertMaps(dir, overlappingRects, 0, 'instance');
  assert.equal(result.hidden, 3, 'the 0.2 chair lies under the 0.9 table in every view');
  // --min-score drops the weak masks before merging.
  const strict = await importInto({
    format: 'coco-instance',
    input: json,
    meta,
    classMap: map,
    minScore: 0.5,
  });
  assertMaps(strict.dir, (k) => overlappingRects(k).filter((r) => r.score >= 0.5), 0, 'min-score');
  assert.equal(strict.result.belowScore, 6);
  // Without an images list, image ids name the views and match numeric stems (0000 ↔ 0).
  const byId = writeJson(
    join(root, 'inst', 'by-id.json'),
    detections.map((d) => ({ ...d, image_id: d.image_id - 10 })),
  );
  // Without categories there are no names: the map's "chair" entry no longer applies, its ids do.
  await assert.rejects(
    importInto({ format: 'coco-instance', input: byId, classMap: map }),
    /map\.json: category 62: no entry for it \(found in .*by-id\.json\) and no "\*" entry/,
  );
  const byIdMap = writeJson(join(root, 'map-ids.json'), { '62': 'chair', '67': 'table' });
  const plain = await importInto({ format: 'coco-instance', input: byId, classMap: byIdMap });
  assertMaps(plain.dir, overlappingRects, 0, 'by id');
});

/** The SAM file of one view: its rectangles as masks with predicted_iou · stability_score = the rect's score. */
function samMasks(rects: Rect[], k: number): unknown[] {
  return rects.map((r) => ({
    segmentation:
      k === 1
        ? Array.from({ length: H }, (_, v) =>
            Array.from({ length: W }, (_, u) => rectMask(r)[v * W + u] === 1),
          )
        : rle(r, k === 0),
    area: (r.x1 - r.x0) * (r.y1 - r.y0),
    bbox: [r.x0, r.y0, r.x1 - r.x0 - 1, r.y1 - r.y0 - 1],
    predicted_iou: Math.sqrt(r.score),
    stability_score: Math.sqrt(r.score),
    point_coords: [[r.x0 + 0.5, r.y0 + 0.5]],
    crop_box: [0, 0, W, H],
  }));
}

test('sam: overlapping automatic masks become one id map by predicted_iou · stability_score, one class for all', async () => {
  const root = writeMaskScene();
  for (const [k, stem] of STEMS.entries())
    writeJson(join(root, 'sam', `${stem}.json`), samMasks(overlappingRects(k), k));
  const asClass = (cls: number) => (k: number) => overlappingRects(k).map((r) => ({ ...r, cls }));
  const plain = await importInto({ format: 'sam', input: join(root, 'sam') });
  assertMaps(plain.dir, asClass(1), 0, 'sam');
  const map = writeJson(join(root, 'map.json'), { '*': 'table' });
  const mapped = await importInto({ format: 'sam', input: join(root, 'sam'), classMap: map });
  assertMaps(mapped.dir, asClass(2), 0, 'sam → table');
});

test('binary: per-object PNGs with classes in their names and scores beside them', async () => {
  const root = writeMaskScene();
  const names: Record<number, string> = { 1: 'chair', 2: 'table', 3: 'wall' };
  STEMS.forEach((stem, k) => {
    const folder = join(root, 'bin', stem);
    const scores: Record<string, number> = {};
    plainRects(k).forEach((r, j) => {
      const m = rectMask(r);
      // Unnamed masks go to the first thing class: leave the name off the chairs of view 1.
      const file = k === 1 && r.cls === 1 ? `${j}.png` : `${j}_${names[r.cls]}.png`;
      if (j === 0)
        writeRgb8(
          join(folder, file),
          W,
          H,
          Uint8Array.from({ length: W * H * 3 }, (_, i) => (i % 3 === 2 ? m[Math.floor(i / 3)]! * 255 : 0)),
        );
      else if (j === 1)
        writeGray16(
          join(folder, file),
          W,
          H,
          Uint16Array.from(m, (b) => b * 1000),
        );
      else
        writePng(join(folder, file), {
          width: W,
          height: H,
          channels: 1,
          depth: 8,
          data: Uint8Array.from(m, (b) => b * 255),
        });
      scores[file] = r.score;
    });
    writeJson(join(folder, 'scores.json'), scores);
  });
  const { dir } = await importInto({ format: 'binary', input: join(root, 'bin') });
  assertMaps(dir, plainRects, 0, 'binary');
});

test('transforms.json keeps every key the importer does not own; maps land in segments/; nothing is staged', async () => {
  const root = writeMaskScene();
  for (const [k, stem] of STEMS.entries())
    writeJson(join(root, 'sam', `${stem}.json`), samMasks(plainRects(k), 0));
  const { dir } = await importInto({ format: 'sam', input: join(root, 'sam') });
  const json = JSON.parse(readFileSync(join(dir, 'transforms.json'), 'utf8'));
  assert.equal(json.capture_device, 'kept by writers');
  assert.equal(json.frames[1].capture_note, 'frame 1');
  assert.equal(json.frames[2].split, 'test');
  assert.equal(json.frames[0].instance_file_path, 'segments/instance/0000.png');
  assert.equal(json.frames[0].semantic_file_path, 'segments/semantic/0000.png');
  assert.equal(json.frames[0].confidence_file_path, 'segments/confidence/0000.png');
  assert.deepEqual(readdirSync(dir).sort(), ['images', 'segments', 'transforms.json']);
});

test('a frame without masks is refused naming a few, or written empty with allowMissing', async () => {
  const root = writeMaskScene();
  writeJson(join(root, 'sam', '0001.json'), samMasks(plainRects(1), 0));
  writeJson(join(root, 'sam', 'IMG_9999.json'), samMasks(plainRects(1), 0));
  await assert.rejects(
    importInto({ format: 'sam', input: join(root, 'sam') }),
    /sam: views: no masks for 2 of 3 frames \(0000, 0002\); its views are named like 0001, IMG_9999; frames are matched by image file stem, --allow-missing/,
  );
  const { dir, result } = await importInto({ format: 'sam', input: join(root, 'sam'), allowMissing: true });
  assert.deepEqual(result.missing, ['0000', '0002']);
  assert.deepEqual(result.unused, ['IMG_9999']);
  const scene = readScene(dir);
  const empty = scene.frames[0]!;
  assert.ok(readInstances(scene, empty, 'instance_file_path').every((v) => v === 0));
  assert.ok(readSemantics(scene, empty, 'semantic_file_path').every((v) => v === VOID_LABEL));
  assert.ok(readConfidence(scene, empty).every((v) => v === 0));
  assert.ok(readInstances(scene, scene.frames[1]!, 'instance_file_path').some((v) => v === 3));
});

test('a generated scene’s ground truth exported as COCO RLE imports exactly (up to ids) and trains', async () => {
  const dir = writeTinyScene({ frames: 4, size: 24 });
  const scene = readScene(dir);
  const detections = scene.frames.flatMap((frame) => {
    const gt = readInstances(scene, frame, 'gt_instance_file_path');
    return [...new Set(gt)]
      .filter((id) => id > 0)
      .map((id) => ({
        file_name: `${frame.stem}.jpg`,
        category_id: 1,
        score: 1 - id / 100,
        segmentation: {
          size: [24, 24],
          counts: countsToString(
            rleEncode(
              gt.map((v) => (v === id ? 1 : 0)),
              24,
              24,
            ),
          ),
        },
      }));
  });
  const json = writeJson(join(dir, 'preds', 'results.json'), detections);
  await importMasks(dir, { format: 'coco-instance', input: json, minScore: 0, allowMissing: false });
  const imported = readScene(dir);
  for (const frame of imported.frames) {
    const gt = readInstances(imported, frame, 'gt_instance_file_path');
    const got = readInstances(imported, frame, 'instance_file_path');
    const ids = [...new Set(gt)].filter((id) => id > 0).sort((a, b) => a - b);
    // Scores fall with the GT id, so the imported ids are the GT ids' ranks.
    assert.deepEqual(
      got,
      Uint16Array.from(gt, (v) => (v === 0 ? 0 : ids.indexOf(v) + 1)),
      frame.stem,
    );
    assert.deepEqual(
      readSemantics(imported, frame, 'semantic_file_path'),
      readSemantics(imported, frame, 'gt_semantic_file_path'),
    );
  }
  assert.deepEqual(instanceWarnings(imported), []);
  const run = join(dir, 'run');
  await train({ sceneDir: dir, runDir: run, config: parseTrainConfig(TINY_CONFIG, 'tiny') });
  assert.ok(existsSync(join(run, 'checkpoint.bin')));
});
