/** Commands that fail late (with a progress bar running) or are signalled must end, and say why. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type BadInputFixture, makeBadInputFixture, TINY_CONFIG } from './helpers/bad-input-fixture.ts';
import { errorLines, runCli } from './helpers/cli.ts';

let fx: BadInputFixture;
before(async () => {
  fx = await makeBadInputFixture();
});
after(() => rmSync(fx.root, { recursive: true, force: true }));

test('segment failing after clustering (a prediction folder it cannot write) exits with one error line', {
  timeout: 60_000,
}, async () => {
  const out = join(fx.root, 'late');
  mkdirSync(out);
  writeFileSync(join(out, 'instance'), 'a file where a folder must go\n');
  const r = await runCli(
    ['segment', '--run', fx.run, '--out', out, '--min-cluster-size', '5', '--sample-pixels', '2000'],
    40_000,
  );
  assert.equal(r.killed, false, 'segment hung after its error');
  assert.equal(r.code, 1);
  const lines = errorLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /late\/instance: cannot create the folder: a part of the path is not a folder/);
  assert.ok(existsSync(join(out, 'centroids.json')), 'the failure came after clustering');
});

test('train stops on SIGTERM within seconds and writes a checkpoint to resume from', {
  timeout: 90_000,
}, async () => {
  const runDir = join(fx.root, 'signalled');
  const config = fx.write(
    'long.json',
    JSON.stringify({ ...TINY_CONFIG, iters: 200_000, checkpointEvery: 100_000 }),
  );
  const bin = join(import.meta.dirname, '..', 'bin', 'clift.js');
  const child = spawn(
    process.execPath,
    [bin, 'train', '--scene', fx.scene, '--out', runDir, '--config', config],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // Wait until training steps are running, then signal.
  const t0 = performance.now();
  while (!/train \[.*\d+\/200000/.test(stderr) && performance.now() - t0 < 40_000)
    await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  const signalled = performance.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const seconds = (performance.now() - signalled) / 1000;
  assert.ok(seconds < 10, `exited ${seconds.toFixed(1)} s after SIGTERM`);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted: checkpoint written at iteration \d+; continue with --resume/);
  assert.ok(existsSync(join(runDir, 'checkpoint.bin')));
  const first = readFileSync(join(runDir, 'timings.json'), 'utf8');
  assert.equal(JSON.parse(first).fromIteration, 0);
});

test('train --resume takes the run’s own config: a finished run resumes to nothing, a changed flag is refused', {
  timeout: 60_000,
}, async () => {
  const changed = await runCli([
    'train',
    '--scene',
    fx.scene,
    '--out',
    fx.run,
    '--resume',
    '--train-size',
    '32',
  ]);
  assert.equal(changed.code, 1);
  assert.match(errorLines(changed.stderr)[0]!, /another config \(trainSize 24 → 32\)/);
  const same = await runCli(['train', '--scene', fx.scene, '--out', fx.run, '--resume']);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /trained 20 iterations/);
  assert.match(same.stderr, /resuming from iteration 20/);
});

test('train warns, naming the file, when the scene has no 2D segmenter maps to learn instances from', {
  timeout: 60_000,
}, async () => {
  const scene = fx.sceneVariant('s-warn', (j) => {
    for (const fr of j.frames) {
      delete fr.instance_file_path;
      delete fr.semantic_file_path;
      delete fr.confidence_file_path;
    }
  });
  const r = await runCli([
    'train',
    '--scene',
    scene,
    '--out',
    join(fx.root, 'warned'),
    '--config',
    fx.config,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /clift: warning: .*s-warn\/transforms\.json: no training frame has instance_file_path/,
  );
});
