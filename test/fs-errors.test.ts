import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inFreshFolder } from '../src/cli/fresh-folder.ts';
import { fsError } from '../src/core/fs-error.ts';
import { instanceWarnings } from '../src/data/instance-checks.ts';
import { ensureFolder, readImage, writeFileAtomic, writeGray16 } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

const root = mkdtempSync(join(tmpdir(), 'clift-fs-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a failed atomic write names the file and leaves no temporary file', () => {
  // The rename cannot replace a non-empty folder: the temporary file was written, then must go.
  const target = join(root, 'occupied');
  mkdirSync(join(target, 'inside'), { recursive: true });
  assert.throws(
    () => writeFileAtomic(target, 'data'),
    (e: Error) => e.message.startsWith(`${target}: cannot write:`),
  );
  assert.deepEqual(
    readdirSync(root).filter((f) => f.includes('.tmp-')),
    [],
  );
  const ok = join(root, 'sub', 'ok.txt');
  writeFileAtomic(ok, 'data');
  assert.ok(existsSync(ok));
  assert.deepEqual(readdirSync(join(root, 'sub')), ['ok.txt']);
});

test('a folder under a file is refused naming it; file-system reasons are in words', () => {
  const file = join(root, 'plain');
  writeFileSync(file, 'x');
  assert.throws(
    () => ensureFolder(join(file, 'a', 'b')),
    /plain\/a\/b: cannot create the folder: a part of the path is not a folder/,
  );
  assert.equal(
    fsError('/d/f.png', 'write', { code: 'ENOSPC' }).message,
    '/d/f.png: cannot write: no space left on the device',
  );
  assert.equal((fsError('/d/f.png', 'write', { code: 'ENOSPC' }) as NodeJS.ErrnoException).code, 'ENOSPC');
});

test('non-PNG and truncated PNG files are refused naming the file', () => {
  const text = join(root, 'text.png');
  writeFileSync(text, 'hello');
  assert.throws(() => readImage(text), /text\.png: not a readable PNG or JPEG image/);
  const png = join(root, 'cut.png');
  writeGray16(png, 16, 16, new Uint16Array(256).fill(7));
  truncateSync(png, 50);
  assert.throws(() => readImage(png), /cut\.png: not a readable PNG or JPEG image/);
  assert.throws(
    () => readImage(join(root, 'none.png')),
    /none\.png: cannot read the image: no such file or folder/,
  );
});

test('scenes that cannot yield instances are named: no segmenter maps, all-zero maps, no thing class', async () => {
  const dir = writeTinyScene({ frames: 3, size: 16 }, join(root, 'scene'));
  assert.match(instanceWarnings(readScene(dir)).join('\n'), /no training frame has instance_file_path/);
  await simulateSegmenter(dir, { noise: 'none', seed: 0 });
  assert.deepEqual(instanceWarnings(readScene(dir)), []);
  const scene = readScene(dir);
  for (const f of scene.frames)
    writeGray16(join(dir, f.maps.instance_file_path!), 16, 16, new Uint16Array(256));
  assert.match(instanceWarnings(scene).join('\n'), /hold only 0 \(no instance anywhere\)/);
  const noThing = { ...scene, classes: scene.classes.map((c) => ({ ...c, thing: false })) };
  assert.match(instanceWarnings(noThing)[0]!, /no class with "thing": true/);
});

test('a failing command removes the output folder it created, never one that was there before', async () => {
  const fresh = join(root, 'fresh-scene');
  await assert.rejects(
    inFreshFolder(fresh, async () => {
      writeFileAtomic(join(fresh, 'images', '0000.png'), 'half a scene');
      throw new Error('disk full');
    }),
    /disk full/,
  );
  assert.equal(existsSync(fresh), false);
  const kept = join(root, 'kept');
  mkdirSync(kept);
  writeFileSync(join(kept, 'mine.txt'), 'x');
  await assert.rejects(
    inFreshFolder(kept, async () => Promise.reject(new Error('no'))),
    /no/,
  );
  assert.ok(existsSync(join(kept, 'mine.txt')));
  assert.equal(await inFreshFolder(join(root, 'ok'), async () => 7), 7);
});
