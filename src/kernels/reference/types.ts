/** Numeric arrays the reference kernels accept: float32 for the backend, float64 for gradient checks. */
export type Num = Float32Array | Float64Array;
