/** The viewer's HTTP server on 127.0.0.1: the page, its script, the run as JSON, the points and view images. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VIEW_KINDS, type ViewKind } from './api-types.ts';
import { pageBundle } from './bundle.ts';
import { pageHtml } from './page-html.ts';
import { type LoadRunOptions, loadViewerRun, type ViewerRun } from './run-dir.ts';
import { viewImagePng } from './view-images.ts';
import { readViewMaps, type ViewMaps } from './views.ts';

/** Options of startViewer. */
export interface ViewerOptions extends LoadRunOptions {
  runDir: string;
  /** TCP port; 0 picks a free one (default 0). */
  port?: number;
}

/** A running viewer. */
export interface ViewerServer {
  url: string;
  port: number;
  run: ViewerRun;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** The only address the viewer listens on. */
export const HOST = '127.0.0.1';
/** Views whose decoded maps are kept in memory. */
const CACHED_VIEWS = 16;

interface Reply {
  status: number;
  type: string;
  body: string | Uint8Array;
}

const text = (status: number, body: string): Reply => ({ status, type: 'text/plain; charset=utf-8', body });

/** Decoded view maps, the most recently used kept. */
class ViewCache {
  private readonly maps = new Map<string, ViewMaps>();

  constructor(private readonly run: ViewerRun) {}

  /** The maps of view `stem`, or null when the run has no such view. */
  get(stem: string): ViewMaps | null {
    const hit = this.maps.get(stem);
    if (hit) {
      this.maps.delete(stem);
      this.maps.set(stem, hit);
      return hit;
    }
    const source = this.run.views.get(stem);
    if (!source) return null;
    const maps = readViewMaps(source, this.run.scene);
    this.maps.set(stem, maps);
    if (this.maps.size > CACHED_VIEWS) this.maps.delete(this.maps.keys().next().value!);
    return maps;
  }
}

/** Answers `/api/view/<stem>/<kind>.png[?highlight=id]`. */
function viewImage(cache: ViewCache, stem: string, kind: string, params: URLSearchParams): Reply {
  if (!(VIEW_KINDS as readonly string[]).includes(kind))
    return text(404, `unknown view image kind "${kind}"`);
  const maps = cache.get(stem);
  if (!maps) return text(404, `the run has no view "${stem}"`);
  const raw = params.get('highlight');
  const highlight = raw === null || raw === '' ? null : Number(raw);
  if (highlight !== null && !Number.isInteger(highlight))
    return text(400, `highlight must be an integer id, got "${raw}"`);
  if (kind !== 'rgb' && !maps[kind as Exclude<ViewKind, 'rgb'>])
    return text(404, `view "${stem}" has no ${kind} map`);
  return { status: 200, type: 'image/png', body: viewImagePng(maps, kind as ViewKind, highlight) };
}

/** Routes one GET request. */
async function route(run: ViewerRun, cache: ViewCache, url: URL): Promise<Reply> {
  const path = url.pathname;
  if (path === '/' || path === '/index.html') {
    return { status: 200, type: 'text/html; charset=utf-8', body: pageHtml(run.info.name) };
  }
  if (path === '/app.js')
    return { status: 200, type: 'text/javascript; charset=utf-8', body: await pageBundle() };
  if (path === '/api/run') {
    return { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(run.info) };
  }
  if (path === '/api/points') return { status: 200, type: 'application/octet-stream', body: run.points };
  const m = /^\/api\/view\/([^/]+)\/([a-z]+)\.png$/.exec(path);
  if (m) {
    let stem: string;
    try {
      stem = decodeURIComponent(m[1]!);
    } catch {
      return text(400, 'bad view name');
    }
    return viewImage(cache, stem, m[2]!, url.searchParams);
  }
  return text(404, `not found: ${path}`);
}

/** Writes a reply. */
function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    'content-type': reply.type,
    'content-length': Buffer.byteLength(reply.body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(reply.body);
}

/** Whether a Host header names this machine's loopback: 127.0.0.1 or localhost, with or without a port. */
export function allowedHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const m = /^(127\.0\.0\.1|localhost)(:(\d{1,5}))?$/i.exec(host.trim());
  return m !== null && (m[3] === undefined || Number(m[3]) <= 65535);
}

/** Handles one request, turning failures into a 500 that names the problem. */
async function handle(
  run: ViewerRun,
  cache: ViewCache,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    if (!allowedHost(req.headers.host)) {
      // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not read the run.
      send(res, text(421, 'this server answers only Host 127.0.0.1 or localhost'));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, text(405, 'only GET is served'));
      return;
    }
    send(res, await route(run, cache, new URL(req.url ?? '/', `http://${HOST}`)));
  } catch (e) {
    const message = (e as Error).message;
    process.stderr.write(`clift view: ${req.url}: ${message}\n`);
    if (!res.headersSent) send(res, text(500, message));
    else res.destroy();
  }
}

/** Listens on HOST:port, turning "port in use" into a clear error. */
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${HOST} is in use: pick another with --port (0 picks a free one)`)
          : e,
      );
    };
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Loads the run folder, bundles the page and serves both on 127.0.0.1. */
export async function startViewer(opts: ViewerOptions): Promise<ViewerServer> {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got ${port}`);
  const run = loadViewerRun(opts.runDir, {
    ...(opts.sceneDir ? { sceneDir: opts.sceneDir } : {}),
    ...(opts.predDir ? { predDir: opts.predDir } : {}),
  });
  await pageBundle();
  const cache = new ViewCache(run);
  const server = createServer((req, res) => {
    void handle(run, cache, req, res);
  });
  const bound = await listen(server, port);
  return {
    url: `http://${HOST}:${bound}/`,
    port: bound,
    run,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
