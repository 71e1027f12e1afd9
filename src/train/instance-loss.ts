/** Dispatches the configured instance loss on rendered embeddings of one image's pixels. */

import type { Backend } from '../kernels/backend.ts';
import { associativeEmbedding } from '../losses/associative-embedding.ts';
import { concentration } from '../losses/concentration.ts';
import { vanillaContrastive } from '../losses/contrastive.ts';
import type { LossWithGrad } from '../losses/embedding-loss.ts';
import { linearAssignment } from '../losses/linear-assignment.ts';
import { marginContrastive } from '../losses/margin.ts';
import { slowFastContrastive } from '../losses/slow-fast.ts';
import type { InstanceLossName } from '../model/config.ts';

/** Rendered embeddings of a batch: rows [0, nFast) from the fast field, [nFast, n) from the slow field. */
export interface RenderedBatch {
  emb: Float32Array;
  d: number;
  n: number;
  nFast: number;
  labels: Int32Array;
  confidence: Float32Array;
  /** Distance scale τ of the slow-fast contrastive similarity exp(−‖θ − θ̃‖ / τ); default 1. */
  temperature?: number;
  /** Factor on the slow-fast softmax logits; default 1. */
  logitScale?: number;
  /** Backend for the losses that use kernels (slow-fast, vanilla, linear assignment's softmax); the double-precision reference without one. */
  backend?: Backend;
}

/** Whether a loss renders half of the batch with the slow field. */
export function usesSlowField(loss: InstanceLossName): boolean {
  return loss === 'slow-fast';
}

function add(a: LossWithGrad, b: LossWithGrad): LossWithGrad {
  for (let i = 0; i < a.grad.length; i++) a.grad[i]! += b.grad[i]!;
  return { loss: a.loss + b.loss, grad: a.grad };
}

/** The loss and its gradient w.r.t. the fast rows (for slow-fast) or all rows (otherwise). */
export function instanceLoss(name: InstanceLossName, b: RenderedBatch): LossWithGrad {
  const { d, n, nFast } = b;
  const all = { data: b.emb, n, d };
  switch (name) {
    case 'slow-fast': {
      const fast = { data: b.emb.subarray(0, nFast * d), n: nFast, d };
      const slow = { data: b.emb.subarray(nFast * d), n: n - nFast, d };
      const lf = b.labels.subarray(0, nFast);
      const ls = b.labels.subarray(nFast);
      return add(
        slowFastContrastive(fast, lf, slow, ls, {
          temperature: b.temperature,
          logitScale: b.logitScale,
          ...(b.backend ? { backend: b.backend } : {}),
        }),
        concentration(fast, lf, b.confidence, slow, ls),
      );
    }
    case 'vanilla':
      return vanillaContrastive(all, b.labels, b.backend ? { backend: b.backend } : {});
    case 'vanilla+conc': {
      const half = Math.floor(n / 2);
      const first = { data: b.emb.subarray(0, half * d), n: half, d };
      const second = { data: b.emb.subarray(half * d), n: n - half, d };
      const conc = concentration(
        first,
        b.labels.subarray(0, half),
        b.confidence,
        second,
        b.labels.subarray(half),
      );
      const grad = new Float64Array(n * d);
      grad.set(conc.grad);
      return add(vanillaContrastive(all, b.labels, b.backend ? { backend: b.backend } : {}), {
        loss: conc.loss,
        grad,
      });
    }
    case 'ae':
      return associativeEmbedding(all, b.labels);
    case 'margin':
      return marginContrastive(all, b.labels);
    case 'linear-assignment':
      return linearAssignment(all, b.labels, b.confidence, b.backend);
  }
}
