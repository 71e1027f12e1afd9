/** The viewer's HTML page: layout and styles; the script (`/app.js`) fills it in. */

const STYLE = `
:root { color-scheme: dark; --bg: #16181c; --panel: #1f2228; --line: #30343c; --text: #e4e6ea; --dim: #9096a0;
  --accent: #ffd24a; font: 13px/1.35 system-ui, sans-serif; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--text); }
body { display: grid; grid-template-columns: minmax(0, 1fr) 290px; grid-template-rows: auto minmax(0, 1fr) auto;
  grid-template-areas: "top top" "cloud side" "views side"; height: 100vh; overflow: hidden; }
header { grid-area: top; display: flex; gap: 14px; align-items: center; padding: 6px 12px;
  border-bottom: 1px solid var(--line); background: var(--panel); white-space: nowrap; }
header h1 { font-size: 15px; margin: 0; }
header .facts, header .hint { color: var(--dim); }
header .hint { margin-left: auto; min-width: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
header label { cursor: pointer; }
button { font: inherit; color: var(--text); background: #2b2f37; border: 1px solid var(--line); border-radius: 4px;
  padding: 2px 8px; cursor: pointer; }
button:hover { border-color: var(--dim); }
#cloud { grid-area: cloud; position: relative; min-height: 0; }
#cloud canvas { display: block; width: 100%; height: 100%; cursor: crosshair; }
#banner { position: absolute; left: 10px; top: 10px; right: 10px; color: #ffb4a8; white-space: pre-wrap; }
aside { grid-area: side; display: flex; flex-direction: column; min-height: 0; border-left: 1px solid var(--line);
  background: var(--panel); }
#info { padding: 10px 12px; border-bottom: 1px solid var(--line); min-height: 118px; }
#info h2 { font-size: 14px; margin: 0 0 6px; display: flex; align-items: center; gap: 8px; }
#info dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0 0 6px; }
#info dt { color: var(--dim); }
#info dd { margin: 0; }
#info .empty { color: var(--dim); }
#objects-title { padding: 8px 12px 4px; color: var(--dim); }
#objects { list-style: none; margin: 0; padding: 0 6px 8px; overflow-y: auto; flex: 1; }
#objects button { display: flex; width: 100%; gap: 8px; align-items: center; text-align: left; border: 1px solid transparent;
  background: none; padding: 3px 6px; }
#objects button:hover { background: #2b2f37; }
#objects button.selected { border-color: var(--accent); background: #3a3524; }
#objects .count { margin-left: auto; color: var(--dim); font-variant-numeric: tabular-nums; }
.swatch { width: 12px; height: 12px; border-radius: 2px; flex: none; border: 1px solid #0006; }
#views { grid-area: views; display: flex; gap: 10px; overflow-x: auto; padding: 8px 10px; border-top: 1px solid var(--line);
  background: var(--panel); }
#views .none { color: var(--dim); }
.view { flex: none; display: flex; flex-direction: column; gap: 4px; transition: opacity 0.15s; }
.view.absent { opacity: 0.4; }
.view .title { display: flex; gap: 8px; align-items: center; color: var(--dim); }
.view .title button { padding: 0 6px; font-size: 12px; }
.view .images { display: flex; gap: 4px; }
.view figure { margin: 0; display: flex; flex-direction: column; align-items: center; gap: 2px; }
.view img { height: 112px; width: auto; image-rendering: pixelated; background: #000; border: 1px solid var(--line); }
.view figcaption { font-size: 11px; color: var(--dim); display: flex; flex-direction: column; align-items: center;
  width: 100%; }
.view figcaption span { max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.view figcaption .detail { color: var(--text); }
`;

/** The page HTML for a run named `title`. */
export function pageHtml(title: string): string {
  const safe = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clift view · ${safe}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>clift view · <span id="run-name">${safe}</span></h1>
  <span class="facts" id="facts">loading…</span>
  <span>colour by
    <label><input type="radio" name="color" value="instance" checked> instance</label>
    <label><input type="radio" name="color" value="photo"> photo</label>
  </span>
  <button id="reset-view" type="button">reset view</button>
  <span class="hint">click: select · drag: orbit · right-drag: pan · wheel: zoom · Esc: clear</span>
</header>
<main id="cloud"><div id="banner"></div></main>
<aside>
  <section id="info"><p class="empty">No object selected.</p></section>
  <div id="objects-title">Objects</div>
  <ul id="objects"></ul>
</aside>
<footer id="views"></footer>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
}
