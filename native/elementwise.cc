// Element-wise kernels: ReLU and its backward, the density softplus and its backward, Adam, EMA (contiguous ranges
// per thread).
#include <vector>

#include "kernels.h"

namespace {
constexpr int64_t GRAIN = 1 << 15;

template <class F>
void ranges(int threads, int64_t n, F&& fn) {
  parallel(threadsFor(threads, n, GRAIN), [&](int t, int T) {
    int64_t lo, hi;
    share(n, t, T, lo, hi);
    fn(lo, hi);
  });
}
}  // namespace

void relu(const float* x, float* y, int64_t n, int threads) {
  ranges(threads, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) y[i] = x[i] > 0 ? x[i] : 0.0f;
  });
}

void reluBackward(const float* y, const float* dy, float* dx, int64_t n, int threads) {
  ranges(threads, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) dx[i] = y[i] > 0 ? dy[i] : 0.0f;
  });
}

void adam(float* p, const float* g, float* m, float* v, int64_t n, int step, double lr, double b1, double b2, double eps,
          double wd, int threads) {
  const float a = static_cast<float>(lr / (1 - std::pow(b1, step)));
  const float rs = static_cast<float>(1 / std::sqrt(1 - std::pow(b2, step)));
  const float f1 = static_cast<float>(b1), f2 = static_cast<float>(b2), e = static_cast<float>(eps);
  const float w = static_cast<float>(wd);
  ranges(threads, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) {
      const float gi = g[i] + w * p[i];
      const float mi = f1 * m[i] + (1 - f1) * gi;
      const float vi = f2 * v[i] + (1 - f2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] -= a * mi / (std::sqrt(vi) * rs + e);
    }
  });
}

void ema(float* target, const float* source, int64_t n, double momentum, int threads) {
  const float mo = static_cast<float>(momentum), r = static_cast<float>(1 - momentum);
  ranges(threads, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) target[i] = mo * target[i] + r * source[i];
  });
}

double tvPlane(const float* d, float* g, int rows, int cols, int comps, double weight, int threads) {
  // Each element's gradient reads its four neighbours, so rows split freely; row losses are summed in order.
  const int C = comps;
  const double countA = static_cast<double>(C) * rows * (cols - 1), countB = static_cast<double>(C) * (rows - 1) * cols;
  const float ga = countA > 0 ? static_cast<float>(2 * weight / countA) : 0.0f;
  const float gb = countB > 0 ? static_cast<float>(2 * weight / countB) : 0.0f;
  std::vector<double> rowLoss(rows > 0 ? rows : 1, 0.0);
  parallel(threadsFor(threads, static_cast<int64_t>(rows) * cols * C, GRAIN), [&](int t, int T) {
    int64_t lo, hi;
    share(rows, t, T, lo, hi);
    for (int64_t jb = lo; jb < hi; jb++) {
      double la = 0, lb = 0;
      for (int ja = 0; ja < cols; ja++) {
        const int64_t i = (jb * cols + ja) * C;
        for (int c = 0; c < C; c++) {
          const float x = d[i + c];
          float gr = 0;
          if (ja + 1 < cols) {
            const float diff = d[i + C + c] - x;
            la += static_cast<double>(diff) * diff;
            gr -= ga * diff;
          }
          if (ja > 0) gr += ga * (x - d[i - C + c]);
          if (jb + 1 < rows) {
            const float diff = d[i + static_cast<int64_t>(cols) * C + c] - x;
            lb += static_cast<double>(diff) * diff;
            gr -= gb * diff;
          }
          if (jb > 0) gr += gb * (x - d[i - static_cast<int64_t>(cols) * C + c]);
          g[i + c] += gr;
        }
      }
      rowLoss[jb] = (countA > 0 ? weight * la / countA : 0) + (countB > 0 ? weight * lb / countB : 0);
    }
  });
  double total = 0;
  for (int r = 0; r < rows; r++) total += rowLoss[r];
  return total;
}

void softplus(const float* x, int64_t n, double shift, float* pre, float* out, int threads) {
  ranges(threads, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) {
      // In double and rounded once at the store, like the reference.
      const double s = static_cast<double>(x[i]) + shift;
      pre[i] = static_cast<float>(s);
      out[i] = static_cast<float>(s > 20 ? s : std::log1p(std::exp(s)));
    }
  });
}

void softplusBackward(const float* pre, const float* gradOut, int64_t n, float* gradX, int threads) {
  ranges(threads, n, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++)
      gradX[i] = static_cast<float>(static_cast<double>(gradOut[i]) / (1 + std::exp(-static_cast<double>(pre[i]))));
  });
}
