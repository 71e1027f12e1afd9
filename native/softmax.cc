// Row-wise softmax family and the fused slow-fast contrastive loss; rows are split among threads.
#include <vector>

#include "kernels.h"

namespace {
inline bool inMask(const RowMaskCall& m, int r, int c) {
  if (m.excludeDiagonal && r == c) return false;
  if (m.rowLabels && m.colLabels) return m.rowLabels[r] == m.colLabels[c];
  return true;
}

template <class F>
void byRows(int threads, int rows, int cols, F&& fn) {
  parallel(threadsFor(threads, static_cast<int64_t>(rows) * cols, 1 << 15), [&](int t, int T) {
    int64_t lo, hi;
    share(rows, t, T, lo, hi);
    thread_local std::vector<float> tmp;
    if (tmp.size() < static_cast<size_t>(cols) + 16) tmp.resize(cols + 16);
    for (int64_t r = lo; r < hi; r++) fn(static_cast<int>(r), tmp.data());
  });
}
}  // namespace

void logSumExpRows(const float* x, int rows, int cols, float* out, const RowMaskCall& mask, int threads) {
  const bool masked = mask.excludeDiagonal || (mask.rowLabels && mask.colLabels);
  byRows(threads, rows, cols, [&](int r, float* e) {
    const float* xr = x + static_cast<int64_t>(r) * cols;
    float mx = -INFINITY;
    for (int c = 0; c < cols; c++)
      if (!masked || inMask(mask, r, c)) mx = std::max(mx, xr[c]);
    if (mx == -INFINITY) {
      out[r] = mx;
      return;
    }
    expAffine(xr, 1.0f, -mx, e, cols);
    double s = 0;
    for (int c = 0; c < cols; c++)
      if (!masked || inMask(mask, r, c)) s += e[c];
    out[r] = static_cast<float>(mx + std::log(s));
  });
}

void logSumExpRowsBackward(const float* x, int rows, int cols, const float* lse, const float* gradOut, float* gradX,
                           const RowMaskCall& mask, bool accumulate, int threads) {
  const bool masked = mask.excludeDiagonal || (mask.rowLabels && mask.colLabels);
  byRows(threads, rows, cols, [&](int r, float* e) {
    const int64_t o = static_cast<int64_t>(r) * cols;
    const bool empty = lse[r] == -INFINITY;
    if (!empty) expAffine(x + o, 1.0f, -lse[r], e, cols);
    for (int c = 0; c < cols; c++) {
      const float v = !empty && (!masked || inMask(mask, r, c)) ? gradOut[r] * e[c] : 0.0f;
      gradX[o + c] = accumulate ? gradX[o + c] + v : v;
    }
  });
}

void softmaxRows(const float* x, int rows, int cols, float* y, int threads) {
  byRows(threads, rows, cols, [&](int r, float* e) {
    const int64_t o = static_cast<int64_t>(r) * cols;
    float mx = -INFINITY;
    for (int c = 0; c < cols; c++) mx = std::max(mx, x[o + c]);
    expAffine(x + o, 1.0f, -mx, e, cols);
    double s = 0;
    for (int c = 0; c < cols; c++) s += e[c];
    const float inv = static_cast<float>(1 / s);
    for (int c = 0; c < cols; c++) y[o + c] = e[c] * inv;
  });
}

void softmaxRowsBackward(const float* y, const float* gradY, int rows, int cols, float* gradX, int threads) {
  byRows(threads, rows, cols, [&](int r, float*) {
    const int64_t o = static_cast<int64_t>(r) * cols;
    double d = 0;
    for (int c = 0; c < cols; c++) d += y[o + c] * gradY[o + c];
    const float df = static_cast<float>(d);
    for (int c = 0; c < cols; c++) gradX[o + c] = y[o + c] * (gradY[o + c] - df);
  });
}

double slowFast(const float* fast, const float* slow, int n1, int n2, int d, const int32_t* fastLabels,
                const int32_t* slowLabels, double tau, double scale, float* grad, int threads) {
  for (int64_t i = 0; i < static_cast<int64_t>(n1) * d; i++) grad[i] = 0;
  if (n1 == 0 || n2 == 0) return 0;
  // Rows count when their label occurs among the slow pixels.
  std::vector<int> valid;
  {
    std::vector<int32_t> sl(slowLabels, slowLabels + n2);
    std::sort(sl.begin(), sl.end());
    for (int p = 0; p < n1; p++)
      if (std::binary_search(sl.begin(), sl.end(), fastLabels[p])) valid.push_back(p);
  }
  const int nValid = static_cast<int>(valid.size());
  if (nValid == 0) return 0;
  std::vector<double> rowLoss(nValid);
  const float invTau = static_cast<float>(1 / tau);
  const float s = static_cast<float>(scale);
  parallel(threadsFor(threads, static_cast<int64_t>(nValid) * n2, 1 << 14), [&](int t, int T) {
    int64_t lo, hi;
    share(nValid, t, T, lo, hi);
    std::vector<float> dist(n2 + 16), sim(n2 + 16), ex(n2 + 16);
    for (int64_t vi = lo; vi < hi; vi++) {
      const int p = valid[vi];
      const float* f = fast + static_cast<int64_t>(p) * d;
      for (int q = 0; q < n2; q++) {
        const float* sq = slow + static_cast<int64_t>(q) * d;
        float acc = 0;
        for (int k = 0; k < d; k++) {
          const float df = f[k] - sq[k];
          acc += df * df;
        }
        dist[q] = std::sqrt(acc);
      }
      expAffine(dist.data(), -invTau, 0.0f, sim.data(), n2);
      float mx = -INFINITY;
      for (int q = 0; q < n2; q++) mx = std::max(mx, sim[q]);
      expAffine(sim.data(), s, -s * mx, ex.data(), n2);
      double zAll = 0, zPos = 0;
      const int32_t lab = fastLabels[p];
      for (int q = 0; q < n2; q++) {
        zAll += ex[q];
        if (slowLabels[q] == lab) zPos += ex[q];
      }
      rowLoss[vi] = -std::log(zPos / zAll);
      const float iPos = static_cast<float>(1 / zPos), iAll = static_cast<float>(1 / zAll);
      float* g = grad + static_cast<int64_t>(p) * d;
      for (int q = 0; q < n2; q++) {
        if (dist[q] == 0) continue;
        const float a = slowLabels[q] == lab ? ex[q] * iPos : 0.0f;
        const float dLdSim = -(a - ex[q] * iAll) * s / nValid;
        const float coef = dLdSim * -sim[q] * invTau / dist[q];
        const float* sq = slow + static_cast<int64_t>(q) * d;
        for (int k = 0; k < d; k++) g[k] += coef * (f[k] - sq[k]);
      }
    }
  });
  double loss = 0;
  for (double l : rowLoss) loss += l;
  return loss / nValid;
}
