// Volume compositing over ragged rays (paper eq. 1) and its backward; rays are split among threads by samples.
#include "kernels.h"

namespace {
/** Thread t's ray range, balanced by sample count. */
void rayShare(const int32_t* rayStart, int numRays, int t, int T, int64_t& lo, int64_t& hi) {
  const int64_t s0 = rayStart[0], total = rayStart[numRays] - s0;
  auto find = [&](int64_t target) {
    int64_t a = 0, b = numRays;
    while (a < b) {
      const int64_t mid = (a + b) / 2;
      if (rayStart[mid] - s0 < target) a = mid + 1; else b = mid;
    }
    return a;
  };
  lo = t == 0 ? 0 : find(total * t / T);
  hi = t == T - 1 ? numRays : find(total * (t + 1) / T);
}

template <class F>
void byRays(const int32_t* rayStart, int numRays, int threads, int channels, F&& fn) {
  const int64_t work = static_cast<int64_t>(rayStart[numRays] - rayStart[0]) * std::max(channels, 1);
  parallel(threadsFor(threads, work, 8192), [&](int t, int T) {
    int64_t lo, hi;
    rayShare(rayStart, numRays, t, T, lo, hi);
    for (int64_t r = lo; r < hi; r++) fn(r);
  });
}
}  // namespace

void renderWeights(const float* sigma, const float* delta, const int32_t* rayStart, int numRays, float* weights,
                   float* opacity, int threads) {
  byRays(rayStart, numRays, threads, 1, [&](int64_t r) {
    double T = 1;
    for (int32_t s = rayStart[r]; s < rayStart[r + 1]; s++) {
      const double e = std::exp(-static_cast<double>(sigma[s]) * delta[s]);
      weights[s] = static_cast<float>(T * (1 - e));
      T *= e;
    }
    if (opacity) opacity[r] = static_cast<float>(1 - T);
  });
}

void renderWeightsBackward(const float* sigma, const float* delta, const int32_t* rayStart, int numRays,
                           const float* gradWeights, const float* gradOpacity, float* gradSigma, int threads) {
  // dL/dτ_k = g_k·T_{k+1} − Σ_{i>k} g_i·w_i + gOp·T_end: one pass for Σ g_i w_i and T_end, one to subtract.
  byRays(rayStart, numRays, threads, 1, [&](int64_t r) {
    const int32_t s0 = rayStart[r], s1 = rayStart[r + 1];
    double total = 0;
    double T = 1;
    for (int32_t s = s0; s < s1; s++) {
      const double e = std::exp(-static_cast<double>(sigma[s]) * delta[s]);
      total += gradWeights[s] * T * (1 - e);
      T *= e;
    }
    const double tEnd = T;
    const double gOp = gradOpacity ? gradOpacity[r] : 0.0;
    double done = 0;  // Σ_{i<=k} g_i w_i
    T = 1;
    for (int32_t s = s0; s < s1; s++) {
      const double e = std::exp(-static_cast<double>(sigma[s]) * delta[s]);
      const double tAfter = T * e;
      done += gradWeights[s] * T * (1 - e);
      const double dTau = gradWeights[s] * tAfter - (total - done) + gOp * tEnd;
      gradSigma[s] = static_cast<float>(delta[s] * dTau);
      T = tAfter;
    }
  });
}

void compositeValues(const float* weights, const float* values, int channels, const int32_t* rayStart, int numRays,
                     float* out, int threads) {
  byRays(rayStart, numRays, threads, channels, [&](int64_t r) {
    float* o = out + r * channels;
    for (int c = 0; c < channels; c++) o[c] = 0;
    for (int32_t s = rayStart[r]; s < rayStart[r + 1]; s++) {
      const float w = weights[s];
      const float* v = values + static_cast<int64_t>(s) * channels;
      for (int c = 0; c < channels; c++) o[c] += w * v[c];
    }
  });
}

void compositeValuesBackward(const float* weights, const float* values, int channels, const int32_t* rayStart,
                             int numRays, const float* gradOut, float* gradWeights, float* gradValues, bool accumulate,
                             int threads) {
  byRays(rayStart, numRays, threads, channels, [&](int64_t r) {
    const float* go = gradOut + r * channels;
    for (int32_t s = rayStart[r]; s < rayStart[r + 1]; s++) {
      const float* v = values + static_cast<int64_t>(s) * channels;
      if (gradWeights) {
        float dot = 0;
        for (int c = 0; c < channels; c++) dot += v[c] * go[c];
        gradWeights[s] = accumulate ? gradWeights[s] + dot : dot;
      }
      if (gradValues) {
        float* gv = gradValues + static_cast<int64_t>(s) * channels;
        for (int c = 0; c < channels; c++) gv[c] = weights[s] * go[c];
      }
    }
  });
}
