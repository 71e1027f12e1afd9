/** The page's side panels: the object list, the selected object's facts and the strip of views. */
import { instanceColor } from '../../export/palette.ts';
import type { ObjectInfo, RunInfo, ViewInfo, ViewKind, ViewObject } from '../api-types.ts';
import { viewImageUrl } from './api.ts';
import { byId, cssColor, el, short } from './dom.ts';

/** The id-map kinds shown per view, with their captions. */
const SHOWN_KINDS: { kind: ViewKind; caption: string }[] = [
  { kind: 'clift', caption: 'clift' },
  { kind: 'segmenter', caption: '2D segmenter' },
  { kind: 'gt', caption: 'ground truth' },
];

/** A colour swatch for instance `id`. */
function swatch(id: number): HTMLSpanElement {
  const s = el('span', 'swatch');
  s.style.background = cssColor(instanceColor(id));
  return s;
}

/** Fills the object list; clicking an entry calls `onClick` with its id. */
export function buildObjectList(objects: ObjectInfo[], onClick: (id: number) => void): void {
  const list = byId<HTMLUListElement>('objects');
  list.replaceChildren();
  byId('objects-title').textContent = `Objects (${objects.length})`;
  for (const o of objects) {
    const button = el('button');
    button.type = 'button';
    button.dataset.id = String(o.id);
    button.title = `${o.className} #${o.id}: ${o.points} points, in ${o.views} views`;
    button.append(
      swatch(o.id),
      el('span', '', `#${o.id} ${o.className}`),
      el('span', 'count', `${o.points} pts`),
    );
    button.addEventListener('click', () => onClick(o.id));
    const item = el('li');
    item.append(button);
    list.append(item);
  }
}

/** Marks the selected entry of the object list and scrolls it into sight. */
export function markSelectedInList(id: number | null): void {
  for (const b of byId('objects').querySelectorAll<HTMLButtonElement>('button[data-id]')) {
    const on = b.dataset.id === String(id);
    b.classList.toggle('selected', on);
    if (on) b.scrollIntoView({ block: 'nearest' });
  }
}

/** The ground-truth id matched to an object in most views, with its mean IoU there. */
function gtMatch(id: number, views: ViewInfo[]): { id: number; iou: number; views: number } | null {
  const tally = new Map<number, { views: number; iou: number }>();
  for (const v of views) {
    const m = v.objects.find((o) => o.id === id)?.gt;
    if (!m) continue;
    const t = tally.get(m.id) ?? { views: 0, iou: 0 };
    t.views++;
    t.iou += m.iou;
    tally.set(m.id, t);
  }
  let best: { id: number; iou: number; views: number } | null = null;
  for (const [gt, t] of tally) {
    if (!best || t.views > best.views) best = { id: gt, iou: t.iou / t.views, views: t.views };
  }
  return best;
}

/** Shows the selected object's id, class, size and point count (or a hint when nothing is selected). */
export function showInfo(object: ObjectInfo | null, run: RunInfo, onFocus: (o: ObjectInfo) => void): void {
  const info = byId('info');
  if (!object) {
    info.replaceChildren(
      el('p', 'empty', 'No object selected. Click a point in the cloud or an entry below.'),
    );
    return;
  }
  const title = el('h2');
  title.append(swatch(object.id), el('span', '', `Object #${object.id}`));
  const rows: [string, string][] = [
    ['id', String(object.id)],
    ['class', object.classId === null ? object.className : `${object.className} (class ${object.classId})`],
    ['points', String(object.points)],
    ['size', object.size ? `${object.size.map(short).join(' × ')} (scene units)` : '—'],
    ['views', `visible in ${object.views} of ${run.views.length}`],
  ];
  const gt = gtMatch(object.id, run.views);
  if (gt) rows.push(['GT match', `#${gt.id} in ${gt.views} views, mean IoU ${gt.iou.toFixed(2)}`]);
  const dl = el('dl');
  for (const [k, v] of rows) {
    const dd = el('dd', '', v);
    dd.dataset.field = k;
    dl.append(el('dt', '', k), dd);
  }
  const focus = el('button', '', 'focus in 3D');
  focus.type = 'button';
  focus.disabled = object.center === null;
  focus.addEventListener('click', () => onFocus(object));
  info.replaceChildren(title, dl, focus);
}

/** The id to pick out in one view image for the selected clift object (0: nothing matches). */
function highlightIn(kind: ViewKind, selected: number, seen: ViewObject | undefined): number {
  if (kind === 'clift') return selected;
  const match = kind === 'segmenter' ? seen?.segmenter : kind === 'gt' ? seen?.gt : null;
  return match?.id ?? 0;
}

/** The second caption line of one view image under the current selection (the matched id and its overlap). */
function detailOf(kind: ViewKind, selected: number | null, seen: ViewObject | undefined): string {
  if (selected === null) return '\u00a0';
  if (!seen) return 'not visible';
  if (kind === 'clift') return `#${selected}, ${seen.pixels} px`;
  const match = kind === 'segmenter' ? seen.segmenter : seen.gt;
  return match ? `#${match.id}, IoU ${match.iou.toFixed(2)}` : 'no match';
}

/** Builds one card per view; the camera button calls `onLook`. */
export function buildViews(views: ViewInfo[], onLook: (v: ViewInfo) => void): void {
  const strip = byId('views');
  strip.replaceChildren();
  if (views.length === 0) {
    strip.append(el('p', 'none', 'This run has no labelled views (prediction/instance/ is empty).'));
    return;
  }
  for (const v of views) {
    const card = el('div', 'view');
    card.dataset.stem = v.stem;
    const title = el('div', 'title');
    title.append(el('span', '', `${v.stem}${v.split ? ` (${v.split})` : ''}`));
    if (v.camera) {
      const look = el('button', '', 'look from here');
      look.type = 'button';
      look.addEventListener('click', () => onLook(v));
      title.append(look);
    }
    const images = el('div', 'images');
    for (const { kind, caption } of SHOWN_KINDS) {
      if (!v.kinds.includes(kind)) continue;
      const figure = el('figure');
      const img = el('img');
      img.alt = `${caption}, view ${v.stem}`;
      img.dataset.kind = kind;
      img.dataset.stem = v.stem;
      img.width = Math.round((112 * v.width) / v.height);
      img.height = 112;
      img.src = viewImageUrl(v.stem, kind, null);
      const cap = el('figcaption');
      cap.dataset.kind = kind;
      cap.append(el('span', '', caption), el('span', 'detail', '\u00a0'));
      figure.style.width = `${img.width}px`;
      figure.append(img, cap);
      images.append(figure);
    }
    card.append(title, images);
    strip.append(card);
  }
}

/** Picks out the selected object in every view image, fades views that do not show it, and scrolls to one that does. */
export function highlightViews(views: ViewInfo[], selected: number | null): void {
  let first: HTMLElement | null = null;
  for (const card of byId('views').querySelectorAll<HTMLElement>('.view')) {
    const view = views.find((v) => v.stem === card.dataset.stem);
    if (!view) continue;
    const seen = selected === null ? undefined : view.objects.find((o) => o.id === selected);
    card.classList.toggle('absent', selected !== null && !seen);
    if (seen && !first) first = card;
    for (const { kind } of SHOWN_KINDS) {
      const img = card.querySelector<HTMLImageElement>(`img[data-kind="${kind}"]`);
      const detail = card.querySelector<HTMLElement>(`figcaption[data-kind="${kind}"] .detail`);
      if (!img || !detail) continue;
      const url = viewImageUrl(view.stem, kind, selected === null ? null : highlightIn(kind, selected, seen));
      if (img.getAttribute('src') !== url) img.src = url;
      detail.textContent = detailOf(kind, selected, seen);
    }
  }
  first?.scrollIntoView({ inline: 'nearest', block: 'nearest' });
}
