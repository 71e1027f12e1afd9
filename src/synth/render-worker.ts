/** Worker-thread entry of the render pool: builds the world once, then renders the views it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { renderView } from './raycast-render.ts';
import type { RenderJob, WorkerReply, WorkerRequest } from './render-pool.ts';
import { writeViewFiles } from './view-files.ts';
import { buildRenderWorld } from './world-mesh.ts';

const port = parentPort;
if (!port) throw new Error('render-worker.ts must run in a worker thread');
const job = workerData as RenderJob;
const reply = (msg: WorkerReply): void => port.postMessage(msg);

try {
  const world = buildRenderWorld(job.spec);
  port.on('message', (req: WorkerRequest) => {
    if (req.type === 'stop') {
      port.close();
      return;
    }
    try {
      writeViewFiles(
        job.dir,
        job.stems[req.index]!,
        renderView(world, job.cameras[req.index]!),
        job.depthScale,
      );
      reply({ type: 'done', index: req.index });
    } catch (e) {
      reply({ type: 'error', message: (e as Error).stack ?? String(e) });
    }
  });
  reply({ type: 'ready' });
} catch (e) {
  reply({ type: 'error', message: (e as Error).stack ?? String(e) });
}
