import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { decode } from 'fast-png';
import { registerView } from '../src/cli/view.ts';
import { SceneError } from '../src/data/errors.ts';
import { instanceColor } from '../src/export/palette.ts';
import { writePly } from '../src/export/ply.ts';
import type { CliftViewerHook } from '../src/viewer/api-types.ts';
import { summariseObjects } from '../src/viewer/objects.ts';
import { packPoints, unpackPoints } from '../src/viewer/points-layout.ts';
import { loadViewerRun } from '../src/viewer/run-dir.ts';
import { allowedHost, startViewer, type ViewerServer } from '../src/viewer/server.ts';
import { highlightOverlay } from '../src/viewer/view-images.ts';
import { bestMatches } from '../src/viewer/views.ts';
import { countColor, decodeScreenshot, distinctColors, launchChromium } from './helpers/viewer-browser.ts';
import {
  GROUND_POINTS,
  gtId,
  segmenterId,
  VIEW_H,
  VIEW_STEMS,
  VIEW_W,
  VIEWER_BLOBS,
  writeViewerRun,
} from './helpers/viewer-run.ts';

/** The browser globals used by the callbacks below (they run in the page, not in Node). */
declare const window: { cliftViewer: CliftViewerHook };
declare const document: {
  querySelectorAll(selector: string): Iterable<{ complete: boolean; naturalWidth: number }>;
};

const runDir = writeViewerRun();
const scratch = mkdtempSync(join(tmpdir(), 'clift-viewer-bad-'));

after(() => {
  rmSync(runDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the fixture run to break. */
function copyRun(name: string): string {
  const dir = join(scratch, name);
  cpSync(runDir, dir, { recursive: true });
  return dir;
}

describe('viewer run-folder loader', () => {
  test('a missing run folder is refused naming the folder and the command that makes one', () => {
    const missing = join(scratch, 'no-such-run');
    assert.throws(
      () => loadViewerRun(missing),
      (e: unknown) =>
        e instanceof SceneError &&
        e.file === missing &&
        /does not exist/.test(e.message) &&
        /clift run/.test(e.message),
    );
  });

  test('a run without prediction/points.ply is refused naming the file and clift segment / clift run', () => {
    const dir = copyRun('no-points');
    rmSync(join(dir, 'prediction', 'points.ply'));
    assert.throws(
      () => loadViewerRun(dir),
      (e: unknown) =>
        e instanceof SceneError &&
        e.file === join(dir, 'prediction', 'points.ply') &&
        e.field === 'prediction/points.ply' &&
        /clift segment/.test(e.message) &&
        /clift run/.test(e.message),
    );
  });

  test('--pred: a prediction folder elsewhere is read instead of RUNDIR/prediction; a wrong one is refused', () => {
    const dir = copyRun('pred-elsewhere');
    const pred = join(scratch, 'pred-elsewhere-out');
    renameSync(join(dir, 'prediction'), pred);
    const run = loadViewerRun(dir, { predDir: pred });
    assert.equal(run.info.objects.length, 4);
    assert.equal(run.info.views.length, VIEW_STEMS.length);
    assert.throws(
      () => loadViewerRun(dir, { predDir: join(scratch, 'no-such-pred') }),
      (e: unknown) =>
        e instanceof SceneError &&
        e.file === join(scratch, 'no-such-pred', 'points.ply') &&
        /--pred/.test(e.message),
    );
  });

  test('a PLY without instance ids is refused naming the field', () => {
    const dir = copyRun('no-instance');
    writePly(join(dir, 'prediction', 'points.ply'), { xyz: Float32Array.from([0, 0, 0, 1, 1, 1]) });
    assert.throws(
      () => loadViewerRun(dir),
      (e: unknown) => e instanceof SceneError && e.field === 'instance' && e.message.includes('points.ply'),
    );
  });

  test('a truncated PLY is refused naming the file', () => {
    const dir = copyRun('truncated');
    writeFileSync(
      join(dir, 'prediction', 'points.ply'),
      'ply\nformat binary_little_endian 1.0\nelement vertex 5\n',
    );
    assert.throws(
      () => loadViewerRun(dir),
      (e: unknown) => e instanceof SceneError && e.file === join(dir, 'prediction', 'points.ply'),
    );
  });

  test('objects: one per instance id with class, point count and bounding-box size', () => {
    const run = loadViewerRun(runDir);
    const info = run.info;
    assert.equal(info.name, runDir.split('/').pop());
    assert.equal(info.pointCount, VIEWER_BLOBS.reduce((s, b) => s + b.points, 0) + GROUND_POINTS);
    assert.deepEqual(
      info.objects.map((o) => [o.id, o.points, o.className, o.classId, o.views]),
      [
        [1, 700, 'ball', 1, 2],
        [2, 500, 'ball', 1, 2],
        [3, 900, 'stone', 2, 2],
        [4, 300, 'stone', 2, 2],
      ],
    );
    for (const b of VIEWER_BLOBS) {
      const o = info.objects.find((x) => x.id === b.id)!;
      for (let k = 0; k < 3; k++) {
        assert.ok(o.size![k]! > 1.8 * b.r && o.size![k]! <= 2 * b.r + 1e-6, `object ${b.id} size ${o.size}`);
        assert.ok(Math.abs(o.center![k]! - b.center[k]!) < 0.1 * b.r, `object ${b.id} centre ${o.center}`);
      }
    }
    assert.deepEqual(info.warnings, []);
    assert.ok(Math.abs(info.up[2] - 1) < 0.2, `up ${info.up}`);
    assert.equal(unpackPoints(run.points.slice().buffer).instance.length, info.pointCount);
  });

  test('views: every image kind, and each clift object matched to its 2D segment and ground-truth id', () => {
    const { views } = loadViewerRun(runDir).info;
    assert.deepEqual(
      views.map((v) => [v.stem, v.width, v.height, v.split, v.kinds.join(',')]),
      VIEW_STEMS.map((s) => [s, VIEW_W, VIEW_H, 'test', 'rgb,clift,segmenter,gt']),
    );
    views.forEach((v, k) => {
      assert.deepEqual(
        v.objects.map((o) => o.id),
        [1, 2, 3, 4],
      );
      for (const o of v.objects) {
        assert.ok(o.pixels > 0);
        assert.deepEqual(o.segmenter, { id: segmenterId(k, o.id), iou: 1 });
        assert.deepEqual(o.gt, { id: gtId(o.id), iou: 1 });
      }
      assert.ok(v.camera && v.camera.fovY > 30 && v.camera.fovY < 90);
    });
  });

  test('the scene is found through config.json when RUNDIR/scene is absent, and missing scenes only warn', () => {
    const dir = copyRun('scene-elsewhere');
    const moved = join(scratch, 'moved-scene');
    renameSync(join(dir, 'scene'), moved);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ scene: moved }));
    const found = loadViewerRun(dir).info;
    assert.equal(found.scene, moved);
    assert.equal(found.views[0]!.kinds.length, 4);

    writeFileSync(join(dir, 'config.json'), JSON.stringify({ scene: join(scratch, 'gone') }));
    const alone = loadViewerRun(dir).info;
    assert.equal(alone.scene, null);
    assert.deepEqual(alone.views[0]!.kinds, ['rgb', 'clift']);
    assert.match(alone.warnings.join('\n'), /config\.json names .*gone/);
    assert.equal(alone.objects.find((o) => o.id === 1)!.className, 'class 1');

    writeFileSync(join(dir, 'config.json'), '{ not json');
    assert.throws(
      () => loadViewerRun(dir),
      (e: unknown) => e instanceof SceneError && e.file === join(dir, 'config.json'),
    );
  });

  test('object summary: majority class, extent, and ids seen only in views', () => {
    const objects = summariseObjects(
      {
        xyz: Float32Array.from([0, 0, 0, 1, 2, 3, 0.5, 0.5, 0.5, 9, 9, 9]),
        instance: Int32Array.from([5, 5, 5, 0]),
        semantic: Int32Array.from([2, 1, 2, 0]),
      },
      [{ id: 2, name: 'cup', thing: true }],
      new Map([
        [5, 1],
        [8, 2],
      ]),
    );
    assert.deepEqual(objects, [
      { id: 5, classId: 2, className: 'cup', points: 3, size: [1, 2, 3], center: [0.5, 1, 1.5], views: 1 },
      { id: 8, classId: null, className: 'unknown', points: 0, size: null, center: null, views: 2 },
    ]);
  });

  test('points layout round-trips and refuses a buffer of the wrong length', () => {
    const points = {
      xyz: Float32Array.from([0.5, -1, 2, 3, 4, 1e-7, -0, 8, 9]),
      instance: Int32Array.from([3, -1, 0]),
      rgb: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 255]),
    };
    const packed = packPoints(points);
    assert.deepEqual(unpackPoints(packed.slice().buffer), points);
    assert.throws(() => unpackPoints(packed.slice(0, packed.length - 4).buffer), /expected/);
  });
});

test('best matches: the largest overlap wins, ties go to the smaller id, IoU of that pair', () => {
  // Segment 1 covers 6 pixels: 2 of other-id 7, 3 of other-id 9, 1 of nothing. Segment 2 covers 2 pixels: one of
  // other-id 9 and one of other-id 4 (a tie). Segment 3 overlaps nothing.
  const ids = Uint16Array.from([1, 1, 1, 1, 1, 1, 2, 2, 3, 0]);
  const other = Uint16Array.from([7, 7, 9, 9, 9, 0, 9, 4, 0, 9]);
  const m = bestMatches(ids, other);
  assert.deepEqual([...m.keys()].sort(), [1, 2]);
  assert.deepEqual(m.get(1), { id: 9, iou: 3 / (6 + 5 - 3) });
  assert.deepEqual(m.get(2), { id: 4, iou: 1 / (2 + 1 - 1) });
});

describe('view images', () => {
  test('a highlight keeps the object coloured inside a white outline and greys everything else', () => {
    const w = 5;
    const h = 5;
    const photo = new Uint8Array(w * h * 3).fill(200);
    const ids = new Uint16Array(w * h);
    for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) ids[y * w + x] = 7;
    ids[0] = 9;
    const plain = highlightOverlay(photo, ids, w, h, null);
    const lit = highlightOverlay(photo, ids, w, h, 7);
    const px = (img: Uint8Array, x: number, y: number) =>
      Array.from(img.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
    assert.deepEqual(px(lit, 2, 2), px(plain, 2, 2));
    assert.notDeepEqual(px(lit, 2, 2), [200, 200, 200]);
    assert.deepEqual(px(lit, 1, 1), [255, 255, 255]);
    assert.deepEqual(px(lit, 0, 0), [70, 70, 70]);
    assert.deepEqual(px(lit, 4, 4), [70, 70, 70]);
    const none = highlightOverlay(photo, ids, w, h, 0);
    assert.ok([...none].every((v) => v === 70));
  });
});

describe('viewer command line', () => {
  test('--help explains every flag', () => {
    const program = new Command();
    registerView(program);
    const view = program.commands.find((c) => c.name() === 'view')!;
    const help = view.helpInformation();
    for (const flag of ['<rundir>', '--port', '--scene', '--pred', '127.0.0.1'])
      assert.ok(help.includes(flag), help);
    assert.deepEqual(
      view.options.map((o) => o.long),
      ['--port', '--scene', '--pred'],
    );
  });
});

let server: ViewerServer;

describe('viewer server and page', () => {
  before(async () => {
    server = await startViewer({ runDir, port: 0 });
  });
  after(async () => {
    await server?.close();
  });

  test('serves the page, the bundled script, the run and the points on 127.0.0.1', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(server.port > 0);
    const html = await (await fetch(server.url)).text();
    assert.match(html, /<script type="module" src="\/app\.js">/);
    const js = await fetch(`${server.url}app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    const code = await js.text();
    assert.ok(code.length > 100_000, `bundle is only ${code.length} bytes`);
    assert.ok(code.includes('cliftViewer'));
    assert.ok(
      !/https?:\/\/(?!127\.0\.0\.1)[a-z0-9.-]+\/[\w./-]+\.(js|css|wasm)/i.test(code),
      'bundle loads remote code',
    );
    const run = (await (await fetch(`${server.url}api/run`)).json()) as { objects: unknown[] };
    assert.equal(run.objects.length, 4);
    const points = unpackPoints(await (await fetch(`${server.url}api/points`)).arrayBuffer());
    assert.equal(points.instance.filter((id) => id === 3).length, 900);
  });

  test('a second viewer on a taken port fails naming the port', async () => {
    await assert.rejects(
      startViewer({ runDir, port: server.port }),
      new RegExp(`port ${server.port} .*in use`),
    );
  });

  test('view images: photo, overlays and highlights; unknown views, kinds and bad ids are refused', async () => {
    const get = (path: string) => fetch(`${server.url}${path}`);
    for (const kind of ['rgb', 'clift', 'segmenter', 'gt']) {
      const res = await get(`api/view/v0/${kind}.png`);
      assert.equal(res.status, 200, kind);
      const img = decode(new Uint8Array(await res.arrayBuffer()));
      assert.deepEqual([img.width, img.height, img.channels], [VIEW_W, VIEW_H, 3]);
    }
    const plain = decode(new Uint8Array(await (await get('api/view/v0/segmenter.png')).arrayBuffer()));
    const lit = decode(
      new Uint8Array(
        await (await get(`api/view/v0/segmenter.png?highlight=${segmenterId(0, 3)}`)).arrayBuffer(),
      ),
    );
    let grey = 0;
    let kept = 0;
    for (let i = 0; i < VIEW_W * VIEW_H; i++) {
      const [r, g, b] = [lit.data[i * 3]!, lit.data[i * 3 + 1]!, lit.data[i * 3 + 2]!];
      if (r === g && g === b) grey++;
      else if (r === plain.data[i * 3] && g === plain.data[i * 3 + 1] && b === plain.data[i * 3 + 2]) kept++;
    }
    assert.ok(kept > 10, `only ${kept} highlighted pixels kept their colour`);
    assert.ok(grey > VIEW_W * VIEW_H * 0.7, `only ${grey} pixels greyed`);
    assert.equal((await get('api/view/nope/clift.png')).status, 404);
    assert.equal((await get('api/view/..%2Fscene/clift.png')).status, 404);
    assert.equal((await get('api/view/v0/depth.png')).status, 404);
    assert.equal((await get('api/view/v0/clift.png?highlight=abc')).status, 400);
    assert.equal((await fetch(`${server.url}api/run`, { method: 'POST' })).status, 405);
  });

  test('only Host 127.0.0.1 or localhost is answered (DNS rebinding protection)', async () => {
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: server.port, path: '/api/run', headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    assert.equal(await statusFor(`127.0.0.1:${server.port}`), 200);
    assert.equal(await statusFor(`localhost:${server.port}`), 200);
    assert.equal(await statusFor('localhost'), 200);
    assert.equal(await statusFor(`evil.example:${server.port}`), 421);
    assert.equal(await statusFor('127.0.0.1.evil.example'), 421);
    assert.equal(await statusFor(`localhost.:${server.port}`), 421);
    assert.equal(allowedHost(undefined), false);
    assert.equal(allowedHost('127.0.0.1:99999'), false);
    assert.equal(allowedHost('LOCALHOST:8765'), true);
  });

  test('headless chromium: list and canvas clicks select an object and highlight it in 3D and in every view', {
    timeout: 60_000,
  }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      await page.goto(server.url);
      await page.waitForFunction(() => window.cliftViewer?.ready || window.cliftViewer?.error, null, {
        timeout: 15_000,
      });
      const state = () =>
        page.evaluate(() => ({
          ready: window.cliftViewer.ready,
          error: window.cliftViewer.error,
          selected: window.cliftViewer.selected,
          highlighted: window.cliftViewer.highlightedPointCount,
        }));
      assert.deepEqual(await state(), { ready: true, error: null, selected: null, highlighted: 0 });
      assert.equal(await page.locator('#objects button[data-id]').count(), 4);
      assert.match(
        (await page.locator('#objects button[data-id="1"]').textContent()) ?? '',
        /#1 ball.*700 pts/,
      );
      const imagesLoaded = () =>
        page.waitForFunction(() =>
          [...document.querySelectorAll('#views img')].every((i) => i.complete && i.naturalWidth > 0),
        );
      await imagesLoaded();
      assert.equal(await page.locator('#views img').count(), VIEW_STEMS.length * 3);

      const canvas = page.locator('#cloud canvas');
      const c1 = instanceColor(1);
      const c2 = instanceColor(2);
      const before = decodeScreenshot(await canvas.screenshot());
      assert.ok(countColor(before, c2, 3) > 20, 'object 2 is not drawn in its instance colour');

      // A click on the list.
      await page.locator('#objects button[data-id="3"]').click();
      assert.deepEqual(await state(), { ready: true, error: null, selected: 3, highlighted: 900 });
      assert.match((await page.locator('#objects button.selected').getAttribute('data-id')) ?? '', /^3$/);
      const field = (name: string) => page.locator(`#info dd[data-field="${name}"]`).textContent();
      assert.equal(await field('id'), '3');
      assert.match((await field('class')) ?? '', /^stone/);
      assert.equal(await field('points'), '900');
      assert.match((await field('size')) ?? '', /^0\.[56]\d* × 0\.[56]\d* × 0\.[56]\d*/);
      for (const [k, stem] of VIEW_STEMS.entries()) {
        const src = (kind: string) =>
          page.locator(`img[data-stem="${stem}"][data-kind="${kind}"]`).getAttribute('src');
        assert.equal(await src('clift'), `/api/view/${stem}/clift.png?highlight=3`);
        assert.equal(
          await src('segmenter'),
          `/api/view/${stem}/segmenter.png?highlight=${segmenterId(k, 3)}`,
        );
        assert.equal(await src('gt'), `/api/view/${stem}/gt.png?highlight=${gtId(3)}`);
      }
      await imagesLoaded();

      // A real mouse click on the canvas, on a point of object 1.
      const at = await page.evaluate(() => window.cliftViewer.screenPositionOfObject(1));
      assert.ok(at, 'no point of object 1 is on screen');
      await page.mouse.click(at.x, at.y);
      assert.deepEqual(await state(), { ready: true, error: null, selected: 1, highlighted: 700 });
      assert.equal(await field('points'), '700');
      assert.equal(
        await page.locator(`img[data-stem="v1"][data-kind="segmenter"]`).getAttribute('src'),
        `/api/view/v1/segmenter.png?highlight=${segmenterId(1, 1)}`,
      );
      const selected = decodeScreenshot(await canvas.screenshot());
      assert.ok(countColor(selected, c1, 3) > 20, 'the selected object is not drawn highlighted');
      assert.ok(countColor(selected, c2, 3) < 3, 'an unselected object still shows its full colour');

      const shot = await page.screenshot();
      assert.ok(shot.length > 10_000, `screenshot is only ${shot.length} bytes`);
      assert.ok(distinctColors(decodeScreenshot(shot)) > 50, 'screenshot has too few colours');

      await page.keyboard.press('Escape');
      assert.deepEqual(await state(), { ready: true, error: null, selected: null, highlighted: 0 });
      assert.equal(
        await page.locator('img[data-stem="v0"][data-kind="clift"]').getAttribute('src'),
        '/api/view/v0/clift.png',
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
