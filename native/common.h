// Shared helpers of the native kernels: 16-lane float vectors (GCC vector extensions, compiled for the build
// machine's widest SIMD), a vector exp, and the per-thread split used by every parallel kernel.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

typedef float v16 __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));
typedef int32_t v16i __attribute__((vector_size(64)));

inline v16 load16(const float* p) { return *reinterpret_cast<const v16u*>(p); }
inline void store16(float* p, v16 v) { *reinterpret_cast<v16u*>(p) = v; }
inline v16 splat16(float x) { return v16{} + x; }

/** e^x on 16 lanes (Cephes polynomial, about 2 ulp); 0 below -87.33, +inf above 88.376. */
inline v16 vexp(v16 x) {
  const v16 lo = splat16(-87.33f);
  const v16 hi = splat16(88.3762626647949f);
  v16 xc = x < lo ? lo : x;
  xc = xc > hi ? hi : xc;
  v16 fx = xc * 1.44269504088896341f + 0.5f;
  v16i ti = __builtin_convertvector(fx, v16i);
  v16 tf = __builtin_convertvector(ti, v16);
  tf = tf > fx ? tf - 1.0f : tf;
  v16 r = xc - tf * 0.693359375f + tf * 2.12194440e-4f;
  v16 y = splat16(1.9875691500e-4f);
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * r * r + r + 1.0f;
  v16i e = (__builtin_convertvector(tf, v16i) + 127) << 23;
  v16 out = y * (v16)e;  // same-size vector cast: a bit cast
  out = x < lo ? splat16(0.0f) : out;
  return x > hi ? splat16(INFINITY) : out;
}

/** out[i] = e^(scale·x[i] + shift) for n values (vector exp). */
inline void expAffine(const float* x, float scale, float shift, float* out, int n) {
  int i = 0;
  for (; i + 16 <= n; i += 16) store16(out + i, vexp(load16(x + i) * scale + shift));
  if (i < n) {
    float tmp[16] = {0};
    for (int j = i; j < n; j++) tmp[j - i] = x[j];
    float res[16];
    store16(res, vexp(load16(tmp) * scale + shift));
    for (int j = i; j < n; j++) out[j] = res[j - i];
  }
}

/** Thread t's contiguous share [lo, hi) of count items split among T threads. */
inline void share(int64_t count, int t, int T, int64_t& lo, int64_t& hi) {
  lo = count * t / T;
  hi = count * (t + 1) / T;
}

/**
 * Runs fn(t, T) on T threads (the calling thread is t = 0). Kernels give each output element to exactly one t
 * and compute it in a fixed order, so results do not depend on T.
 */
template <class F>
void parallel(int threads, F&& fn) {
  if (threads <= 1) {
    fn(0, 1);
    return;
  }
#pragma omp parallel num_threads(threads)
  { fn(omp_get_thread_num(), omp_get_num_threads()); }
}

/** Threads worth using for `work` units when a thread should get at least `grain` of them. */
inline int threadsFor(int threads, int64_t work, int64_t grain) {
  int64_t t = work / std::max<int64_t>(grain, 1);
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, t)));
}
