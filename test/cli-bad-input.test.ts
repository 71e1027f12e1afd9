/**
 * The bad-input corpus: every case runs clift in a child process and must end non-zero within seconds, with one
 * error line naming the file and field (or the flag), no stack trace, and no partial or temporary files left.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type BadInputFixture, makeBadInputFixture, writeWrongSize } from './helpers/bad-input-fixture.ts';
import { errorLines, inPool, runCli } from './helpers/cli.ts';

/** One bad input: the arguments, what the error line must say, and paths that must not exist afterwards. */
interface BadCase {
  name: string;
  args: (fx: BadInputFixture) => string[];
  error: RegExp;
  absent?: (fx: BadInputFixture) => string[];
}

/** Longest a refused command may take (2 shared cores, tsx start-up included). */
const MAX_SECONDS = 20;

const firstTestStem = '0002';
const pose = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 3],
  [0, 0, 0, 1],
];

const CASES: BadCase[] = [
  // generate
  {
    name: 'generate --objects 0',
    args: () => ['generate', '--objects', '0', '--out', 'x'],
    error: /--objects must be an integer ≥ 1, got "0"/,
  },
  {
    name: 'generate --objects 2.5',
    args: () => ['generate', '--objects', '2.5', '--out', 'x'],
    error: /--objects must be an integer/,
  },
  {
    name: 'generate --views 1 (no test view)',
    args: (f) => ['generate', '--views', '1', '--out', join(f.root, 'g1')],
    error: /--views must be an integer ≥ 5, got "1"/,
    absent: (f) => [join(f.root, 'g1')],
  },
  {
    name: 'generate --size abc',
    args: () => ['generate', '--size', 'abc', '--out', 'x'],
    error: /--size must be an integer ≥ 8, got "abc"/,
  },
  {
    name: 'generate --seed abc',
    args: () => ['generate', '--seed', 'abc', '--out', 'x'],
    error: /--seed must be an integer, got "abc"/,
  },
  {
    name: 'generate --env mars',
    args: () => ['generate', '--env', 'mars', '--out', 'x'],
    error: /--env must be one of/,
  },
  {
    name: 'generate --noise loud',
    args: () => ['generate', '--noise', 'loud', '--out', 'x'],
    error: /--noise must be one of .*off/,
  },
  {
    name: 'generate --workers 0',
    args: () => ['generate', '--workers', '0', '--out', 'x'],
    error: /--workers must be an integer ≥ 1/,
  },
  // segment2d
  {
    name: 'segment2d on a missing scene',
    args: (f) => ['segment2d', '--scene', join(f.root, 'nope')],
    error: /nope: scene folder: does not exist/,
  },
  {
    name: 'segment2d --noise x',
    args: (f) => ['segment2d', '--scene', f.scene, '--noise', 'x'],
    error: /--noise must be one of/,
  },
  {
    name: 'segment2d --seed 1.5',
    args: (f) => ['segment2d', '--scene', f.scene, '--seed', '1.5'],
    error: /--seed must be an integer, got "1.5"/,
  },
  // baseline
  {
    name: 'baseline --track foo',
    args: (f) => ['baseline', '--scene', f.scene, '--track', 'foo', '--out', join(f.root, 'b1')],
    error: /--track must be one of none, iou, warp, cloud/,
    absent: (f) => [join(f.root, 'b1')],
  },
  {
    name: 'baseline --min-iou 0',
    args: (f) => [
      'baseline',
      '--scene',
      f.scene,
      '--track',
      'iou',
      '--min-iou',
      '0',
      '--out',
      join(f.root, 'b2'),
    ],
    error: /--min-iou must be a number > 0 and ≤ 1/,
    absent: (f) => [join(f.root, 'b2')],
  },
  {
    name: 'baseline --min-iou abc',
    args: (f) => [
      'baseline',
      '--scene',
      f.scene,
      '--track',
      'iou',
      '--min-iou',
      'abc',
      '--out',
      join(f.root, 'b3'),
    ],
    error: /--min-iou must be a number/,
  },
  // train: flags
  {
    name: 'train --iters 0',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't1'), '--iters', '0'],
    error: /--iters must be an integer ≥ 1/,
    absent: (f) => [join(f.root, 't1')],
  },
  {
    name: 'train --iters 1e3',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't1'), '--iters', '1e3'],
    error: /--iters must be an integer/,
  },
  {
    name: 'train --train-size 7',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't2'), '--train-size', '7'],
    error: /--train-size must be an integer ≥ 16, got "7"/,
    absent: (f) => [join(f.root, 't2')],
  },
  {
    name: 'train --seed abc',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't3'), '--seed', 'abc'],
    error: /--seed must be an integer, got "abc"/,
  },
  {
    name: 'train --embed-dim 40',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't4'), '--embed-dim', '40'],
    error: /--embed-dim must be an integer ≥ 1 and ≤ 32/,
  },
  {
    name: 'train --instance-loss foo',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't5'), '--instance-loss', 'foo'],
    error: /--instance-loss must be one of slow-fast, vanilla/,
  },
  {
    name: 'train --grid 12.5',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't6'), '--grid', '12.5'],
    error: /--grid must be an integer/,
  },
  {
    name: 'train --backend gpu',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't7'), '--backend', 'gpu'],
    error: /--backend/,
  },
  {
    name: 'train --threads 0',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't7'), '--threads', '0'],
    error: /--threads must be an integer ≥ 1/,
  },
  // train: config files
  {
    name: 'train --config missing',
    args: (f) => [
      'train',
      '--scene',
      f.scene,
      '--out',
      join(f.root, 't8'),
      '--config',
      join(f.root, 'none.json'),
    ],
    error: /none\.json: config file not found/,
  },
  {
    name: 'train --config not JSON',
    args: (f) => [
      'train',
      '--scene',
      f.scene,
      '--out',
      join(f.root, 't8'),
      '--config',
      f.write('bad.json', '{"iters": 5,'),
    ],
    error: /bad\.json: not valid JSON/,
  },
  {
    name: 'train --config an array',
    args: (f) => [
      'train',
      '--scene',
      f.scene,
      '--out',
      join(f.root, 't8'),
      '--config',
      f.write('array.json', '[1]'),
    ],
    error: /array\.json: must hold a JSON object/,
  },
  {
    name: 'train --config {"grid":{"ends":64}}',
    args: (f) => [
      'train',
      '--scene',
      f.scene,
      '--out',
      join(f.root, 't8'),
      '--config',
      f.write('ends.json', '{"grid":{"ends":64}}'),
    ],
    error: /ends\.json: grid\.ends: unknown config key/,
    absent: (f) => [join(f.root, 't8')],
  },
  {
    name: 'train --config {"lr":{"instnace":0.1}}',
    args: (f) => [
      'train',
      '--scene',
      f.scene,
      '--out',
      join(f.root, 't8'),
      '--config',
      f.write('lr.json', '{"lr":{"instnace":0.1}}'),
    ],
    error: /lr\.json: lr\.instnace: unknown config key/,
  },
  {
    name: 'train --config {"itres":10}',
    args: (f) => [
      'train',
      '--scene',
      f.scene,
      '--out',
      join(f.root, 't8'),
      '--config',
      f.write('top.json', '{"itres":10}'),
    ],
    error: /top\.json: itres: unknown config key/,
  },
  {
    name: 'train --config wrong type',
    args: (f) => [
      'train',
      '--scene',
      f.scene,
      '--out',
      join(f.root, 't8'),
      '--config',
      f.write('type.json', '{"stages":{"semantic":"half"}}'),
    ],
    error: /type\.json: stages\.semantic: /,
    absent: (f) => [join(f.root, 't8')],
  },
  // train: run folders
  {
    name: 'train --out EXISTING_RUN without --resume',
    args: (f) => ['train', '--scene', f.scene, '--out', f.run, '--config', f.config],
    error: /run: already holds a run .*--resume.*--force/,
  },
  {
    name: 'train --resume without a checkpoint',
    args: (f) => ['train', '--scene', f.scene, '--out', join(f.root, 't9'), '--resume', '--config', f.config],
    error: /t9\/checkpoint\.bin: no checkpoint to resume from/,
    absent: (f) => [join(f.root, 't9')],
  },
  {
    name: 'train --resume with another --train-size',
    args: (f) => [
      'train',
      '--scene',
      f.scene,
      '--out',
      f.run,
      '--resume',
      '--config',
      f.config,
      '--train-size',
      '32',
    ],
    error: /checkpoint\.bin: the checkpoint was trained with another config \(trainSize 24 → 32\)/,
  },
  {
    name: 'train --resume with another config file',
    args: (f) => [
      'train',
      '--scene',
      f.scene,
      '--out',
      f.run,
      '--resume',
      '--config',
      f.write(
        'other.json',
        JSON.stringify({ ...JSON.parse(readFileSync(f.config, 'utf8')), lr: { instance: 0.1 } }),
      ),
    ],
    error: /another config \(lr\.instance 0\.0005 → 0\.1\)/,
  },
  // train: scenes
  {
    name: 'train on a scene with cx 5000',
    args: (f) => [
      'train',
      '--scene',
      f.sceneVariant('s-cx', (j) => {
        j.cx = 5000;
      }),
      '--out',
      join(f.root, 't10'),
    ],
    error: /transforms\.json: cx: 5000 lies far outside the image/,
    absent: (f) => [join(f.root, 't10')],
  },
  {
    name: 'train on a pose scaled by 1.004',
    args: (f) => [
      'train',
      '--scene',
      f.sceneVariant('s-scaled', (j) => {
        const m = j.frames[3]!.transform_matrix as number[][];
        for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[r]![c]! *= 1.004;
      }),
      '--out',
      join(f.root, 't11'),
    ],
    error: /transforms\.json: frames\[3\]\.transform_matrix: rotation part is not orthonormal/,
  },
  {
    name: 'train on a scene with a missing image',
    args: (f) => [
      'train',
      '--scene',
      f.sceneVariant('s-noimg', (j) => {
        j.frames[1]!.file_path = 'images/missing.png';
      }),
      '--out',
      join(f.root, 't12'),
    ],
    error: /missing\.png/,
  },
  {
    name: 'train on a scene with an unknown split',
    args: (f) => [
      'train',
      '--scene',
      f.sceneVariant('s-split', (j) => {
        j.frames[0]!.split = 'tset';
      }),
      '--out',
      join(f.root, 't13'),
    ],
    error: /frames\[0\]\.split: must be "train", "val" or "test"/,
  },
  {
    name: 'train on a truncated training image (late error, bar active)',
    args: (f) => [
      'train',
      '--scene',
      join(f.root, 's-trunc'),
      '--out',
      join(f.root, 't14'),
      '--config',
      f.config,
    ],
    error: /s-trunc\/images\/0000\.png: not a readable PNG or JPEG image/,
  },
  // segment
  {
    name: 'segment --render-size abc',
    args: (f) => ['segment', '--run', f.run, '--out', join(f.root, 'p1'), '--render-size', 'abc'],
    error: /--render-size must be an integer ≥ 8, got "abc"/,
    absent: (f) => [join(f.root, 'p1')],
  },
  {
    name: 'segment --seed abc',
    args: (f) => ['segment', '--run', f.run, '--out', join(f.root, 'p2'), '--seed', 'abc'],
    error: /--seed must be an integer, got "abc"/,
  },
  {
    name: 'segment --min-cluster-size 2.5',
    args: (f) => ['segment', '--run', f.run, '--out', join(f.root, 'p3'), '--min-cluster-size', '2.5'],
    error: /--min-cluster-size must be an integer ≥ 2, got "2.5"/,
  },
  {
    name: 'segment --thing-share 2',
    args: (f) => ['segment', '--run', f.run, '--out', join(f.root, 'p4'), '--thing-share', '2'],
    error: /--thing-share must be a number ≥ 0 and ≤ 1/,
  },
  {
    name: 'segment --eps with hdbscan',
    args: (f) => ['segment', '--run', f.run, '--out', join(f.root, 'p5'), '--eps', '0.1'],
    error: /--eps applies to --cluster dbscan, not hdbscan/,
  },
  {
    name: 'segment --cluster kmeans',
    args: (f) => ['segment', '--run', f.run, '--out', join(f.root, 'p6'), '--cluster', 'kmeans'],
    error: /--cluster must be one of hdbscan, dbscan, meanshift/,
  },
  {
    name: 'segment --run missing',
    args: (f) => ['segment', '--run', join(f.root, 'norun'), '--out', join(f.root, 'p7')],
    error: /norun\/config\.json: not found/,
    absent: (f) => [join(f.root, 'p7')],
  },
  {
    name: 'segment --views tset',
    args: (f) => ['segment', '--run', f.run, '--out', join(f.root, 'p8'), '--views', 'tset'],
    error: /--views must be one of train, test, val, all or a camera \.json file, got "tset"/,
    absent: (f) => [join(f.root, 'p8')],
  },
  {
    name: 'segment --views val (no such frames)',
    args: (f) => ['segment', '--run', f.run, '--out', join(f.root, 'p9'), '--views', 'val'],
    error: /transforms\.json: no frame with split "val" to label/,
    absent: (f) => [join(f.root, 'p9')],
  },
  {
    name: 'segment on a scene with no test frames',
    args: (f) => [
      'segment',
      '--run',
      f.run,
      '--scene',
      f.sceneVariant('s-notest', (j) => {
        for (const fr of j.frames) fr.split = 'train';
      }),
      '--out',
      join(f.root, 'p10'),
    ],
    error: /s-notest\/transforms\.json: no frame with split "test"/,
  },
  {
    name: 'segment --views camera file without intrinsics',
    args: (f) => [
      'segment',
      '--run',
      f.run,
      '--out',
      join(f.root, 'p11'),
      '--views',
      f.write('cams.json', JSON.stringify({ frames: [{ transform_matrix: pose }] })),
    ],
    error: /cams\.json: frames\[0\]\.fl_x: missing camera value/,
    absent: (f) => [join(f.root, 'p11')],
  },
  {
    name: 'segment --out under a file',
    args: (f) => ['segment', '--run', f.run, '--out', join(f.file, 'pred')],
    error: /a-file\/pred: cannot create the folder/,
  },
  {
    name: 'segment a run whose scene has no segmenter maps',
    args: (f) => [
      'segment',
      '--run',
      f.run,
      '--scene',
      f.sceneVariant('s-nomaps', (j) => {
        for (const fr of j.frames) {
          delete fr.instance_file_path;
          delete fr.semantic_file_path;
          delete fr.confidence_file_path;
        }
      }),
      '--out',
      join(f.root, 'p12'),
    ],
    error: /frames\[0\] \(0000\) has no 2D segmenter maps/,
    absent: (f) => [join(f.root, 'p12')],
  },
  // eval
  {
    name: 'eval with a prediction missing a frame',
    args: (f) => [
      'eval',
      '--scene',
      f.scene,
      '--pred',
      f.predVariant('pr-missing', (d) => rmSync(join(d, 'instance', '0005.png'))),
      '--out',
      join(f.root, 'm1.json'),
    ],
    error: /pr-missing\/instance\/0005\.png: instance: missing prediction for frame "0005"/,
    absent: (f) => [join(f.root, 'm1.json')],
  },
  {
    name: 'eval with a 24×24 prediction',
    args: (f) => [
      'eval',
      '--scene',
      f.scene,
      '--pred',
      f.predVariant('pr-small', (d) => writeWrongSize(join(d, 'semantic', '0008.png'), 24)),
      '--out',
      join(f.root, 'm2.json'),
    ],
    error: /pr-small\/semantic\/0008\.png: semantic: image is 24×24 but frame "0008" is 48×48/,
    absent: (f) => [join(f.root, 'm2.json')],
  },
  {
    name: 'eval with a non-PNG prediction',
    args: (f) => [
      'eval',
      '--scene',
      f.scene,
      '--pred',
      f.predVariant('pr-text', (d) => writeFileSync(join(d, 'instance', `${firstTestStem}.png`), 'hello')),
      '--out',
      join(f.root, 'm3.json'),
    ],
    error: /pr-text\/instance\/0002\.png: not a readable PNG or JPEG image/,
    absent: (f) => [join(f.root, 'm3.json')],
  },
  {
    name: 'eval with a truncated PNG',
    args: (f) => [
      'eval',
      '--scene',
      f.scene,
      '--pred',
      f.predVariant('pr-trunc', (d) => truncateSync(join(d, 'instance', '0005.png'), 60)),
    ],
    error: /pr-trunc\/instance\/0005\.png: not a readable PNG or JPEG image/,
  },
  {
    name: 'eval --split foo',
    args: (f) => ['eval', '--scene', f.scene, '--pred', f.pred, '--split', 'foo'],
    error: /--split must be one of train, val, test, all, got "foo"/,
  },
  {
    name: 'eval --split val (no such frames)',
    args: (f) => ['eval', '--scene', f.scene, '--pred', f.pred, '--split', 'val'],
    error: /transforms\.json: frames\[\]\.split: no frame in split "val"/,
  },
  {
    name: 'eval with a missing prediction folder',
    args: (f) => ['eval', '--scene', f.scene, '--pred', join(f.root, 'nopred')],
    error: /nopred: prediction folder: does not exist/,
  },
  {
    name: 'eval --out under a file',
    args: (f) => ['eval', '--scene', f.scene, '--pred', f.pred, '--out', join(f.file, 'm.json')],
    error: /a-file: cannot create the folder/,
  },
  // run, view, convert
  {
    name: 'run --noise loud',
    args: (f) => ['run', '--out', join(f.root, 'r1'), '--noise', 'loud'],
    error: /--noise must be one of none, low, medium, high/,
    absent: (f) => [join(f.root, 'r1')],
  },
  {
    name: 'run --views 3',
    args: (f) => ['run', '--out', join(f.root, 'r2'), '--views', '3'],
    error: /--views must be an integer ≥ 5/,
    absent: (f) => [join(f.root, 'r2')],
  },
  {
    name: 'run --iters abc',
    args: (f) => ['run', '--out', join(f.root, 'r3'), '--iters', 'abc'],
    error: /--iters must be an integer ≥ 1, got "abc"/,
    absent: (f) => [join(f.root, 'r3')],
  },
  {
    name: 'view --port 70000',
    args: (f) => ['view', f.run, '--port', '70000'],
    error: /--port must be an integer ≥ 0 and ≤ 65535/,
  },
  {
    name: 'view a folder that is not a run',
    args: (f) => ['view', join(f.root, 'norun'), '--port', '0'],
    error: /norun/,
  },
  {
    name: 'convert --from foo',
    args: (f) => ['convert', '--from', 'foo', '--in', f.root, '--out', join(f.root, 'c1')],
    error: /--from must be one of panoptic-lifting, messy-rooms, nerfstudio, colmap/,
    absent: (f) => [join(f.root, 'c1')],
  },
  {
    name: 'convert --in missing',
    args: (f) => [
      'convert',
      '--from',
      'nerfstudio',
      '--in',
      join(f.root, 'nosrc'),
      '--out',
      join(f.root, 'c2'),
    ],
    error: /nosrc/,
  },
  {
    name: 'convert --from colmap on a folder with no model',
    args: (f) => ['convert', '--from', 'colmap', '--in', f.scene, '--out', join(f.root, 'c3')],
    error: /COLMAP model: found neither cameras\.bin \+ images\.bin/,
    absent: (f) => [join(f.root, 'c3')],
  },
  {
    name: 'convert --from colmap with a non-unit quaternion',
    args: (f) => [
      'convert',
      '--from',
      'colmap',
      '--in',
      join(f.root, 'colmap-q'),
      '--out',
      join(f.root, 'c4'),
    ],
    error: /images\.txt: line 1: quaternion \(QW QX QY QZ\) = \(1, 0, 0\.5, 0\) has norm/,
    absent: (f) => [join(f.root, 'c4')],
  },
  {
    name: 'convert --from colmap with a FOV camera',
    args: (f) => [
      'convert',
      '--from',
      'colmap',
      '--in',
      join(f.root, 'colmap-fov'),
      '--out',
      join(f.root, 'c5'),
    ],
    error: /cameras\.txt: line 1: camera 1 uses the camera model FOV, which clift does not convert/,
    absent: (f) => [join(f.root, 'c5')],
  },
];

let fx: BadInputFixture;

before(async () => {
  fx = await makeBadInputFixture();
  // The truncated training image of one case.
  const s = fx.sceneVariant('s-trunc', () => {});
  truncateSync(join(s, 'images', '0000.png'), 80);
  // Two broken COLMAP models with the scene's images beside them.
  for (const [name, camera, image] of [
    ['colmap-q', '1 PINHOLE 48 48 40 40 24 24', '1 1 0 0.5 0 0 0 3 1 0000.png'],
    ['colmap-fov', '1 FOV 48 48 40 40 24 24 0.9', '1 1 0 0 0 0 0 3 1 0000.png'],
  ] as const) {
    mkdirSync(join(fx.root, name));
    cpSync(join(fx.scene, 'images'), join(fx.root, name, 'images'), { recursive: true });
    fx.write(join(name, 'cameras.txt'), `${camera}\n`);
    fx.write(join(name, 'images.txt'), `${image}\n\n`);
  }
});

after(() => rmSync(fx.root, { recursive: true, force: true }));

/** Every file under `dir` whose name marks an unfinished atomic write. */
function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => /\.tmp-\d+$/.test(p));
}

test(`the bad-input corpus (${CASES.length} cases): non-zero exit, one error line naming the file or flag, no stack, nothing left behind`, {
  timeout: 300_000,
}, async () => {
  assert.ok(CASES.length >= 40);
  const results = await inPool(CASES, 3, async (c) => ({
    c,
    r: await runCli(c.args(fx), MAX_SECONDS * 1000, fx.root),
  }));
  const failures: string[] = [];
  for (const { c, r } of results) {
    const lines = errorLines(r.stderr);
    const problems = [
      r.killed ? `still running after ${MAX_SECONDS} s` : '',
      r.code === 0 || r.code === null ? `exit code ${r.code}` : '',
      lines.length !== 1 ? `${lines.length} error lines` : '',
      lines.length === 1 && !c.error.test(lines[0]!) ? `error line does not match ${c.error}` : '',
      /^\s+at .+:\d+:\d+\)?$/m.test(r.stderr) ? 'stack trace printed' : '',
      ...(c.absent?.(fx) ?? []).filter((p) => existsSync(p)).map((p) => `left ${p} behind`),
    ].filter((p) => p);
    if (problems.length > 0)
      failures.push(
        `${c.name}: ${problems.join('; ')}\n    stderr: ${r.stderr.trim().split('\n').slice(-3).join('\n            ')}`,
      );
  }
  if (process.env.CLIFT_CORPUS_TIMES)
    for (const { c, r } of results) console.log(r.seconds.toFixed(2), c.name);
  assert.deepEqual(tempFiles(fx.root), [], 'no temporary files left');
  assert.equal(failures.length, 0, `\n${failures.join('\n')}`);
});

test('a refused --resume leaves the run folder as it was', () => {
  const cfg = statSync(join(fx.run, 'config.json')).mtimeMs;
  assert.ok(existsSync(join(fx.run, 'checkpoint.bin')));
  assert.equal(statSync(join(fx.run, 'config.json')).mtimeMs, cfg);
});
