// TensoRF VM planes/lines and dense trilinear grids: gathers split by points, scatters by ownership (each thread
// walks every point and adds only into the plane rows, line texels or z-slabs it owns), so sums keep point order.
#include "kernels.h"

namespace {

constexpr int MM[3][2] = {{0, 1}, {0, 2}, {1, 2}};
constexpr int VM[3] = {2, 1, 0};

struct Taps {
  int i0, i1;
  float w0, w1;
};

/** Align-corners linear taps of u in [-1, 1] on res texels; an out-of-range tap has index -1 and weight 0. */
inline Taps axisTaps(float u, int res) {
  float f = (u + 1) * 0.5f * static_cast<float>(res - 1);
  if (!(f > -2.0f)) f = -2.0f;  // also catches NaN
  if (f > res + 1.0f) f = res + 1.0f;
  const int i = static_cast<int>(std::floor(f));
  const float t = f - static_cast<float>(i);
  const bool ok0 = i >= 0 && i < res, ok1 = i + 1 >= 0 && i + 1 < res;
  return {ok0 ? i : -1, ok1 ? i + 1 : -1, ok0 ? 1 - t : 0.0f, ok1 ? t : 0.0f};
}

inline int safe(int i) { return i < 0 ? 0 : i; }

/** Bilinear plane value and linear line value of every component at one point for mode i. */
struct ModeSample {
  const float* P[4];
  float W[4];
  const float* L[2];
  float WL[2];
};

inline ModeSample modeTaps(const VmCall& a, const Taps* taps, int i) {
  const int ca = MM[i][0], cb = MM[i][1], v = VM[i];
  const int cols = a.res[ca], C = a.comps;
  const Taps& r = taps[cb];
  const Taps& c = taps[ca];
  const Taps& l = taps[v];
  ModeSample s;
  const float* plane = a.planes[i];
  s.P[0] = plane + (static_cast<int64_t>(safe(r.i0)) * cols + safe(c.i0)) * C;
  s.P[1] = plane + (static_cast<int64_t>(safe(r.i0)) * cols + safe(c.i1)) * C;
  s.P[2] = plane + (static_cast<int64_t>(safe(r.i1)) * cols + safe(c.i0)) * C;
  s.P[3] = plane + (static_cast<int64_t>(safe(r.i1)) * cols + safe(c.i1)) * C;
  s.W[0] = r.w0 * c.w0;
  s.W[1] = r.w0 * c.w1;
  s.W[2] = r.w1 * c.w0;
  s.W[3] = r.w1 * c.w1;
  s.L[0] = a.lines[i] + static_cast<int64_t>(safe(l.i0)) * C;
  s.L[1] = a.lines[i] + static_cast<int64_t>(safe(l.i1)) * C;
  s.WL[0] = l.w0;
  s.WL[1] = l.w1;
  return s;
}

inline void pointTaps(const float* coords, int64_t p, const int res[3], Taps* taps) {
  for (int k = 0; k < 3; k++) taps[k] = axisTaps(coords[p * 3 + k], res[k]);
}

}  // namespace

void vmGather(const VmCall& a, float* out, int threads) {
  const int C = a.comps;
  parallel(threadsFor(threads, a.n, 2048), [&](int t, int T) {
    int64_t lo, hi;
    share(a.n, t, T, lo, hi);
    for (int64_t p = lo; p < hi; p++) {
      Taps taps[3];
      pointTaps(a.coords, p, a.res, taps);
      float acc = 0;
      for (int i = 0; i < 3; i++) {
        const ModeSample s = modeTaps(a, taps, i);
        float* o = a.sum ? nullptr : out + p * 3 * C + i * C;
        for (int c = 0; c < C; c++) {
          const float pv = s.W[0] * s.P[0][c] + s.W[1] * s.P[1][c] + s.W[2] * s.P[2][c] + s.W[3] * s.P[3][c];
          const float lv = s.WL[0] * s.L[0][c] + s.WL[1] * s.L[1][c];
          if (o)
            o[c] = pv * lv;
          else
            acc += pv * lv;
        }
      }
      if (a.sum) out[p] = acc;
    }
  });
}

void vmScatter(const VmCall& a, const float* gradOut, float* const gradPlanes[3], float* const gradLines[3],
               int threads) {
  const int C = a.comps;
  parallel(threadsFor(threads, a.n, 4096), [&](int t, int T) {
    int64_t rowLo[3], rowHi[3], texLo[3], texHi[3];
    for (int i = 0; i < 3; i++) {
      share(a.res[MM[i][1]], t, T, rowLo[i], rowHi[i]);
      share(a.res[VM[i]], t, T, texLo[i], texHi[i]);
    }
    float* pv = static_cast<float*>(__builtin_alloca(sizeof(float) * 2 * C));
    float* lv = pv + C;
    for (int64_t p = 0; p < a.n; p++) {
      Taps taps[3];
      pointTaps(a.coords, p, a.res, taps);
      for (int i = 0; i < 3; i++) {
        const Taps& r = taps[MM[i][1]];
        const Taps& cl = taps[MM[i][0]];
        const Taps& l = taps[VM[i]];
        const bool row0 = r.i0 >= rowLo[i] && r.i0 < rowHi[i];
        const bool row1 = r.i1 >= rowLo[i] && r.i1 < rowHi[i];
        const bool tex0 = l.i0 >= texLo[i] && l.i0 < texHi[i];
        const bool tex1 = l.i1 >= texLo[i] && l.i1 < texHi[i];
        if (!(row0 || row1 || tex0 || tex1)) continue;
        const ModeSample s = modeTaps(a, taps, i);
        const float* g = a.sum ? nullptr : gradOut + p * 3 * C + i * C;
        const float gs = a.sum ? gradOut[p] : 0.0f;
        for (int c = 0; c < C; c++) {
          const float gc = g ? g[c] : gs;
          pv[c] = gc * (s.W[0] * s.P[0][c] + s.W[1] * s.P[1][c] + s.W[2] * s.P[2][c] + s.W[3] * s.P[3][c]);
          lv[c] = gc * (s.WL[0] * s.L[0][c] + s.WL[1] * s.L[1][c]);
        }
        const int cols = a.res[MM[i][0]];
        float* gp = gradPlanes[i];
        for (int rr = 0; rr < 2; rr++) {
          const int ri = rr == 0 ? r.i0 : r.i1;
          if (!(rr == 0 ? row0 : row1)) continue;
          const float rw = rr == 0 ? r.w0 : r.w1;
          for (int cc = 0; cc < 2; cc++) {
            const int ci = cc == 0 ? cl.i0 : cl.i1;
            if (ci < 0) continue;
            const float w = rw * (cc == 0 ? cl.w0 : cl.w1);
            float* dst = gp + (static_cast<int64_t>(ri) * cols + ci) * C;
            for (int c = 0; c < C; c++) dst[c] += w * lv[c];
          }
        }
        for (int tt = 0; tt < 2; tt++) {
          if (!(tt == 0 ? tex0 : tex1)) continue;
          const float w = tt == 0 ? l.w0 : l.w1;
          float* dst = gradLines[i] + static_cast<int64_t>(tt == 0 ? l.i0 : l.i1) * C;
          for (int c = 0; c < C; c++) dst[c] += w * pv[c];
        }
      }
    }
  });
}

namespace {
/** The 8 trilinear corners of point p: voxel index (-1 when out of range) and weight. */
inline void corners(const float* coords, int64_t p, const int res[3], int64_t vox[8], float w[8]) {
  Taps tx = axisTaps(coords[p * 3], res[0]), ty = axisTaps(coords[p * 3 + 1], res[1]),
       tz = axisTaps(coords[p * 3 + 2], res[2]);
  int k = 0;
  for (int zz = 0; zz < 2; zz++)
    for (int yy = 0; yy < 2; yy++)
      for (int xx = 0; xx < 2; xx++, k++) {
        const int z = zz ? tz.i1 : tz.i0, y = yy ? ty.i1 : ty.i0, x = xx ? tx.i1 : tx.i0;
        const float wt = (zz ? tz.w1 : tz.w0) * (yy ? ty.w1 : ty.w0) * (xx ? tx.w1 : tx.w0);
        const bool ok = x >= 0 && y >= 0 && z >= 0;
        vox[k] = ok ? (static_cast<int64_t>(z) * res[1] + y) * res[0] + x : -1;
        w[k] = ok ? wt : 0.0f;
      }
}
}  // namespace

void gridGather(const float* grid, const int res[3], int channels, const float* coords, int n, float* out,
                int threads) {
  parallel(threadsFor(threads, n, 2048), [&](int t, int T) {
    int64_t lo, hi;
    share(n, t, T, lo, hi);
    for (int64_t p = lo; p < hi; p++) {
      int64_t vox[8];
      float w[8];
      corners(coords, p, res, vox, w);
      float* o = out + p * channels;
      for (int c = 0; c < channels; c++) o[c] = 0;
      for (int k = 0; k < 8; k++) {
        if (vox[k] < 0) continue;
        const float* g = grid + vox[k] * channels;
        for (int c = 0; c < channels; c++) o[c] += w[k] * g[c];
      }
    }
  });
}

void gridScatter(float* gradGrid, const int res[3], int channels, const float* coords, int n, const float* gradOut,
                 int threads) {
  const int64_t slab = static_cast<int64_t>(res[0]) * res[1];
  parallel(threadsFor(threads, n, 4096), [&](int t, int T) {
    int64_t zlo, zhi;
    share(res[2], t, T, zlo, zhi);
    for (int64_t p = 0; p < n; p++) {
      int64_t vox[8];
      float w[8];
      corners(coords, p, res, vox, w);
      const float* g = gradOut + p * channels;
      for (int k = 0; k < 8; k++) {
        if (vox[k] < 0) continue;
        const int64_t z = vox[k] / slab;
        if (z < zlo || z >= zhi) continue;
        float* dst = gradGrid + vox[k] * channels;
        for (int c = 0; c < channels; c++) dst[c] += w[k] * g[c];
      }
    }
  });
}
