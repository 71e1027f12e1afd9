/** Training configuration: one zod schema with defaults; JSON config files and CLI flags are validated by it. */
import { z } from 'zod';

/** The instance losses `clift train --instance-loss` accepts. */
export const INSTANCE_LOSSES = [
  'slow-fast',
  'vanilla',
  'vanilla+conc',
  'ae',
  'margin',
  'linear-assignment',
] as const;
export type InstanceLossName = (typeof INSTANCE_LOSSES)[number];

export const TrainConfigSchema = z
  .object({
    seed: z.number().int().default(0),
    /** Total iterations over all stages. */
    iters: z.number().int().positive().default(3000),
    /**
     * Fractions of `iters` at which semantic, instance and segment-consistency losses switch on. Segment
     * consistency is off by default (1.0): in runs this short the semantic field is still unsure of small objects
     * when it would start, and pulling each segment to its current majority class flipped whole objects to
     * background under noisy masks (measured on the `npm start` scene: PQ^scene 42.6 with it at 0.85, 65.0 without).
     */
    stages: z
      .object({
        semantic: z.number().min(0).max(1).default(0.4),
        instance: z.number().min(0).max(1).default(0.55),
        segment: z.number().min(0).max(1).default(1),
      })
      .strict()
      .default({ semantic: 0.4, instance: 0.55, segment: 1 }),
    /** Larger image side used for training (views are reduced by an integer factor). */
    trainSize: z.number().int().positive().default(128),
    /** Rays per geometry/semantic step. */
    batch: z.number().int().positive().default(2048),
    /** Pixels per instance step (one image). */
    instanceBatch: z.number().int().positive().default(1024),
    /**
     * Pixels every 2D segment of the image contributes to an instance batch at least (fewer if it is smaller;
     * capped at instanceBatch / segments); the rest of the batch is uniform. 0 = a uniform draw (the paper's).
     * 32 was tried on two exact-mask 25-object scenes (6000 iterations, grid 128): PQ^scene 90.15 → 88.80 and
     * 90.73 → 91.03 (two small objects merged on the first), so it stays off by default.
     */
    instanceMinPerSegment: z.number().int().min(0).default(0),
    grid: z
      .object({
        start: z.number().int().min(8).default(48),
        end: z.number().int().min(8).default(96),
        densityComponents: z.number().int().positive().default(16),
        appearanceComponents: z.number().int().positive().default(48),
        /** Occupancy grid resolution for empty-space skipping. */
        occupancy: z.number().int().min(4).default(64),
      })
      .strict()
      .default({ start: 48, end: 96, densityComponents: 16, appearanceComponents: 48, occupancy: 64 }),
    /** Samples per grid voxel along a ray. */
    stepRatio: z.number().positive().default(0.5),
    instanceLoss: z.enum(INSTANCE_LOSSES).default('slow-fast'),
    /**
     * τ of the slow-fast contrastive similarity exp(−‖θ − θ̃‖ / τ) (the original code: 1). 0.25 on five exact-mask
     * scenes (6000 its, grid 128): PQ^scene 92.60 / 90.13 / 91.53 / 89.10 / 90.56 vs 92.01 / 90.15 / 90.73 / 87.63 /
     * 89.95 — better on four, but two scenes are not yet run (README).
     */
    instanceTemperature: z.number().positive().default(1),
    /**
     * Factor s on the slow-fast softmax logits s·sim (the original code: 1). With s = 1 the logits lie in (0, 1], so
     * the softmax is nearly flat and two touching objects left on one embedding cost the batch loss little.
     * Seven exact-mask scenes (6000 its, grid 128), s = 1 → 10: 92.01 → 92.91, 90.15 → 90.30, 90.73 → 92.20,
     * 92.14 → 93.81, 92.23 → 92.62, 87.63 → 91.52 (a merged pair separates), 89.95 → 91.48; medium-noise masks
     * on two of them 88.47 → 90.85, 84.89 → 87.14 (README).
     */
    instanceLogitScale: z.number().positive().default(10),
    embedDim: z.number().int().min(1).max(32).default(3),
    slots: z.number().int().min(2).default(25),
    instanceHidden: z.number().int().positive().default(256),
    /**
     * Octaves of frequency encoding of the label fields' xyz input (0 = raw coordinates, as in the paper). The
     * paper's runs are ~100× longer than ours; in 3000 iterations the raw-coordinate MLPs leave small objects to the
     * background and blur boundaries. Measured on a 25-object scene (PQ^scene, raw → 8/6 octaves): exact masks
     * 84.6 → 89.5, medium-noise masks 82.1 → 87.2.
     */
    labelFrequencies: z
      .object({
        semantic: z.number().int().min(0).max(12).default(8),
        instance: z.number().int().min(0).max(12).default(6),
      })
      .strict()
      .default({ semantic: 8, instance: 6 }),
    semanticHidden: z.number().int().positive().default(128),
    /**
     * A trainable TensoRF VM feature grid in front of the instance MLPs (its features beside the frequency encoding;
     * `components` per mode, 0 = none, the paper's plain MLP), so the embedding can change within a grid cell
     * (~1.5 cm at 128 over a 25-object room). Off: on the exact-mask scene it was built for (two touching objects on
     * one embedding; 6000 its, grid 128) 4 components gave PQ^scene 88.96 vs 87.63, but the pair stayed merged.
     */
    instanceGrid: z
      .object({
        components: z.number().int().min(0).default(0),
        resolution: z.number().int().min(8).default(128),
      })
      .strict()
      .default({ components: 0, resolution: 128 }),
    /**
     * Adam learning rates: grids and the colour basis follow the paper (1e-2, 5e-4), as does the instance MLP;
     * the semantic MLP uses 2e-3 because runs here are ~100× shorter than the paper's 400k iterations and, at
     * 5e-4, small flat objects near the floor stayed labelled background.
     */
    lr: z
      .object({
        grid: z.number().positive().default(1e-2),
        mlp: z.number().positive().default(5e-4),
        semantic: z.number().positive().default(2e-3),
        instance: z.number().positive().default(5e-4),
      })
      .strict()
      .default({ grid: 1e-2, mlp: 5e-4, semantic: 2e-3, instance: 5e-4 }),
    emaMomentum: z.number().min(0).max(1).default(0.9),
    weights: z
      .object({
        semantic: z.number().min(0).default(0.1),
        segment: z.number().min(0).default(1),
        depth: z.number().min(0).default(0.1),
        tvDensity: z.number().min(0).default(1e-3),
        tvAppearance: z.number().min(0).default(1e-4),
      })
      .strict()
      .default({ semantic: 0.1, segment: 1, depth: 0.1, tvDensity: 1e-3, tvAppearance: 1e-4 }),
    checkpointEvery: z.number().int().positive().default(500),
    threads: z.number().int().positive().optional(),
  })
  .strict();

export type TrainConfig = z.infer<typeof TrainConfigSchema>;

/** One config problem as "key.path: what is wrong" (unknown keys named with their full path). */
function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((k) => `${at ? `${at}.` : ''}${k}: unknown config key`).join('; ');
  return `${at || 'config'}: ${issue.message}`;
}

/** Validates a config object (from a JSON file merged with flags); errors name the source and the field. */
export function parseTrainConfig(input: unknown, source: string): TrainConfig {
  const r = TrainConfigSchema.safeParse(input);
  if (!r.success) throw new Error(`${source}: ${r.error.issues.map(describeIssue).join('; ')}`);
  const s = r.data.stages;
  if (!(s.semantic <= s.instance && s.instance <= s.segment)) {
    throw new Error(`${source}: stages must satisfy semantic ≤ instance ≤ segment`);
  }
  return r.data;
}
