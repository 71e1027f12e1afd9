import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

/** src/ folders from the bottom layer up: a file may import only from its own folder or one listed before it. */
const LAYERS = [
  'core',
  'kernels',
  'data',
  'rays',
  'fields',
  'render',
  'model',
  'losses',
  'train',
  'cluster',
  'eval',
  'export',
  'infer',
  'synth',
  'segment2d',
  'viewer',
  'cli',
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return p.endsWith(join('viewer', 'page')) ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

test('data flows one way: no src/ file imports from a higher layer', () => {
  const src = join(import.meta.dirname, '..', 'src');
  const wrong: string[] = [];
  for (const file of sources(src)) {
    const own = relative(src, file).split('/')[0]!;
    if (!LAYERS.includes(own)) wrong.push(`${relative(src, file)}: folder ${own} has no layer`);
    for (const m of readFileSync(file, 'utf8').matchAll(/from '((?:\.\.\/)+)([a-z0-9-]+)\//g)) {
      const target = m[2]!;
      if (LAYERS.indexOf(target) > LAYERS.indexOf(own))
        wrong.push(`${relative(src, file)} imports ${target}/`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('clift segment and the model layer do not reach into training', () => {
  const src = join(import.meta.dirname, '..', 'src');
  for (const dir of ['infer', 'model']) {
    for (const file of sources(join(src, dir))) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /from '(\.\.\/)+train\//, relative(src, file));
    }
  }
});
