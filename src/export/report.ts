/** The run report: metrics of clift against the 2D baselines, loss curves and a grid of test views, as Markdown and self-contained HTML. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../data/png.ts';
import type { Metrics } from '../eval/evaluate.ts';

/** One row of the results table: a method's name and its scores from `clift eval`. */
export type ReportRow = { method: string } & Pick<
  Metrics,
  'pq_scene' | 'sq_scene' | 'rq_scene' | 'pq_frame' | 'miou' | 'psnr'
>;

/** What the report shows. */
export interface ReportContent {
  title: string;
  facts: [string, string][];
  rows: ReportRow[];
  /** PNG files inside the run folder, with captions. */
  images: { path: string; caption: string }[];
}

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(2));

/** Writes report.md and report.html into `runDir`. */
export function writeReport(runDir: string, c: ReportContent): { md: string; html: string } {
  const header = '| method | PQ^scene | SQ | RQ | PQ (frame) | mIoU | PSNR |';
  const table = [
    header,
    '|---|---|---|---|---|---|---|',
    ...c.rows.map(
      (r) =>
        `| ${r.method} | ${fmt(r.pq_scene)} | ${fmt(r.sq_scene)} | ${fmt(r.rq_scene)} | ${fmt(r.pq_frame)} | ${fmt(r.miou)} | ${fmt(r.psnr)} |`,
    ),
  ];
  const md = [
    `# ${c.title}`,
    '',
    ...c.facts.map(([k, v]) => `- **${k}**: ${v}`),
    '',
    ...table,
    '',
    ...c.images.flatMap((im) => [`## ${im.caption}`, '', `![${im.caption}](${im.path})`, '']),
  ].join('\n');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const img = (p: string) => `data:image/png;base64,${readFileSync(join(runDir, p)).toString('base64')}`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(c.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
td:first-child,th:first-child{text-align:left}img{max-width:100%;border:1px solid #ddd}</style></head><body>
<h1>${esc(c.title)}</h1><ul>${c.facts.map(([k, v]) => `<li><b>${esc(k)}</b>: ${esc(v)}</li>`).join('')}</ul>
<table><tr><th>method</th><th>PQ<sup>scene</sup></th><th>SQ</th><th>RQ</th><th>PQ (frame)</th><th>mIoU</th><th>PSNR</th></tr>
${c.rows.map((r) => `<tr><td>${esc(r.method)}</td>${[r.pq_scene, r.sq_scene, r.rq_scene, r.pq_frame, r.miou, r.psnr].map((v) => `<td>${fmt(v)}</td>`).join('')}</tr>`).join('\n')}
</table>${c.images.map((im) => `<h2>${esc(im.caption)}</h2><img alt="${esc(basename(im.path))}" src="${img(im.path)}">`).join('\n')}
</body></html>\n`;
  writeFileAtomic(join(runDir, 'report.md'), `${md}\n`);
  writeFileAtomic(join(runDir, 'report.html'), html);
  return { md: join(runDir, 'report.md'), html: join(runDir, 'report.html') };
}
