/** `clift segment2d`: write a scene's 2D segmenter maps: simulated from its ground truth, graph-based from its images, or from an ONNX model. */
import type { Command } from 'commander';
import { readScene } from '../data/read-scene.ts';
import { GRAPH_DEFAULTS, runGraphSegmenter } from '../segment2d/graph-segmenter.ts';
import { isNoiseName, NOISE_LEVELS, NOISE_NAMES } from '../synth/mask-levels.ts';
import { simulateSegmenter } from '../synth/segmenter2d.ts';
import { choiceFlag, intFlag, realFlag } from './flags.ts';
import { progressBar } from './progress.ts';
import { addOnnxOptions, checkFlagUse, type OnnxFlags, runOnnxCommand } from './segment2d-onnx.ts';

const METHODS = ['simulated', 'graph'] as const;

/** One help line per noise level with its main rates. */
function levelHelp(): string {
  return NOISE_NAMES.map((name) => {
    const l = NOISE_LEVELS[name];
    return `  ${name.padEnd(7)} miss ${l.missRate}, merge ${l.mergeRate}, split ${l.splitRate}, boundary ${l.boundaryRate}, false blobs/view ${l.falsePositives}`;
  }).join('\n');
}

const GRAPH_HELP = `
--method graph is a weight-free stand-in for a real instance segmenter, not one: Felzenszwalb–Huttenlocher
graph segmentation of each view on an 8-connected grid, edge weight = RGB distance (0..255, after a Gaussian of
--sigma) + --depth-weight × |d1 − d2| / min(d1, d2) where both pixels have depth. Segments larger than
--stuff-share of the image become stuff (instance 0, the first stuff class: floors, walls, table tops); the rest
are things (the first thing class) with fresh random ids in every view. Confidence is 1, falling to 0.5 within
2 % of the image side of a segment boundary. It knows nothing about objects: expect objects split along
texture and shading edges and merged with similar-coloured neighbours.`;

interface Segment2dFlags {
  scene: string;
  method?: string;
  noise: string;
  seed: string;
  k: string;
  minSize: string;
  sigma: string;
  depthWeight: string;
  stuffShare: string;
}

/** Registers `clift segment2d`. */
export function registerSegment2d(program: Command): void {
  const cmd = program
    .command('segment2d')
    .description(
      "write a scene's 2D segmenter maps: simulated from its ground truth (noisy, fresh random ids in every view), graph-based from its images and depth, or from a user's ONNX model (--onnx); writes segments/{instance,semantic,confidence}/<stem>.png and adds them to transforms.json",
    )
    .requiredOption('--scene <dir>', 'scene folder with transforms.json')
    .option(
      '--method <m>',
      `segmenter: ${METHODS.join(', ')} (default: simulated when every frame has ground-truth instance maps, else graph)`,
    )
    .option('--noise <level>', `simulated only: noise level: ${NOISE_NAMES.join(', ')}`, 'medium')
    .option(
      '--seed <n>',
      'random seed of the simulated noise and of the per-view ids (same seed, same masks)',
      '0',
    )
    .option(
      '--k <k>',
      'graph only: scale of the merge threshold k/|C|; larger, fewer segments',
      String(GRAPH_DEFAULTS.k),
    )
    .option(
      '--min-size <px>',
      'graph only: smallest segment in pixels, 0 = 0.4 % of the image',
      String(GRAPH_DEFAULTS.minSize),
    )
    .option(
      '--sigma <px>',
      'graph only: Gaussian smoothing of the colour before segmenting, 0 = none',
      String(GRAPH_DEFAULTS.sigma),
    )
    .option(
      '--depth-weight <w>',
      'graph only: weight of relative depth steps in colour units, 0 = colour only',
      String(GRAPH_DEFAULTS.depthWeight),
    )
    .option(
      '--stuff-share <f>',
      'graph only: segments above this share of the image are stuff',
      String(GRAPH_DEFAULTS.stuffShare),
    );
  addOnnxOptions(cmd)
    .addHelpText(
      'after',
      `\nNoise levels of --method simulated (rates per object, touching pair, segment, view):\n${levelHelp()}`,
    )
    .addHelpText('after', GRAPH_HELP)
    .addHelpText(
      'after',
      '\nExamples:\n  $ clift segment2d --scene scenes/room25 --noise high --seed 1\n  $ clift segment2d --scene scenes/office --method graph --k 500\n  $ clift segment2d --scene scenes/room25 --onnx model.onnx --class-map labels.json',
    )
    .action(async (opts: Segment2dFlags & OnnxFlags) => {
      checkFlagUse(cmd, opts.onnx !== undefined);
      if (opts.onnx !== undefined) return runOnnxCommand({ ...opts, onnx: opts.onnx });
      const seed = intFlag('seed', opts.seed);
      const noise = opts.noise;
      if (!isNoiseName(noise)) {
        throw new Error(`--noise must be one of ${NOISE_NAMES.join(', ')}, got "${noise}"`);
      }
      const method =
        opts.method === undefined ? defaultMethod(opts.scene) : choiceFlag('method', opts.method, METHODS);
      const bar = progressBar('segment2d');
      if (method === 'simulated') {
        try {
          await simulateSegmenter(opts.scene, { noise, seed, onProgress: bar.update });
        } finally {
          bar.stop();
        }
        process.stdout.write(`wrote ${opts.noise} segmenter maps to ${opts.scene}/segments (seed ${seed})\n`);
        return;
      }
      const params = {
        k: realFlag('k', opts.k, { above: 0 }),
        minSize: intFlag('min-size', opts.minSize, 0),
        sigma: realFlag('sigma', opts.sigma, { min: 0, max: 10 }),
        depthWeight: realFlag('depth-weight', opts.depthWeight, { min: 0 }),
        stuffShare: realFlag('stuff-share', opts.stuffShare, { above: 0, max: 1 }),
      };
      let mean: number;
      try {
        mean = await runGraphSegmenter(opts.scene, { params, seed, onProgress: bar.update });
      } finally {
        bar.stop();
      }
      process.stdout.write(
        `wrote graph segmenter maps to ${opts.scene}/segments (${mean.toFixed(1)} thing segments a view)\n`,
      );
    });
}

/** simulated when every frame has a ground-truth instance map, else graph. */
function defaultMethod(sceneDir: string): (typeof METHODS)[number] {
  const scene = readScene(sceneDir);
  return scene.frames.every((f) => f.maps.gt_instance_file_path !== undefined) ? 'simulated' : 'graph';
}
