import type { Backend, LinearBackwardArgs, LinearForwardArgs } from './backend.ts';
import { checkCount, checkLength } from './check.ts';

/** y = act(x·w + b) as one fused GEMM (bias and ReLU applied in the GEMM epilogue). */
export function linearForwardVia(be: Backend, args: LinearForwardArgs): void {
  const { x, w, b, y, batch, inDim, outDim, relu } = args;
  be.gemm({ a: x, b: w, c: y, m: batch, n: outDim, k: inDim, bias: b ?? null, relu: relu ?? false });
}

/** ReLU mask in place on dy, then dw = xᵀ·dy (TN), db = colsum(dy), dx = dy·wᵀ (NT, masked by x > 0 if asked). */
export function linearBackwardVia(be: Backend, args: LinearBackwardArgs): void {
  const { x, w, y, dy, dx, dw, db, batch, inDim, outDim, relu } = args;
  const accumulate = args.accumulate ?? false;
  checkCount('batch', batch);
  checkLength('dy', dy, batch * outDim);
  if (relu) {
    checkLength('y', y, batch * outDim);
    be.reluBackward(y, dy, dy, batch * outDim);
  }
  be.gemm({ a: x, b: dy, c: dw, m: inDim, n: outDim, k: batch, transA: true, accumulate });
  if (db) be.colSum(dy, batch, outDim, db, accumulate);
  const mask = args.maskDx ? x : null;
  if (dx) be.gemm({ a: dy, b: w, c: dx, m: batch, n: inDim, k: outDim, transB: true, mask });
}
