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

namespace {
/** For row i: x[j] = −γ_ij‖e_i − e_j‖², sim = e^x, l = e^(sim − 1) for every j (vector exps). */
void vanillaRow(const float* emb, const int32_t* labels, int n, int d, float gp, float gn, int i, float* x,
                float* sim, float* l) {
  const float* ei = emb + static_cast<int64_t>(i) * d;
  for (int j = 0; j < n; j++) {
    const float* ej = emb + static_cast<int64_t>(j) * d;
    float acc = 0;
    for (int k = 0; k < d; k++) {
      const float t = ei[k] - ej[k];
      acc += t * t;
    }
    x[j] = -(labels[j] == labels[i] ? gp : gn) * acc;
  }
  expAffine(x, 1.0f, 0.0f, sim, n);
  expAffine(sim, 1.0f, -1.0f, l, n);
}
}  // namespace

double vanillaContrastive(const float* emb, const int32_t* labels, int n, int d, double gammaPositive,
                          double gammaNegative, float* grad, int threads) {
  for (int64_t i = 0; i < static_cast<int64_t>(n) * d; i++) grad[i] = 0;
  if (n == 0) return 0;
  const float gp = static_cast<float>(gammaPositive), gn = static_cast<float>(gammaNegative);
  std::vector<double> zAll(n), zPos(n), rowLoss(n);
  const int T = threadsFor(threads, static_cast<int64_t>(n) * n, 1 << 14);
  // Pass 1, per anchor: its softmax sums and loss.
  parallel(T, [&](int t, int TT) {
    int64_t lo, hi;
    share(n, t, TT, lo, hi);
    std::vector<float> x(n + 16), sim(n + 16), l(n + 16);
    for (int64_t i = lo; i < hi; i++) {
      vanillaRow(emb, labels, n, d, gp, gn, static_cast<int>(i), x.data(), sim.data(), l.data());
      double all = 0, pos = 0;
      for (int j = 0; j < n; j++) {
        all += l[j];
        if (labels[j] == labels[i] && j != i) pos += l[j];
      }
      zAll[i] = all;
      zPos[i] = pos;
      rowLoss[i] = pos > 0 ? -std::log(pos / all) : 0;
    }
  });
  // Pass 2, per row: the gradient from every pair it is in, as anchor and as partner (sim is symmetric).
  parallel(T, [&](int t, int TT) {
    int64_t lo, hi;
    share(n, t, TT, lo, hi);
    std::vector<float> x(n + 16), sim(n + 16), l(n + 16);
    for (int64_t i = lo; i < hi; i++) {
      vanillaRow(emb, labels, n, d, gp, gn, static_cast<int>(i), x.data(), sim.data(), l.data());
      const float* ei = emb + i * d;
      float* g = grad + i * d;
      for (int j = 0; j < n; j++) {
        if (j == i) continue;
        const bool same = labels[j] == labels[i];
        const double gamma = same ? gammaPositive : gammaNegative;
        double c = 0;
        for (const int a : {static_cast<int>(i), j}) {
          if (zPos[a] == 0) continue;
          const double dLdSim = -((same ? l[j] / zPos[a] : 0) - l[j] / zAll[a]) / n;
          c += dLdSim * -2 * gamma * sim[j];
        }
        const float cf = static_cast<float>(c);
        const float* ej = emb + static_cast<int64_t>(j) * d;
        for (int k = 0; k < d; k++) g[k] += cf * (ei[k] - ej[k]);
      }
    }
  });
  double loss = 0;
  for (double v : rowLoss) loss += v;
  return loss / n;
}
