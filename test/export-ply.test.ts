import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { type PlyPoints, readPly, writePly } from '../src/export/ply.ts';

const dir = mkdtempSync(join(tmpdir(), 'clift-ply-'));

/** n random labelled points, including awkward floats and negative instance ids. */
function cloud(n: number): Required<PlyPoints> {
  const rng = new Rng('ply');
  const xyz = new Float32Array(n * 3);
  for (let i = 0; i < xyz.length; i++)
    xyz[i] = rng.normal() * 10 ** rng.int(6) * (rng.next() < 0.1 ? 1e-6 : 1);
  xyz[0] = 0.1;
  xyz[1] = -0;
  xyz[2] = 3.4028234663852886e38;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = rng.int(256);
  const instance = new Int32Array(n);
  for (let i = 0; i < n; i++) instance[i] = rng.int(2000) - 1;
  const semantic = new Uint16Array(n);
  for (let i = 0; i < n; i++) semantic[i] = rng.int(65536);
  return { xyz, rgb, instance, semantic };
}

for (const ascii of [false, true]) {
  test(`writePly/readPly round-trip (${ascii ? 'ascii' : 'binary'})`, () => {
    const pts = cloud(500);
    const path = join(dir, `cloud-${ascii}.ply`);
    writePly(path, pts, { ascii });
    const back = readPly(path);
    assert.deepEqual(back.xyz, pts.xyz);
    assert.deepEqual(back.rgb, pts.rgb);
    assert.deepEqual(back.instance, pts.instance);
    assert.deepEqual(back.semantic, Int32Array.from(pts.semantic));
  });
}

test('binary PLY is little-endian with int instance/semantic properties and the expected size', () => {
  const pts = cloud(10);
  const path = join(dir, 'layout.ply');
  writePly(path, pts);
  const text = readFileSync(path, 'latin1');
  const header = text.slice(0, text.indexOf('end_header\n') + 'end_header\n'.length);
  assert.match(header, /^ply\nformat binary_little_endian 1\.0\n/);
  assert.match(header, /element vertex 10\n/);
  assert.match(header, /property int instance\nproperty int semantic\nend_header\n$/);
  assert.equal(statSync(path).size, header.length + 10 * (3 * 4 + 3 + 4 + 4));
});

test('optional attributes are omitted and a foreign ASCII file with extra properties reads', () => {
  const xyz = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const path = join(dir, 'plain.ply');
  writePly(path, { xyz });
  const back = readPly(path);
  assert.deepEqual(back, { xyz });

  const other = join(dir, 'other.ply');
  writeFileSync(
    other,
    'ply\r\nformat ascii 1.0\r\nelement vertex 2\r\nproperty double x\r\nproperty double y\r\nproperty double z\r\n' +
      'property float nx\r\nproperty ushort semantic\r\nelement face 0\r\nproperty list uchar int vertex_indices\r\n' +
      'end_header\r\n1.5 2 3 0 7\r\n-1 0 0.25 1 65535\r\n',
  );
  const got = readPly(other);
  assert.deepEqual(got.xyz, Float32Array.from([1.5, 2, 3, -1, 0, 0.25]));
  assert.deepEqual(got.semantic, Int32Array.from([7, 65535]));
  assert.equal(got.instance, undefined);
});

test('writePly rejects mismatched attribute lengths', () => {
  const xyz = new Float32Array(6);
  assert.throws(() => writePly(join(dir, 'bad.ply'), { xyz, instance: new Int32Array(3) }), /instance/);
  assert.throws(() => writePly(join(dir, 'bad.ply'), { xyz: new Float32Array(4) }), /multiple of 3/);
});
