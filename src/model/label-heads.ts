/** The label fields: a semantic MLP over C classes and the instance embedding field (fast and slow networks). */
import type { Rng } from '../core/rng.ts';
import { encodedInput } from '../fields/frequency-encoding.ts';
import { InstanceField } from '../fields/instance-field.ts';
import { Mlp } from '../fields/mlp.ts';
import type { Backend } from '../kernels/backend.ts';
import type { TrainConfig } from './config.ts';

/** Output width of the instance field: the embedding size, or K slots for linear assignment. */
export function instanceOutputs(config: TrainConfig): number {
  return config.instanceLoss === 'linear-assignment' ? config.slots : config.embedDim;
}

/** The semantic and instance heads at initial state. */
export function buildLabelHeads(
  config: TrainConfig,
  classes: number,
  rng: Rng,
  backend: Backend,
): { semantic: Mlp; instance: InstanceField } {
  const H = config.semanticHidden;
  const input = encodedInput(3, config.labelFrequencies.semantic, backend);
  const semantic = new Mlp(
    'semantic',
    [input.width, H, H, H, H, classes],
    rng.fork('semantic'),
    backend,
    input.encoding,
  );
  const instance = new InstanceField(
    instanceOutputs(config),
    config.instanceHidden,
    rng.fork('instance'),
    4,
    config.labelFrequencies.instance,
    config.instanceGrid,
    backend,
  );
  return { semantic, instance };
}
