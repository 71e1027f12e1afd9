/**
 * A run's configuration (model shape and training schedule): one zod schema with defaults; JSON config files and CLI
 * flags are validated by it. Comments give one line of rationale; the measurements are in docs/config-rationale.md.
 */
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
    /** Total iterations over all stages (6000 with grid 128: PQ^scene ≥ 90 on exact masks, docs/config-rationale.md). */
    iters: z.number().int().positive().default(6000),
    /**
     * Fractions of `iters` at which semantic, instance and segment-consistency losses switch on; segment consistency
     * is off (1.0) because it flipped unsure small objects to background (docs/config-rationale.md).
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
     * capped at instanceBatch / segments); the rest is uniform. 0 = a uniform draw (the paper's; 32 merged objects).
     */
    instanceMinPerSegment: z.number().int().min(0).default(0),
    /** Density/colour grids, from `start` to `end` cells along the longest side of the box. */
    grid: z
      .object({
        start: z.number().int().min(8).default(64),
        end: z.number().int().min(8).default(128),
        densityComponents: z.number().int().positive().default(16),
        appearanceComponents: z.number().int().positive().default(48),
        /** Occupancy grid resolution for empty-space skipping. */
        occupancy: z.number().int().min(4).default(64),
      })
      .strict()
      .default({ start: 64, end: 128, densityComponents: 16, appearanceComponents: 48, occupancy: 64 }),
    /**
     * What rays see behind the field: `learned`, a colour by direction trained with the photometric loss (open
     * scenes, sky), or `none`, black (docs/open-scenes.md measures both on closed and open scenes).
     */
    background: z.enum(['learned', 'none']).default('learned'),
    /** Samples per grid voxel along a ray. */
    stepRatio: z.number().positive().default(0.5),
    /**
     * Occupancy passes from iteration 200 keep only cells a training ray saw into: off, as it cost 0.1–0.3 dB test
     * PSNR with depth and up to 0.5 without for few fewer samples (docs/no-depth-captures.md).
     */
    occupancyVisibility: z.boolean().default(false),
    instanceLoss: z.enum(INSTANCE_LOSSES).default('slow-fast'),
    /** τ of the slow-fast similarity exp(−‖θ − θ̃‖ / τ), the original code's 1 (0.25 is not yet measured in full). */
    instanceTemperature: z.number().positive().default(1),
    /** Factor s on the slow-fast logits s·sim: at the original 1 the softmax is nearly flat and merges pay little. */
    instanceLogitScale: z.number().positive().default(10),
    /** Instance embedding size: 8, not the paper's 3 — equal at 100 objects, +8 PQ^scene at 500 (docs/config-rationale.md). */
    embedDim: z.number().int().min(1).max(32).default(8),
    slots: z.number().int().min(2).default(25),
    instanceHidden: z.number().int().positive().default(256),
    /** Octaves of frequency encoding of the label fields' xyz (0 = raw, the paper's; short runs need the detail). */
    labelFrequencies: z
      .object({
        semantic: z.number().int().min(0).max(12).default(8),
        instance: z.number().int().min(0).max(12).default(6),
      })
      .strict()
      .default({ semantic: 8, instance: 6 }),
    semanticHidden: z.number().int().positive().default(128),
    /**
     * A trainable TensoRF VM feature grid in front of the instance MLPs (`components` per mode, 0 = none, the paper's
     * plain MLP); off because it did not separate the touching pair it was built for.
     */
    instanceGrid: z
      .object({
        components: z.number().int().min(0).default(0),
        resolution: z.number().int().min(8).default(128),
      })
      .strict()
      .default({ components: 0, resolution: 128 }),
    /** Adam learning rates: the paper's, except the semantic MLP's 2e-3 for runs ~100× shorter than its 400k. */
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
