/** The viewer page: loads the run, draws the cloud, the object list and the views, and keeps one selection. */
import type { ObjectInfo } from '../api-types.ts';
import { fetchPoints, fetchRun } from './api.ts';
import { CloudView, type ColorMode } from './cloud-view.ts';
import { byId } from './dom.ts';
import { buildObjectList, buildViews, highlightViews, markSelectedInList, showInfo } from './panels.ts';
import { installHook } from './test-hook.ts';

const hook = installHook();

/** Loads everything and wires the panels together. */
async function start(): Promise<void> {
  const [run, points] = await Promise.all([fetchRun(), fetchPoints()]);
  const objects = new Map<number, ObjectInfo>(run.objects.map((o) => [o.id, o]));
  byId('facts').textContent =
    `${run.pointCount.toLocaleString('en')} points · ${run.objects.length} objects · ${run.views.length} views` +
    (run.scene ? '' : ' · no scene found');
  if (run.warnings.length > 0) console.warn(run.warnings.join('\n'));

  let cloud: CloudView | null = null;
  const select = (id: number | null): void => {
    const object = id === null ? null : (objects.get(id) ?? null);
    if (id !== null && !object) throw new Error(`the run has no object ${id}`);
    hook.selected = id;
    hook.highlightedPointCount = cloud?.setSelected(id) ?? 0;
    markSelectedInList(id);
    showInfo(object, run, (o) => cloud?.focus(o));
    highlightViews(run.views, id);
  };
  cloud = new CloudView(byId('cloud'), points, run, (id) => select(id));
  buildObjectList(run.objects, (id) => select(hook.selected === id ? null : id));
  buildViews(run.views, (v) => {
    if (v.camera) cloud?.lookFrom(v.camera);
  });
  showInfo(null, run, () => {});

  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="color"]')) {
    input.addEventListener('change', () => cloud?.setColorMode(input.value as ColorMode));
  }
  byId('reset-view').addEventListener('click', () => cloud?.resetView());
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') select(null);
  });

  hook.objectCount = run.objects.length;
  hook.select = select;
  hook.screenPositionOfObject = (id) => cloud?.screenPositionOfObject(id) ?? null;
  hook.ready = true;
}

start().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  hook.error = message;
  byId('banner').textContent = `The viewer could not load this run:\n${message}`;
  console.error(message);
});
