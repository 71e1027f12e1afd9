/** `clift masks import`: bring a real 2D segmenter's masks into a scene as its segmenter maps. */
import type { Command } from 'commander';
import { importMasks, MASK_FORMATS } from '../data/masks/import.ts';
import { addExamples, choiceFlag, realFlag } from './flags.ts';
import { progressBar } from './progress.ts';

/** The flags of `clift masks import`, as commander parses them. */
interface ImportFlags {
  scene: string;
  format: string;
  in: string;
  classMap?: string;
  meta?: string;
  minScore: string;
  allowMissing?: boolean;
}

const FORMAT_HELP = `
Formats (views are matched to frames by image file stem; a numeric stem also matches its number, 0003 ↔ 3):
  coco-panoptic  --in FILE.json: annotations[].file_name + segments_info[] (id, category_id, isthing, score);
                 PNGs with ids R + 256·G + 256²·B in FILE/ (the JSON's name without .json) or beside the JSON;
                 unlabelled pixels (id 0) become void
  coco-instance  --in FILE.json: a list of detections (image_id or file_name, category_id, segmentation as
                 RLE or polygons, score), or an object with "annotations" (and "images", "categories")
  sam            --in DIR: DIR/<stem>.json per view, the automatic mask generator's list (segmentation as RLE
                 or a boolean array, predicted_iou, stability_score); score = predicted_iou · stability_score
  binary         --in DIR: DIR/<stem>/<k>.png or <k>_<class>.png per object (non-zero = inside), optional
                 DIR/<stem>/scores.json {"<file name>": score}
Overlapping masks: the higher score wins each pixel; thing masks get ids 1, 2, … by score, stuff masks only set
the class; confidence = the winning mask's score (clamped to [0, 1]), 1 where no mask is.
Class map (--class-map FILE.json): {"<class name or category id>": "<scene class>" | null, "*": "<scene class>"}
(null drops those masks; lookup: name, then id, then "*"). Without one: a class named like a scene class goes
there, others to the first thing class (stuff categories to the first stuff class).`;

/** Registers `clift masks` and its `import` subcommand. */
export function registerMasks(program: Command): void {
  const masks = program
    .command('masks')
    .description("work with a scene's 2D-segmenter masks (import a real segmenter's output)");
  addExamples(
    masks,
    'clift masks import --scene scenes/desk --format coco-panoptic --in preds/panoptic.json',
  );
  const cmd = masks
    .command('import')
    .description(
      "write a scene's 2D-segmenter maps (segments/{instance,semantic,confidence}/<stem>.png) from a real segmenter's output and add them to transforms.json (other keys kept)",
    )
    .requiredOption('--scene <dir>', 'scene folder with transforms.json')
    .requiredOption('--format <name>', `segmenter output format: ${MASK_FORMATS.join(', ')}`)
    .requiredOption('--in <path>', 'the segmenter output: a JSON file (coco-*) or a folder (sam, binary)')
    .option('--class-map <file>', 'JSON map from segmenter class names / category ids to scene class names')
    .option(
      '--meta <file>',
      'coco-* only: a COCO JSON whose "images" and "categories" name image and category ids',
    )
    .option('--min-score <x>', 'drop masks scoring below x', '0')
    .option(
      '--allow-missing',
      'write empty maps (no instances, void class, confidence 0) for frames without masks',
    )
    .addHelpText('after', FORMAT_HELP);
  addExamples(
    cmd,
    'clift masks import --scene scenes/desk --format coco-instance --in preds/mask2former.json --class-map classes.json --min-score 0.5',
    'clift masks import --scene scenes/desk --format sam --in preds/sam',
  ).action(async (flags: ImportFlags) => {
    const format = choiceFlag('format', flags.format, MASK_FORMATS);
    const minScore = realFlag('min-score', flags.minScore);
    const bar = progressBar('masks import');
    let r: Awaited<ReturnType<typeof importMasks>>;
    try {
      r = await importMasks(flags.scene, {
        format,
        input: flags.in,
        minScore,
        allowMissing: flags.allowMissing === true,
        onProgress: bar.update,
        ...(flags.classMap === undefined ? {} : { classMap: flags.classMap }),
        ...(flags.meta === undefined ? {} : { meta: flags.meta }),
      });
    } finally {
      bar.stop();
    }
    if (r.unused.length > 0) {
      const some = r.unused.slice(0, 5).join(', ');
      process.stderr.write(`clift: warning: ${r.unused.length} predicted views match no frame (${some})\n`);
    }
    process.stdout.write(
      `imported ${r.masks} masks into ${r.frames} frames of ${flags.scene}: ${r.instances} instances; ${r.belowScore} below --min-score, ${r.dropped} dropped by the class map, ${r.hidden} hidden by higher-scored masks${r.missing.length > 0 ? `; ${r.missing.length} frames without masks written empty` : ''}\n`,
    );
  });
}
