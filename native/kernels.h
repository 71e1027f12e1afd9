// The native kernel set: the same operations and layouts as src/kernels/backend.ts (see its README).
#pragma once
#include "common.h"

struct GemmCall {
  const float* a;
  const float* b;
  float* c;
  int m, n, k;
  bool transA, transB;
  const float* bias;
  bool accumulate, relu;
  const float* mask;  // m×n: zero C where mask <= 0 (null: none)
};

struct VmCall {
  const float* planes[3];
  const float* lines[3];
  int res[3];
  int comps;
  const float* coords;
  int n;
  bool sum;
};

struct RowMaskCall {
  const int32_t* rowLabels;
  const int32_t* colLabels;
  bool excludeDiagonal;
};

void gemm(const GemmCall& g, int threads);
void colSum(const float* x, int rows, int cols, float* out, bool accumulate, int threads);
void relu(const float* x, float* y, int64_t n, int threads);
void reluBackward(const float* y, const float* dy, float* dx, int64_t n, int threads);
void adam(float* p, const float* g, float* m, float* v, int64_t n, int step, double lr, double b1, double b2, double eps,
          double wd, int threads);
void ema(float* target, const float* source, int64_t n, double momentum, int threads);

void vmGather(const VmCall& a, float* out, int threads);
void vmScatter(const VmCall& a, const float* gradOut, float* const gradPlanes[3], float* const gradLines[3],
               int threads);
void gridGather(const float* grid, const int res[3], int channels, const float* coords, int n, float* out, int threads);
void gridScatter(float* gradGrid, const int res[3], int channels, const float* coords, int n, const float* gradOut,
                 int threads);

void renderWeights(const float* sigma, const float* delta, const int32_t* rayStart, int numRays, float* weights,
                   float* opacity, int threads);
void renderWeightsBackward(const float* sigma, const float* delta, const int32_t* rayStart, int numRays,
                           const float* gradWeights, const float* gradOpacity, float* gradSigma, int threads);
void compositeValues(const float* weights, const float* values, int channels, const int32_t* rayStart, int numRays,
                     float* out, int threads);
void compositeValuesBackward(const float* weights, const float* values, int channels, const int32_t* rayStart,
                             int numRays, const float* gradOut, float* gradWeights, float* gradValues, bool accumulate,
                             int threads);

void logSumExpRows(const float* x, int rows, int cols, float* out, const RowMaskCall& mask, int threads);
void logSumExpRowsBackward(const float* x, int rows, int cols, const float* lse, const float* gradOut, float* gradX,
                           const RowMaskCall& mask, bool accumulate, int threads);
void softmaxRows(const float* x, int rows, int cols, float* y, int threads);
void softmaxRowsBackward(const float* y, const float* gradY, int rows, int cols, float* gradX, int threads);

/** Slow-fast contrastive loss (src/kernels/backend.ts SlowFastArgs); writes grad (n1×d), returns the loss. */
double slowFast(const float* fast, const float* slow, int n1, int n2, int d, const int32_t* fastLabels,
                const int32_t* slowLabels, double tau, double scale, float* grad, int threads);

/** weight × total variation of a channel-last plane; adds its gradient into g and returns it. */
double tvPlane(const float* d, float* g, int rows, int cols, int comps, double weight, int threads);

/** rgb = sigmoid(SH₂(dir) · coefs) per point (coefs n×27, dirs n×3, rgb n×3). */
void shColor(const float* coefs, const float* dirs, int n, float* rgb, int threads);
/** gradCoefs (n×27, overwritten) from gradRgb through the sigmoid and the SH basis. */
void shColorBackward(const float* dirs, const float* rgb, const float* gradRgb, int n, float* gradCoefs, int threads);

/** Frequency encoding (x, sin(2^k·π·x), cos(2^k·π·x)) of n rows of dim values. */
void frequencyEncode(const float* x, int n, int dim, int frequencies, float* out, int threads);
double vanillaContrastive(const float* emb, const int32_t* labels, int n, int d, double gammaPositive,
                          double gammaNegative, float* grad, int threads);
void softplus(const float* x, int64_t n, double shift, float* pre, float* out, int threads);
void softplusBackward(const float* pre, const float* gradOut, int64_t n, float* gradX, int threads);

struct MarchCall {
  const float* origins;
  const float* dirs;
  int numRays;
  double boxMin[3], boxMax[3];
  double step;
  const float* jitter;
  const uint8_t* occBits;  // null: every cell occupied
  int occRes;
  double occMin[3], occMax[3];
};

/** Ray marching (MarchArgs): without xyz/t writes rayStart; with them fills positions and distances. */
void marchRays(const MarchCall& c, int32_t* rayStart, float* xyz, float* t, int threads);

void coreDistancesSq(const float* x, int n, int d, int k, double* out, int threads);
void mutualReachabilityMst(const float* x, int n, int d, const double* coreSq, int32_t* outLo, int32_t* outHi,
                           double* outW, int threads);
