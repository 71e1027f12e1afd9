/** `clift convert`: turn another data layout into a clift scene folder. */
import type { Command } from 'commander';
import { CONVERT_FORMATS, convertScene } from '../data/convert/index.ts';
import { readScene } from '../data/read-scene.ts';
import { choiceFlag, intFlag } from './flags.ts';
import { inFreshFolder } from './fresh-folder.ts';
import { progressBar } from './progress.ts';

/** Registers `clift convert`. */
export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(
      "convert Panoptic Lifting's processed scenes, the Messy Rooms release, a nerfstudio / instant-ngp capture, a COLMAP sparse model or a folder of RGB-D frames into a clift scene",
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
    .option('--stride <n>', 'rgbd only: keep every n-th frame (default: 1)')
    .option(
      '--size <px>',
      'rgbd only: larger image side of the output; depth by median of valid readings (default: source size)',
    )
    .option(
      '--test-every <n>',
      'rgbd only: the middle frame of every n kept frames is a test frame, 0 = none (default: 5)',
    )
    .option(
      '--no-depth',
      'rgbd only: write no depth maps (an RGB-only scene, as from a camera without depth); the scene box still comes from the depth readings',
    )
    .addHelpText(
      'after',
      '\nrgbd folders hold frame-NNNNNN.color.jpg, .depth.png (uint16 mm, 65535 = no reading) and .pose.txt (4×4 OpenCV\ncamera-to-world, metres) plus camera-intrinsics.txt (3×3 K, integer pixel centres).\n',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ clift convert --from messy-rooms --in downloads/old_room_25 --out scenes/messy25\n  $ clift convert --from nerfstudio --in captures/desk --masks captures/desk/masks --out scenes/desk\n  $ clift convert --from colmap --in project/sparse/0 --images project/images --out scenes/project\n  $ clift convert --from rgbd --in captures/office --stride 5 --size 160 --out scenes/office',
    )
    .action(
      async (opts: {
        from: string;
        in: string;
        out: string;
        images?: string;
        masks?: string;
        semanticMasks?: string;
        stride?: string;
        size?: string;
        testEvery?: string;
        depth: boolean;
      }) => {
        const from = choiceFlag('from', opts.from, CONVERT_FORMATS);
        const int = (name: string, text: string | undefined, min: number): number | undefined =>
          text === undefined ? undefined : intFlag(name, text, min);
        const rgbd = {
          stride: int('stride', opts.stride, 1),
          size: int('size', opts.size, 8),
          testEvery: int('test-every', opts.testEvery, 0),
          ...(opts.depth ? {} : { noDepth: true }),
        };
        const bar = progressBar('convert');
        let result: Awaited<ReturnType<typeof convertScene>>;
        try {
          result = await inFreshFolder(opts.out, () =>
            convertScene(from, opts.in, opts.out, {
              onProgress: bar.update,
              images: opts.images,
              masks: opts.masks,
              semanticMasks: opts.semanticMasks,
              ...rgbd,
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
