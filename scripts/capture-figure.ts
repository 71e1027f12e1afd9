/**
 * A figure for the docs: rows of views, each the photo, the scene's 2D segmenter masks and any prediction folders'
 * instance ids as overlays on the photo.
 * Usage: npx tsx scripts/capture-figure.ts --scene DIR --out FILE.png [--views STEM,STEM,...] LABEL=PRED_DIR ...
 * (the first three test views unless --views names them)
 */
import { readInstances, readRgb } from '../src/data/maps.ts';
import { writeRgb8 } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { framesOf } from '../src/data/scene.ts';
import { readPrediction } from '../src/eval/prediction.ts';
import { overlayInstances } from '../src/export/overlay.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const sceneDir = flag('--scene');
const out = flag('--out');
const viewList = flag('--views');
if (!sceneDir || !out) {
  process.stderr.write(
    'usage: npx tsx scripts/capture-figure.ts --scene DIR --out FILE.png [--views S,...] LABEL=DIR ...\n',
  );
  process.exit(2);
}
const preds = args.map((a) => a.split('=', 2) as [string, string]);
const scene = readScene(sceneDir);
const frames = viewList
  ? viewList.split(',').map((stem) => {
      const f = scene.frames.find((x) => x.stem === stem);
      if (!f) throw new Error(`${scene.transformsPath}: no frame named ${stem} (--views)`);
      return f;
    })
  : framesOf(scene, 'test').slice(0, 3);
const gap = 4;
const { w, h } = frames[0]!.intrinsics;
const cols = 2 + preds.length;
const W = cols * w + (cols - 1) * gap;
const H = frames.length * h + (frames.length - 1) * gap;
const canvas = new Uint8Array(W * H * 3).fill(255);
const paste = (img: Uint8Array, col: number, row: number) => {
  for (let y = 0; y < h; y++)
    canvas.set(img.subarray(y * w * 3, (y + 1) * w * 3), ((row * (h + gap) + y) * W + col * (w + gap)) * 3);
};
frames.forEach((frame, row) => {
  const photo = readRgb(scene, frame);
  paste(photo, 0, row);
  const masks = readInstances(scene, frame, 'instance_file_path');
  paste(overlayInstances(photo, masks, w, h, { alpha: 0.55, boundaries: true }), 1, row);
  preds.forEach(([, dir], k) => {
    const { instance } = readPrediction(dir, frame);
    paste(overlayInstances(photo, instance, w, h, { alpha: 0.55, boundaries: true }), 2 + k, row);
  });
});
writeRgb8(out, W, H, canvas);
process.stdout.write(
  `${out}: ${frames.length} views × (photo | 2D segmenter | ${preds.map(([l]) => l).join(' | ')})\n`,
);
