/** `clift convert`: turn another data layout into a clift scene folder. */
import type { Command } from 'commander';
import { CONVERT_FORMATS, convertScene } from '../data/convert/index.ts';
import { readScene } from '../data/read-scene.ts';
import { choiceFlag } from './flags.ts';
import { inFreshFolder } from './fresh-folder.ts';
import { progressBar } from './progress.ts';

/** Registers `clift convert`. */
export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(
      "convert Panoptic Lifting's processed scenes, the Messy Rooms release, a nerfstudio / instant-ngp capture or a COLMAP sparse model into a clift scene",
    )
    .requiredOption('--from <format>', `source layout: ${CONVERT_FORMATS.join(', ')}`)
    .requiredOption('--in <dir>', 'source folder (colmap: the sparse model folder, e.g. sparse/0)')
    .requiredOption('--out <dir>', 'scene folder to write (transforms.json, images, maps)')
    .option(
      '--images <dir>',
      'colmap only: folder the image names are relative to (default: the first images/ in --in or up to three levels above it)',
    )
    .option('--masks <dir>', 'nerfstudio and colmap only: instance-mask PNGs named by image stem')
    .option(
      '--semantic-masks <dir>',
      'nerfstudio and colmap only: semantic-mask PNGs (0 background, 1 object) by image stem',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ clift convert --from messy-rooms --in downloads/old_room_25 --out scenes/messy25\n  $ clift convert --from nerfstudio --in captures/desk --masks captures/desk/masks --out scenes/desk\n  $ clift convert --from colmap --in project/sparse/0 --images project/images --out scenes/project',
    )
    .action(
      async (opts: {
        from: string;
        in: string;
        out: string;
        images?: string;
        masks?: string;
        semanticMasks?: string;
      }) => {
        const from = choiceFlag('from', opts.from, CONVERT_FORMATS);
        const bar = progressBar('convert');
        let result: Awaited<ReturnType<typeof convertScene>>;
        try {
          result = await inFreshFolder(opts.out, () =>
            convertScene(from, opts.in, opts.out, {
              onProgress: bar.update,
              images: opts.images,
              masks: opts.masks,
              semanticMasks: opts.semanticMasks,
            }),
          );
        } finally {
          bar.stop();
        }
        // Read the result back so a conversion never leaves a scene clift would refuse.
        const scene = readScene(result.dir);
        const counts = { train: 0, val: 0, test: 0 };
        for (const f of scene.frames) counts[f.split]++;
        process.stdout.write(
          `wrote ${result.frames} frames (${counts.train} train, ${counts.val} val, ${counts.test} test) to ${result.dir}\n`,
        );
        for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
      },
    );
}
