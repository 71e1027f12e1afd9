// View-dependent colour from degree-2 spherical harmonics (9 coefficients per channel) and the frequency
// encoding of the label MLPs' inputs; points split among threads.
#include "kernels.h"

namespace {
inline void shBasis(float x, float y, float z, float* o) {
  o[0] = 0.28209479177387814f;
  o[1] = -0.4886025119029199f * y;
  o[2] = 0.4886025119029199f * z;
  o[3] = -0.4886025119029199f * x;
  o[4] = 1.0925484305920792f * x * y;
  o[5] = -1.0925484305920792f * y * z;
  o[6] = 0.31539156525252005f * (2 * z * z - x * x - y * y);
  o[7] = -1.0925484305920792f * x * z;
  o[8] = 0.5462742152960396f * (x * x - y * y);
}

template <class F>
void byPoints(int threads, int n, F&& fn) {
  parallel(threadsFor(threads, n, 4096), [&](int t, int T) {
    int64_t lo, hi;
    share(n, t, T, lo, hi);
    for (int64_t i = lo; i < hi; i++) fn(i);
  });
}
}  // namespace

void shColor(const float* coefs, const float* dirs, int n, float* rgb, int threads) {
  byPoints(threads, n, [&](int64_t i) {
    float sh[9];
    shBasis(dirs[i * 3], dirs[i * 3 + 1], dirs[i * 3 + 2], sh);
    for (int c = 0; c < 3; c++) {
      const float* k = coefs + i * 27 + c * 9;
      float s = 0;
      for (int j = 0; j < 9; j++) s += sh[j] * k[j];
      rgb[i * 3 + c] = 1.0f / (1.0f + std::exp(-s));
    }
  });
}

void shColorBackward(const float* dirs, const float* rgb, const float* gradRgb, int n, float* gradCoefs, int threads) {
  byPoints(threads, n, [&](int64_t i) {
    float sh[9];
    shBasis(dirs[i * 3], dirs[i * 3 + 1], dirs[i * 3 + 2], sh);
    for (int c = 0; c < 3; c++) {
      const float y = rgb[i * 3 + c];
      const float g = gradRgb[i * 3 + c] * y * (1 - y);
      for (int j = 0; j < 9; j++) gradCoefs[i * 27 + c * 9 + j] = g * sh[j];
    }
  });
}

void frequencyEncode(const float* x, int n, int dim, int frequencies, float* out, int threads) {
  // sin/cos of π·x once, then sin 2a = 2 sin a cos a, cos 2a = 1 − 2 sin² a, in double (error ≪ float's).
  const int outDim = dim * (1 + 2 * frequencies);
  byPoints(threads, n, [&](int64_t r) {
    float* o = out + r * outDim;
    for (int c = 0; c < dim; c++) {
      const double v = x[r * dim + c];
      o[c] = static_cast<float>(v);
      double s = std::sin(M_PI * v), co = std::cos(M_PI * v);
      for (int k = 0; k < frequencies; k++) {
        o[dim + 2 * k * dim + c] = static_cast<float>(s);
        o[dim + (2 * k + 1) * dim + c] = static_cast<float>(co);
        const double s2 = 2 * s * co;
        co = 1 - 2 * s * s;
        s = s2;
      }
    }
  });
}
