/**
 * Renders and writes every view of a scene, either in this thread or spread over worker threads (each
 * rebuilds the same world from the plain SceneSpec). Output files do not depend on the worker count.
 */
import { Worker } from 'node:worker_threads';
import type { ProgressFn } from '../core/progress.ts';
import { renderView, type ViewCamera } from './raycast-render.ts';
import { writeViewFiles } from './view-files.ts';
import { buildRenderWorld, type SceneSpec } from './world-mesh.ts';

/** Everything a renderer (in-thread or worker) needs: plain, structured-clonable data. */
export interface RenderJob {
  spec: SceneSpec;
  cameras: ViewCamera[];
  stems: string[];
  dir: string;
  depthScale: number;
}

/** Messages from a render worker. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; index: number }
  | { type: 'error'; message: string };

/** Messages to a render worker: render view `index`, or stop. */
export type WorkerRequest = { type: 'render'; index: number } | { type: 'stop' };

/** Renders and writes every view of the job with `workers` threads (1 = this thread). */
export async function renderAllViews(
  job: RenderJob,
  workers: number,
  onProgress?: ProgressFn,
): Promise<void> {
  const total = job.cameras.length;
  onProgress?.(0, total, 'render');
  if (workers <= 1 || total <= 1) {
    const world = buildRenderWorld(job.spec);
    for (let i = 0; i < total; i++) {
      writeViewFiles(job.dir, job.stems[i]!, renderView(world, job.cameras[i]!), job.depthScale);
      onProgress?.(i + 1, total, 'render');
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return;
  }
  await renderInWorkers(job, Math.min(workers, total), onProgress);
}

/** A worker thread running render-worker.ts, with the TypeScript loader registered inside it. */
function startWorker(job: RenderJob): Worker {
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./render-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, execArgv: [], workerData: job });
}

function renderInWorkers(job: RenderJob, count: number, onProgress?: ProgressFn): Promise<void> {
  const total = job.cameras.length;
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let next = 0;
    let done = 0;
    let failed = false;
    const stopAll = (): void => {
      for (const w of pool) void w.terminate();
    };
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      stopAll();
      reject(e);
    };
    const feed = (w: Worker): void => {
      const req: WorkerRequest = next < total ? { type: 'render', index: next++ } : { type: 'stop' };
      w.postMessage(req);
    };
    for (let k = 0; k < count; k++) {
      const w = startWorker(job);
      pool.push(w);
      w.on('message', (msg: WorkerReply) => {
        if (failed) return;
        if (msg.type === 'error') return fail(new Error(`render worker: ${msg.message}`));
        if (msg.type === 'done') {
          done++;
          onProgress?.(done, total, 'render');
          if (done === total) {
            stopAll();
            resolve();
            return;
          }
        }
        feed(w);
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0 && done < total) fail(new Error(`render worker exited with code ${code}`));
      });
    }
  });
}
