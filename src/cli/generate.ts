/** `clift generate`: write a Messy Rooms-style synthetic scene, then simulate the 2D segmenter on it. */
import type { Command } from 'commander';
import { ENV_NAMES } from '../synth/environment.ts';
import type { generateScene } from '../synth/generate.ts';
import { DEFAULT_SIZE, SENSOR_WIDTH_MM } from '../synth/layout.ts';
import { NOISE_NAMES } from '../synth/mask-levels.ts';
import { choiceFlag, intFlag } from './flags.ts';
import { inFreshFolder } from './fresh-folder.ts';
import { progressBar } from './progress.ts';

/** Fewest views: the last ⌊M/5⌋ are the test split, so below 5 there would be none. */
export const MIN_VIEWS = 5;

interface GenerateFlags {
  objects: string;
  views?: string;
  size: string;
  env: string;
  seed: string;
  noise: string;
  out: string;
  workers?: string;
}

/** Registers `clift generate`. */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description(
      `generate a synthetic scene (paper section 4): N objects of varied shapes and procedural textures dropped with rigid-body physics into an empty room, M inward-looking cameras on a dome-shaped shell (focal length 35 mm·√(N/25) on a ${SENSOR_WIDTH_MM} mm sensor), RGB, depth and ground-truth instance/semantic maps; then the simulated 2D segmenter's maps`,
    )
    .requiredOption('--out <dir>', 'scene folder to write')
    .option('--objects <n>', 'number of objects N', '25')
    .option('--views <m>', `number of views M, ≥ ${MIN_VIEWS} (default: min(1200, ⌊600·√(N/25)⌋))`)
    .option('--size <px>', 'image width and height in pixels', String(DEFAULT_SIZE))
    .option('--env <name>', `backdrop: ${ENV_NAMES.join(', ')}`, 'old_room')
    .option('--seed <n>', 'random seed (same seed, byte-identical files)', '0')
    .option('--noise <level>', `2D segmenter noise: ${NOISE_NAMES.join(', ')}, or off to skip it`, 'medium')
    .option(
      '--workers <n>',
      'render threads (default: one per core for large scenes); output does not depend on it',
    )
    .addHelpText(
      'after',
      '\nThe last ⌊M/5⌋ views form the test split. Run `clift segment2d` to redo the segmenter maps with another noise level.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ clift generate --objects 25 --size 192 --noise medium --out scenes/room25\n  $ clift generate --objects 6 --views 12 --size 48 --seed 1 --noise off --out scenes/tiny',
    )
    .action(async (flags: GenerateFlags) => {
      const env = choiceFlag('env', flags.env, ENV_NAMES);
      const noise = choiceFlag('noise', flags.noise, [...NOISE_NAMES, 'off'] as const);
      const seed = intFlag('seed', flags.seed);
      const objects = intFlag('objects', flags.objects, 1);
      const views = flags.views === undefined ? undefined : intFlag('views', flags.views, MIN_VIEWS);
      const size = intFlag('size', flags.size, 8);
      const workers = flags.workers === undefined ? undefined : intFlag('workers', flags.workers, 1);
      // Loaded here: the physics and ray-casting libraries are the slowest part of start-up.
      const { generateScene } = await import('../synth/generate.ts');
      const { simulateSegmenter } = await import('../synth/segmenter2d.ts');
      const bar = progressBar('generate');
      let result: Awaited<ReturnType<typeof generateScene>>;
      try {
        result = await inFreshFolder(flags.out, async () => {
          const r = await generateScene({
            objects,
            views,
            size,
            env,
            seed,
            out: flags.out,
            workers,
            onProgress: bar.update,
          });
          if (noise !== 'off') {
            await simulateSegmenter(r.dir, {
              noise,
              seed,
              onProgress: (done, total) => bar.update(done, total, 'segmenter'),
            });
          }
          return r;
        });
      } finally {
        bar.stop();
      }
      const rest = result.settled ? `at rest after ${result.physicsSteps} steps` : 'not fully at rest';
      const masks = noise === 'off' ? '' : `, segmenter noise ${noise}`;
      process.stdout.write(
        `wrote ${result.views} views (${result.testViews} test) of ${result.size}² px, ${result.objects} objects in ${flags.env}, f = ${result.focalMm.toFixed(1)} mm, objects ${rest}${masks} to ${result.dir}\n`,
      );
    });
}
