// Entry point of the clift numeric kernels: every export takes byte pointers into the shared memory plus the
// index range that the calling thread owns. The host side (src/kernels/wasm) partitions work and dispatches.
export { gemm, gemmScratchBytes, colSum } from './gemm';
export { relu, reluBackward, adam, ema } from './elementwise';
export { vmGather, vmScatter } from './vm';
export { gridGather, gridScatter } from './grid';
export { renderWeights, renderWeightsBackward, compositeValues, compositeValuesBackward } from './composite';
export { logSumExpRows, logSumExpRowsBackward, softmaxRows, softmaxRowsBackward } from './softmax';

/** First byte after the module's static data; the host allocates tensors above this. */
export function heapBase(): usize {
  return __heap_base;
}
