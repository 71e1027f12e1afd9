// C = op(A)·op(B) (+ bias) (+ C), optional ReLU: packed panels and an 8×32 register-blocked micro-kernel
// (GotoBLAS loop order: KC-deep blocks of op(B) in L2, one NR-wide panel in L1, MR-row strips of op(A)).
#include "kernels.h"

#include <vector>

namespace {

constexpr int MR = 8;
constexpr int NR = 32;
constexpr int KC = 256;
constexpr int MC = 128;

/** Packs op(B)[p0 .. p0+kc, j0 .. j0+NR) as kc rows of NR values, zero-padded past n. */
void packB(const float* b, int n, int k, bool transB, int p0, int kc, int j0, float* out) {
  const int nv = std::min(NR, n - j0);
  if (!transB) {
    for (int p = 0; p < kc; p++) {
      const float* src = b + static_cast<int64_t>(p0 + p) * n + j0;
      float* dst = out + p * NR;
      if (nv == NR) {
        store16(dst, load16(src));
        store16(dst + 16, load16(src + 16));
      } else {
        int j = 0;
        for (; j < nv; j++) dst[j] = src[j];
        for (; j < NR; j++) dst[j] = 0;
      }
    }
    return;
  }
  for (int p = 0; p < kc; p++)
    for (int j = nv; j < NR; j++) out[p * NR + j] = 0;
  for (int j = 0; j < nv; j++) {
    const float* src = b + static_cast<int64_t>(j0 + j) * k + p0;
    for (int p = 0; p < kc; p++) out[p * NR + j] = src[p];
  }
}

/** Packs op(A)[i0 .. i0+MR, p0 .. p0+kc) as kc columns of MR values, zero-padded past m. */
void packA(const float* a, int m, int k, bool transA, int i0, int p0, int kc, float* out) {
  const int mv = std::min(MR, m - i0);
  if (transA) {
    for (int p = 0; p < kc; p++) {
      const float* src = a + static_cast<int64_t>(p0 + p) * m + i0;
      float* dst = out + p * MR;
      int i = 0;
      for (; i < mv; i++) dst[i] = src[i];
      for (; i < MR; i++) dst[i] = 0;
    }
    return;
  }
  for (int i = 0; i < mv; i++) {
    const float* src = a + static_cast<int64_t>(i0 + i) * k + p0;
    for (int p = 0; p < kc; p++) out[p * MR + i] = src[p];
  }
  for (int i = mv; i < MR; i++)
    for (int p = 0; p < kc; p++) out[p * MR + i] = 0;
}

struct Epilogue {
  const float* bias;
  bool first;  // overwrite C (no earlier k-block and no accumulate)
  bool last;   // add bias, apply ReLU and the mask
  bool relu;
  const float* mask;  // laid out like C (null: none)
  const float* c0;    // start of C, to find a tile's place in the mask
};

/**
 * acc = A·Bp over kc, then C tile (mv × nv at c, row stride ldc) updated as the epilogue says. `at(p, i)` reads
 * element (i, p) of the strip: from packed panels, or straight from op(A) when the strip is full.
 */
template <class At>
inline void microKernel(int kc, At at, const float* __restrict Bp, float* c, int64_t ldc, int mv, int nv, int j0,
                        const Epilogue& e) {
  v16 acc[MR][2];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = splat16(0);
  for (int p = 0; p < kc; p++) {
    const v16 b0 = load16(Bp + p * NR);
    const v16 b1 = load16(Bp + p * NR + 16);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      const float av = at(p, i);
      acc[i][0] += av * b0;
      acc[i][1] += av * b1;
    }
  }
  v16 bias0 = splat16(0), bias1 = splat16(0);
  if (e.last && e.bias) {
    float tmp[NR] = {0};
    for (int j = 0; j < nv; j++) tmp[j] = e.bias[j0 + j];
    bias0 = load16(tmp);
    bias1 = load16(tmp + 16);
  }
  for (int i = 0; i < mv; i++) {
    float* row = c + i * ldc;
    const float* mrow = e.mask ? e.mask + (row - e.c0) : nullptr;
    v16 r0 = acc[i][0], r1 = acc[i][1];
    if (nv == NR) {
      if (!e.first) {
        r0 += load16(row);
        r1 += load16(row + 16);
      }
      if (e.last) {
        r0 += bias0;
        r1 += bias1;
        if (e.relu) {
          r0 = r0 > 0 ? r0 : 0;
          r1 = r1 > 0 ? r1 : 0;
        }
        if (mrow) {
          r0 = load16(mrow) > 0 ? r0 : 0;
          r1 = load16(mrow + 16) > 0 ? r1 : 0;
        }
      }
      store16(row, r0);
      store16(row + 16, r1);
    } else {
      float tmp[NR];
      store16(tmp, r0);
      store16(tmp + 16, r1);
      float bt[NR];
      store16(bt, bias0);
      store16(bt + 16, bias1);
      for (int j = 0; j < nv; j++) {
        float v = tmp[j] + (e.first ? 0.0f : row[j]);
        if (e.last) {
          v += bt[j];
          if (e.relu && v < 0) v = 0;
          if (mrow && !(mrow[j] > 0)) v = 0;
        }
        row[j] = v;
      }
    }
  }
}

/** k = 0: C = (C or 0) + bias, then ReLU and the mask. */
void gemmNoK(float* c, int m, int n, const float* bias, bool accumulate, bool relu, const float* mask) {
  for (int64_t i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      float v = (accumulate ? c[i * n + j] : 0.0f) + (bias ? bias[j] : 0.0f);
      if (relu && v < 0) v = 0;
      if (mask && !(mask[i * n + j] > 0)) v = 0;
      c[i * n + j] = v;
    }
}

/** The epilogue of one output element: accumulate, bias, ReLU, mask. */
inline float finish(const GemmCall& g, int64_t i, int j, float acc) {
  const int64_t at = i * g.n + j;
  float v = acc + (g.accumulate ? g.c[at] : 0.0f) + (g.bias ? g.bias[j] : 0.0f);
  if (g.relu && v < 0) v = 0;
  if (g.mask && !(g.mask[at] > 0)) v = 0;
  return v;
}

constexpr int SMALL = 4;

/**
 * n ≤ SMALL or k ≤ SMALL (a layer with 2–3 outputs or inputs): the packed path would fill its 32-wide panels with
 * padding, so these shapes take direct loops, memory-bound, with rows of C split among threads.
 */
void gemmSmall(const GemmCall& g, int threads) {
  const int m = g.m, n = g.n, k = g.k;
  // op(B) as n columns of k values (for n small) or k rows of n values (for k small).
  std::vector<float> bc(static_cast<size_t>(n) * k), br(static_cast<size_t>(k) * n);
  for (int p = 0; p < k; p++)
    for (int j = 0; j < n; j++) {
      const float v = g.transB ? g.b[static_cast<int64_t>(j) * k + p] : g.b[static_cast<int64_t>(p) * n + j];
      bc[static_cast<size_t>(j) * k + p] = v;
      br[static_cast<size_t>(p) * n + j] = v;
    }
  const int T = threadsFor(threads, 2LL * m * n * k, 1LL << 18);
  parallel(T, [&](int t, int TT) {
    int64_t lo, hi;
    share(m, t, TT, lo, hi);
    if (k <= SMALL) {
      // C[i, :] = Σ_p op(A)[i, p] · op(B)[p, :]
      std::vector<float> row(n);
      for (int64_t i = lo; i < hi; i++) {
        std::fill(row.begin(), row.end(), 0.0f);
        for (int p = 0; p < k; p++) {
          const float a = g.transA ? g.a[static_cast<int64_t>(p) * m + i] : g.a[i * k + p];
          const float* b = br.data() + static_cast<size_t>(p) * n;
          for (int j = 0; j < n; j++) row[j] += a * b[j];
        }
        for (int j = 0; j < n; j++) g.c[i * n + j] = finish(g, i, j, row[j]);
      }
      return;
    }
    if (!g.transA) {
      // C[i, j] = A[i, :] · op(B)[:, j], 16 partial sums per dot product.
      for (int64_t i = lo; i < hi; i++) {
        const float* a = g.a + i * k;
        for (int j = 0; j < n; j++) {
          const float* b = bc.data() + static_cast<size_t>(j) * k;
          v16 acc = splat16(0);
          int p = 0;
          for (; p + 16 <= k; p += 16) acc += load16(a + p) * load16(b + p);
          float s = 0;
          for (int l = 0; l < 16; l++) s += acc[l];
          for (; p < k; p++) s += a[p] * b[p];
          g.c[i * n + j] = finish(g, i, j, s);
        }
      }
      return;
    }
    // Aᵀ: C[i, j] = Σ_p A[p, i] · op(B)[p, j], streaming A's rows (contiguous in i) once.
    const int64_t w = hi - lo;
    std::vector<float> acc(static_cast<size_t>(n) * (w + 16), 0.0f);
    for (int p = 0; p < k; p++) {
      const float* a = g.a + static_cast<int64_t>(p) * m + lo;
      const float* b = br.data() + static_cast<size_t>(p) * n;
      for (int j = 0; j < n; j++) {
        float* cj = acc.data() + static_cast<size_t>(j) * (w + 16);
        const float bj = b[j];
        int64_t l = 0;
        for (; l + 16 <= w; l += 16) store16(cj + l, load16(cj + l) + load16(a + l) * bj);
        for (; l < w; l++) cj[l] += a[l] * bj;
      }
    }
    for (int64_t l = 0; l < w; l++)
      for (int j = 0; j < n; j++) g.c[(lo + l) * n + j] = finish(g, lo + l, j, acc[static_cast<size_t>(j) * (w + 16) + l]);
  });
}

}  // namespace

void gemm(const GemmCall& g, int threads) {
  const int m = g.m, n = g.n, k = g.k;
  if (m == 0 || n == 0) return;
  if (k == 0) {
    gemmNoK(g.c, m, n, g.bias, g.accumulate, g.relu, g.mask);
    return;
  }
  if (n <= SMALL || k <= SMALL) {
    gemmSmall(g, threads);
    return;
  }
  const int strips = (m + MR - 1) / MR;
  const int panels = (n + NR - 1) / NR;
  const int T = threadsFor(threads, 2LL * m * n * k, 1LL << 20);
  // Split by row strips when there are enough of them, else by column panels.
  const bool byRows = strips >= 2 * T || strips >= panels;
  parallel(T, [&](int t, int TT) {
    int64_t lo, hi;
    share(byRows ? strips : panels, t, TT, lo, hi);
    if (lo >= hi) return;
    const int s0 = byRows ? static_cast<int>(lo) : 0, s1 = byRows ? static_cast<int>(hi) : strips;
    const int q0 = byRows ? 0 : static_cast<int>(lo), q1 = byRows ? panels : static_cast<int>(hi);
    thread_local std::vector<float> bBuf, aBuf;
    const size_t bNeed = static_cast<size_t>(q1 - q0) * KC * NR;
    if (bBuf.size() < bNeed) bBuf.resize(bNeed);
    const size_t aNeed = static_cast<size_t>(MC / MR) * KC * MR;
    if (aBuf.size() < aNeed) aBuf.resize(aNeed);
    for (int p0 = 0; p0 < k; p0 += KC) {
      const int kc = std::min(KC, k - p0);
      const Epilogue e{g.bias, p0 == 0 && !g.accumulate, p0 + kc == k, g.relu, g.mask, g.c};
      for (int q = q0; q < q1; q++) packB(g.b, n, k, g.transB, p0, kc, q * NR, bBuf.data() + (q - q0) * KC * NR);
      for (int sb = s0; sb < s1; sb += MC / MR) {
        const int se = std::min(s1, sb + MC / MR);
        // Full strips are read in place (op(A) rows of kc values stay in L1 across the panels); only a last,
        // partial strip is packed with zero padding.
        for (int s = sb; s < se; s++)
          if (m - s * MR < MR) packA(g.a, m, k, g.transA, s * MR, p0, kc, aBuf.data() + (s - sb) * KC * MR);
        for (int q = q0; q < q1; q++) {
          const float* Bp = bBuf.data() + (q - q0) * KC * NR;
          const int nv = std::min(NR, n - q * NR);
          for (int s = sb; s < se; s++) {
            const int mv = std::min(MR, m - s * MR);
            float* c = g.c + static_cast<int64_t>(s) * MR * n + q * NR;
            if (mv < MR) {
              const float* Ap = aBuf.data() + (s - sb) * KC * MR;
              microKernel(kc, [Ap](int p, int i) { return Ap[p * MR + i]; }, Bp, c, n, mv, nv, q * NR, e);
            } else if (g.transA) {
              const float* Ap = g.a + static_cast<int64_t>(p0) * m + s * MR;
              const int64_t lda = m;
              microKernel(kc, [Ap, lda](int p, int i) { return Ap[p * lda + i]; }, Bp, c, n, mv, nv, q * NR, e);
            } else {
              const float* Ap = g.a + static_cast<int64_t>(s) * MR * k + p0;
              const int64_t lda = k;
              microKernel(kc, [Ap, lda](int p, int i) { return Ap[i * lda + p]; }, Bp, c, n, mv, nv, q * NR, e);
            }
          }
        }
      }
    }
  });
}

void colSum(const float* x, int rows, int cols, float* out, bool accumulate, int threads) {
  const int blocks = (cols + 15) / 16;
  const int T = threadsFor(threads, static_cast<int64_t>(rows) * cols, 1 << 15);
  parallel(T, [&](int t, int TT) {
    int64_t lo, hi;
    share(blocks, t, TT, lo, hi);
    for (int64_t bk = lo; bk < hi; bk++) {
      const int j0 = static_cast<int>(bk) * 16, j1 = std::min(cols, j0 + 16);
      float s[16] = {0};
      for (int64_t r = 0; r < rows; r++)
        for (int j = j0; j < j1; j++) s[j - j0] += x[r * cols + j];
      for (int j = j0; j < j1; j++) out[j] = accumulate ? out[j] + s[j - j0] : s[j - j0];
    }
  });
}
