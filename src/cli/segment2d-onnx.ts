/** The `--onnx` path of `clift segment2d`: its flags, their help (the model contract) and the run. */
import type { Command } from 'commander';
import { INPUT_NAME, OUTPUT_NAMES } from '../segment2d/onnx-contract.ts';
import { type InputNormalisation, runOnnxSegmenter } from '../segment2d/onnx-runner.ts';
import { ORT_PACKAGE } from '../segment2d/onnx-runtime.ts';
import { choiceFlag, intFlag, realFlag } from './flags.ts';
import { progressBar } from './progress.ts';

/** The flags of the --onnx path, as commander hands them over. */
export interface OnnxFlags {
  scene: string;
  onnx?: string;
  inputSize?: string;
  scoreThreshold: string;
  maskThreshold: string;
  classMap?: string;
  inputScale: string;
  mean: string;
  std: string;
}

/** Flags that only the --onnx path reads, and the simulated segmenter's flags it does not. */
const ONNX_ONLY = ['inputSize', 'scoreThreshold', 'maskThreshold', 'classMap', 'inputScale', 'mean', 'std'];
const SIMULATED_ONLY = ['method', 'noise', 'seed', 'k', 'minSize', 'sigma', 'depthWeight', 'stuffShare'];

const CONTRACT = `
Model contract (--onnx; onnxruntime-node, CPU):
  input   one float32 tensor [1,3,H,W] (named "${INPUT_NAME}" when the model has several inputs): the view's RGB,
          resized bilinearly to H×W (fixed by the model, else --input-size square, else the view's size),
          x = (rgb/255 · --input-scale − mean) / std per channel
  outputs "${OUTPUT_NAMES[0]}"  float32 [N,H',W'] or [N,1,H',W'] (probabilities, or logits with --mask-threshold 0;
                  uint8/bool 0/1 also accepted) covering the whole input image
          "${OUTPUT_NAMES[1]}" float32 [N], one per mask, in [0,1] (clamped)
          "${OUTPUT_NAMES[2]}" int64 or int32 [N], the model's class ids
  Masks are resized bilinearly to the view, a pixel is covered where the value is above --mask-threshold;
  detections scoring below --score-threshold are dropped; where masks overlap the higher score wins. Each kept
  thing detection becomes one instance id (1, 2, … by score); its score is the confidence of its pixels
  (uncovered pixels: 1, first stuff class). A label mapped to a stuff class paints only the semantic map.`;

/** Adds the --onnx flags and the model contract to `clift segment2d`. */
export function addOnnxOptions(cmd: Command): Command {
  return cmd
    .option(
      '--onnx <model>',
      'run this exported instance-segmentation model (.onnx) on every view instead of simulating the segmenter',
    )
    .option(
      '--input-size <px>',
      '--onnx: square input side for a model whose input size is free (default: each view’s size)',
    )
    .option('--score-threshold <x>', '--onnx: drop detections scoring below X', '0.5')
    .option(
      '--mask-threshold <x>',
      '--onnx: a mask covers pixels whose resized value is above X (0 for logits)',
      '0.5',
    )
    .option(
      '--class-map <file>',
      '--onnx: JSON {"<model label id>": "<scene class name>"}; labels it does not list are dropped (default: every label → the scene’s first thing class)',
    )
    .option('--input-scale <1|255>', '--onnx: input pixel range, [0,1] or [0,255]', '1')
    .option('--mean <r,g,b>', '--onnx: per-channel mean subtracted, in input units', '0,0,0')
    .option('--std <r,g,b>', '--onnx: per-channel divisor, in input units', '1,1,1')
    .addHelpText('after', CONTRACT);
}

/** Parses "r,g,b" into three finite numbers (all above 0 when `positive`). */
function rgbFlag(name: string, text: string, positive: boolean): [number, number, number] {
  const parts = text.split(',');
  if (parts.length !== 3) throw new Error(`--${name} must be three numbers r,g,b, got "${text}"`);
  const [r, g, b] = parts.map((p) => realFlag(name, p, positive ? { above: 0 } : {}));
  return [r!, g!, b!];
}

/** Refuses flags of the other path: simulated-segmenter flags with --onnx, --onnx flags without it. */
export function checkFlagUse(cmd: Command, onnx: boolean): void {
  const given = (key: string) => cmd.getOptionValueSource(key) === 'cli';
  const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const wrong = (onnx ? SIMULATED_ONLY : ONNX_ONLY).find(given);
  if (wrong === undefined) return;
  throw new Error(
    onnx
      ? `${flag(wrong)} applies to --method simulated or graph, not to --onnx`
      : `${flag(wrong)} needs --onnx`,
  );
}

/** Runs `clift segment2d --onnx` with parsed flags and prints what it wrote. */
export async function runOnnxCommand(opts: OnnxFlags & { onnx: string }): Promise<void> {
  const normalisation: InputNormalisation = {
    scale: Number(choiceFlag('input-scale', opts.inputScale, ['1', '255'] as const)) as 1 | 255,
    mean: rgbFlag('mean', opts.mean, false),
    std: rgbFlag('std', opts.std, true),
  };
  const options = {
    model: opts.onnx,
    ...(opts.inputSize !== undefined ? { inputSize: intFlag('input-size', opts.inputSize, 1) } : {}),
    scoreThreshold: realFlag('score-threshold', opts.scoreThreshold, { min: 0, max: 1 }),
    maskThreshold: realFlag('mask-threshold', opts.maskThreshold),
    ...(opts.classMap !== undefined ? { classMap: opts.classMap } : {}),
    normalisation,
  };
  const bar = progressBar('segment2d');
  let summary: Awaited<ReturnType<typeof runOnnxSegmenter>>;
  try {
    summary = await runOnnxSegmenter(opts.scene, { ...options, onProgress: bar.update });
  } finally {
    bar.stop();
  }
  process.stdout.write(
    `wrote the maps of ${opts.onnx} (${ORT_PACKAGE}) for ${summary.views} views, ${summary.instances} instances in all, to ${opts.scene}/segments\n`,
  );
}
