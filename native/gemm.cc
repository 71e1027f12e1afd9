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

/** acc = Ap·Bp over kc, then C tile (mv × nv at c, row stride ldc) updated as the epilogue says. */
inline void microKernel(int kc, const float* __restrict Ap, const float* __restrict Bp, float* c, int64_t ldc,
                        int mv, int nv, int j0, const Epilogue& e) {
  v16 acc[MR][2];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = splat16(0);
  for (int p = 0; p < kc; p++) {
    const v16 b0 = load16(Bp + p * NR);
    const v16 b1 = load16(Bp + p * NR + 16);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      const float av = Ap[p * MR + i];
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

}  // namespace

void gemm(const GemmCall& g, int threads) {
  const int m = g.m, n = g.n, k = g.k;
  if (m == 0 || n == 0) return;
  if (k == 0) {
    gemmNoK(g.c, m, n, g.bias, g.accumulate, g.relu, g.mask);
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
        for (int s = sb; s < se; s++)
          packA(g.a, m, k, g.transA, s * MR, p0, kc, aBuf.data() + (s - sb) * KC * MR);
        for (int q = q0; q < q1; q++) {
          const float* Bp = bBuf.data() + (q - q0) * KC * NR;
          const int nv = std::min(NR, n - q * NR);
          for (int s = sb; s < se; s++) {
            const int mv = std::min(MR, m - s * MR);
            microKernel(kc, aBuf.data() + (s - sb) * KC * MR, Bp, g.c + static_cast<int64_t>(s) * MR * n + q * NR,
                        n, mv, nv, q * NR, e);
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
