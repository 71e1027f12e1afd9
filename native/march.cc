// Stratified ray marching through the scene box with occupancy skipping, in double precision like the reference:
// a counting pass (rays split among threads, then an ordered prefix sum) and a filling pass.
#include "kernels.h"

namespace {

inline bool occupied(const MarchCall& c, double x, double y, double z) {
  if (!c.occBits) return true;
  const int r = c.occRes;
  const double p[3] = {x, y, z};
  int64_t idx[3];
  for (int k = 0; k < 3; k++) {
    const double f = std::floor((p[k] - c.occMin[k]) / (c.occMax[k] - c.occMin[k]) * r);
    if (!(f >= 0 && f < r)) return false;
    idx[k] = static_cast<int64_t>(f);
  }
  return c.occBits[(idx[2] * r + idx[1]) * r + idx[0]] == 1;
}

/** Calls emit(x, y, z, t) for every kept sample of ray r; returns their count. */
template <class F>
int64_t march(const MarchCall& c, int64_t r, F&& emit) {
  double o[3], d[3];
  for (int k = 0; k < 3; k++) {
    o[k] = c.origins[r * 3 + k];
    d[k] = c.dirs[r * 3 + k];
  }
  double tNear = 0, tFar = INFINITY;
  for (int k = 0; k < 3; k++) {
    const double inv = 1 / d[k];
    double t0 = (c.boxMin[k] - o[k]) * inv, t1 = (c.boxMax[k] - o[k]) * inv;
    if (t0 > t1) std::swap(t0, t1);
    if (t0 > tNear) tNear = t0;
    if (t1 < tFar) tFar = t1;
  }
  if (!(tNear < tFar)) return 0;
  int64_t m = 0;
  for (double tt = tNear + c.step * static_cast<double>(c.jitter[r]); tt < tFar; tt += c.step) {
    const double x = o[0] + tt * d[0], y = o[1] + tt * d[1], z = o[2] + tt * d[2];
    if (!occupied(c, x, y, z)) continue;
    emit(x, y, z, tt);
    m++;
  }
  return m;
}

}  // namespace

void marchRays(const MarchCall& c, int32_t* rayStart, float* xyz, float* t, int threads) {
  const int T = threadsFor(threads, c.numRays, 256);
  if (!xyz) {
    parallel(T, [&](int th, int TT) {
      int64_t lo, hi;
      share(c.numRays, th, TT, lo, hi);
      for (int64_t r = lo; r < hi; r++) rayStart[r + 1] = static_cast<int32_t>(march(c, r, [](double, double, double, double) {}));
    });
    rayStart[0] = 0;
    for (int r = 0; r < c.numRays; r++) rayStart[r + 1] += rayStart[r];
    return;
  }
  parallel(T, [&](int th, int TT) {
    int64_t lo, hi;
    share(c.numRays, th, TT, lo, hi);
    for (int64_t r = lo; r < hi; r++) {
      int64_t m = rayStart[r];
      march(c, r, [&](double x, double y, double z, double tt) {
        xyz[m * 3] = static_cast<float>(x);
        xyz[m * 3 + 1] = static_cast<float>(y);
        xyz[m * 3 + 2] = static_cast<float>(z);
        t[m] = static_cast<float>(tt);
        m++;
      });
    }
  });
}
