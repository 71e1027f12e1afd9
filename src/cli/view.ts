/** `clift view`: a local web page with a run's labelled point cloud, its objects and its views. */
import type { Command } from 'commander';
import { startViewer } from '../viewer/server.ts';
import { intFlag } from './flags.ts';

interface ViewFlags {
  port: string;
  scene?: string;
  pred?: string;
}

/** The port `clift view` listens on unless --port says otherwise. */
export const DEFAULT_VIEW_PORT = 8765;

/** Registers `clift view`. */
export function registerView(program: Command): void {
  program
    .command('view')
    .description(
      'serve a local web page (127.0.0.1 only) with the run’s point cloud coloured by instance, a list of objects, and per-view overlays of clift, the 2D segmenter and ground truth; clicking an object highlights it everywhere',
    )
    .argument(
      '<rundir>',
      'run folder from clift run or clift train: needs prediction/points.ply (or --pred); views come from its instance/*.png',
    )
    .option('--port <n>', 'TCP port on 127.0.0.1; 0 picks a free one', String(DEFAULT_VIEW_PORT))
    .option('--scene <dir>', 'scene folder (default: RUNDIR/scene, else the scene RUNDIR/config.json names)')
    .option(
      '--pred <dir>',
      'prediction folder written by `clift segment --out` (default: RUNDIR/prediction, where `clift run` puts it)',
    )
    .addHelpText(
      'after',
      '\nThe page is bundled locally at start; nothing is downloaded. Ctrl-C stops the server.\n\nExamples:\n  $ clift run --out runs/demo\n  $ clift view runs/demo --port 0\n  $ clift segment --run runs/office --out preds/office\n  $ clift view runs/office --pred preds/office',
    )
    .action(async (runDir: string, flags: ViewFlags) => {
      const port = intFlag('port', flags.port, { min: 0, max: 65535 });
      const viewer = await startViewer({
        runDir,
        port,
        ...(flags.scene ? { sceneDir: flags.scene } : {}),
        ...(flags.pred ? { predDir: flags.pred } : {}),
      });
      for (const w of viewer.run.info.warnings) process.stderr.write(`clift view: warning: ${w}\n`);
      const { objects, views, pointCount } = viewer.run.info;
      process.stdout.write(
        `clift view: ${pointCount} points, ${objects.length} objects, ${views.length} views\n` +
          `serving ${viewer.run.info.dir} at ${viewer.url} (Ctrl-C to stop)\n`,
      );
      await new Promise<void>((resolve, reject) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          viewer.close().then(() => {
            process.stdout.write('clift view: stopped\n');
            resolve();
          }, reject);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
