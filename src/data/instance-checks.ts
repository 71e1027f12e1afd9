/** Checks of whether a scene's training frames can teach instances at all (warnings, not refusals). */
import { readInstances } from './maps.ts';
import { framesOf, type Scene } from './scene.ts';

/** Frames whose instance maps are read to tell "all zero" (spread over the training frames). */
const SAMPLED_FRAMES = 12;

/** Reasons a scene cannot yield instances: no thing class, no 2D segmenter maps, instance maps all 0. */
export function instanceWarnings(scene: Scene): string[] {
  const file = scene.transformsPath;
  const warnings: string[] = [];
  if (!scene.classes.some((c) => c.thing))
    warnings.push(`${file}: semantic_classes has no class with "thing": true, so no instances can be found`);
  const train = framesOf(scene, 'train');
  const withMaps = train.filter((f) => f.maps.instance_file_path !== undefined);
  if (withMaps.length === 0) {
    warnings.push(
      `${file}: no training frame has instance_file_path (2D segmenter maps): only geometry and colour can be learnt; run clift segment2d, clift masks import or convert with --masks`,
    );
    return warnings;
  }
  const step = Math.max(1, Math.floor(withMaps.length / SAMPLED_FRAMES));
  const sampled = withMaps.filter((_, i) => i % step === 0).slice(0, SAMPLED_FRAMES);
  if (sampled.every((f) => readInstances(scene, f, 'instance_file_path').every((v) => v === 0))) {
    warnings.push(
      `${file}: the instance_file_path maps of ${sampled.length} sampled training frames hold only 0 (no instance anywhere)`,
    );
  }
  return warnings;
}
