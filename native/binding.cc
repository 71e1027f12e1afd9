// N-API entry points: positional arguments (typed arrays are used in place, no copies; null for an absent
// optional array). Shapes are validated on the TypeScript side (src/kernels/check.ts) before every call.
#define NAPI_VERSION 8
#include <node_api.h>

#include "kernels.h"

namespace {

constexpr size_t MAX_ARGS = 24;

struct Args {
  napi_env env;
  napi_value v[MAX_ARGS];
  size_t n = MAX_ARGS;
  bool ok = true;

  Args(napi_env e, napi_callback_info info) : env(e) {
    if (napi_get_cb_info(e, info, &n, v, nullptr, nullptr) != napi_ok) fail("bad arguments");
  }
  void fail(const char* msg) {
    if (ok) napi_throw_error(env, nullptr, msg);
    ok = false;
  }
  void* ptr(size_t i) {
    if (i >= n) return nullptr;
    napi_valuetype t;
    napi_typeof(env, v[i], &t);
    if (t == napi_null || t == napi_undefined) return nullptr;
    napi_typedarray_type ty;
    size_t len, off;
    void* data = nullptr;
    napi_value ab;
    if (napi_get_typedarray_info(env, v[i], &ty, &len, &data, &ab, &off) != napi_ok) {
      fail("expected a typed array");
      return nullptr;
    }
    return data;
  }
  float* f(size_t i) { return static_cast<float*>(ptr(i)); }
  int32_t* i32(size_t i) { return static_cast<int32_t*>(ptr(i)); }
  double num(size_t i) {
    double d = 0;
    if (i >= n || napi_get_value_double(env, v[i], &d) != napi_ok) fail("expected a number");
    return d;
  }
  int integer(size_t i) { return static_cast<int>(num(i)); }
  bool flag(size_t i) { return num(i) != 0; }
};

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value Gemm(napi_env env, napi_callback_info info) {
  Args a(env, info);
  GemmCall g{a.f(0), a.f(1), a.f(2), a.integer(3), a.integer(4), a.integer(5), a.flag(6), a.flag(7), a.f(8),
             a.flag(9), a.flag(10), a.f(11)};
  const int threads = a.integer(12);
  if (a.ok) gemm(g, threads);
  return undefined(env);
}

napi_value ColSum(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float* x = a.f(0);
  const int rows = a.integer(1), cols = a.integer(2);
  float* out = a.f(3);
  const bool acc = a.flag(4);
  const int threads = a.integer(5);
  if (a.ok) colSum(x, rows, cols, out, acc, threads);
  return undefined(env);
}

napi_value Relu(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *x = a.f(0), *y = a.f(1);
  const double n = a.num(2);
  const int threads = a.integer(3);
  if (a.ok) relu(x, y, static_cast<int64_t>(n), threads);
  return undefined(env);
}

napi_value ReluBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *y = a.f(0), *dy = a.f(1), *dx = a.f(2);
  const double n = a.num(3);
  const int threads = a.integer(4);
  if (a.ok) reluBackward(y, dy, dx, static_cast<int64_t>(n), threads);
  return undefined(env);
}

napi_value Adam(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *p = a.f(0), *g = a.f(1), *m = a.f(2), *v = a.f(3);
  const double n = a.num(4);
  const int step = a.integer(5);
  const double lr = a.num(6), b1 = a.num(7), b2 = a.num(8), eps = a.num(9), wd = a.num(10);
  const int threads = a.integer(11);
  if (a.ok) adam(p, g, m, v, static_cast<int64_t>(n), step, lr, b1, b2, eps, wd, threads);
  return undefined(env);
}

napi_value Ema(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *t = a.f(0), *s = a.f(1);
  const double n = a.num(2), mo = a.num(3);
  const int threads = a.integer(4);
  if (a.ok) ema(t, s, static_cast<int64_t>(n), mo, threads);
  return undefined(env);
}

VmCall vmCall(Args& a) {
  VmCall c{};
  for (int i = 0; i < 3; i++) c.planes[i] = a.f(i);
  for (int i = 0; i < 3; i++) c.lines[i] = a.f(3 + i);
  for (int i = 0; i < 3; i++) c.res[i] = a.integer(6 + i);
  c.comps = a.integer(9);
  c.coords = a.f(10);
  c.n = a.integer(11);
  c.sum = a.flag(12);
  return c;
}

napi_value VmGather(napi_env env, napi_callback_info info) {
  Args a(env, info);
  VmCall c = vmCall(a);
  float* out = a.f(13);
  const int threads = a.integer(14);
  if (a.ok) vmGather(c, out, threads);
  return undefined(env);
}

napi_value VmScatter(napi_env env, napi_callback_info info) {
  Args a(env, info);
  VmCall c = vmCall(a);
  float* gradOut = a.f(13);
  float* gp[3] = {a.f(14), a.f(15), a.f(16)};
  float* gl[3] = {a.f(17), a.f(18), a.f(19)};
  const int threads = a.integer(20);
  if (a.ok) vmScatter(c, gradOut, gp, gl, threads);
  return undefined(env);
}

napi_value GridGather(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float* grid = a.f(0);
  const int res[3] = {a.integer(1), a.integer(2), a.integer(3)};
  const int ch = a.integer(4);
  float* coords = a.f(5);
  const int n = a.integer(6);
  float* out = a.f(7);
  const int threads = a.integer(8);
  if (a.ok) gridGather(grid, res, ch, coords, n, out, threads);
  return undefined(env);
}

napi_value GridScatter(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float* grad = a.f(0);
  const int res[3] = {a.integer(1), a.integer(2), a.integer(3)};
  const int ch = a.integer(4);
  float* coords = a.f(5);
  const int n = a.integer(6);
  float* gout = a.f(7);
  const int threads = a.integer(8);
  if (a.ok) gridScatter(grad, res, ch, coords, n, gout, threads);
  return undefined(env);
}

napi_value RenderWeights(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *sigma = a.f(0), *delta = a.f(1);
  int32_t* rs = a.i32(2);
  const int nr = a.integer(3);
  float *w = a.f(4), *op = a.f(5);
  const int threads = a.integer(6);
  if (a.ok) renderWeights(sigma, delta, rs, nr, w, op, threads);
  return undefined(env);
}

napi_value RenderWeightsBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *sigma = a.f(0), *delta = a.f(1);
  int32_t* rs = a.i32(2);
  const int nr = a.integer(3);
  float *gw = a.f(4), *gop = a.f(5), *gs = a.f(6);
  const int threads = a.integer(7);
  if (a.ok) renderWeightsBackward(sigma, delta, rs, nr, gw, gop, gs, threads);
  return undefined(env);
}

napi_value CompositeValues(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *w = a.f(0), *v = a.f(1);
  const int ch = a.integer(2);
  int32_t* rs = a.i32(3);
  const int nr = a.integer(4);
  float* out = a.f(5);
  const int threads = a.integer(6);
  if (a.ok) compositeValues(w, v, ch, rs, nr, out, threads);
  return undefined(env);
}

napi_value CompositeValuesBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *w = a.f(0), *v = a.f(1);
  const int ch = a.integer(2);
  int32_t* rs = a.i32(3);
  const int nr = a.integer(4);
  float *go = a.f(5), *gw = a.f(6), *gv = a.f(7);
  const bool acc = a.flag(8);
  const int threads = a.integer(9);
  if (a.ok) compositeValuesBackward(w, v, ch, rs, nr, go, gw, gv, acc, threads);
  return undefined(env);
}

napi_value LogSumExpRows(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float* x = a.f(0);
  const int rows = a.integer(1), cols = a.integer(2);
  float* out = a.f(3);
  RowMaskCall m{a.i32(4), a.i32(5), a.flag(6)};
  const int threads = a.integer(7);
  if (a.ok) logSumExpRows(x, rows, cols, out, m, threads);
  return undefined(env);
}

napi_value LogSumExpRowsBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float* x = a.f(0);
  const int rows = a.integer(1), cols = a.integer(2);
  float *lse = a.f(3), *go = a.f(4), *gx = a.f(5);
  RowMaskCall m{a.i32(6), a.i32(7), a.flag(8)};
  const bool acc = a.flag(9);
  const int threads = a.integer(10);
  if (a.ok) logSumExpRowsBackward(x, rows, cols, lse, go, gx, m, acc, threads);
  return undefined(env);
}

napi_value SoftmaxRows(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float* x = a.f(0);
  const int rows = a.integer(1), cols = a.integer(2);
  float* y = a.f(3);
  const int threads = a.integer(4);
  if (a.ok) softmaxRows(x, rows, cols, y, threads);
  return undefined(env);
}

napi_value SoftmaxRowsBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *y = a.f(0), *gy = a.f(1);
  const int rows = a.integer(2), cols = a.integer(3);
  float* gx = a.f(4);
  const int threads = a.integer(5);
  if (a.ok) softmaxRowsBackward(y, gy, rows, cols, gx, threads);
  return undefined(env);
}

napi_value SlowFast(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *fast = a.f(0), *slow = a.f(1);
  const int n1 = a.integer(2), n2 = a.integer(3), d = a.integer(4);
  int32_t *fl = a.i32(5), *sl = a.i32(6);
  const double tau = a.num(7), scale = a.num(8);
  float* grad = a.f(9);
  const int threads = a.integer(10);
  double loss = 0;
  if (a.ok) loss = slowFast(fast, slow, n1, n2, d, fl, sl, tau, scale, grad, threads);
  napi_value r;
  napi_create_double(env, loss, &r);
  return r;
}

napi_value VanillaContrastive(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float* emb = a.f(0);
  int32_t* labels = a.i32(1);
  const int n = a.integer(2), d = a.integer(3);
  const double gp = a.num(4), gn = a.num(5);
  float* grad = a.f(6);
  const int threads = a.integer(7);
  double loss = 0;
  if (a.ok) loss = vanillaContrastive(emb, labels, n, d, gp, gn, grad, threads);
  napi_value r;
  napi_create_double(env, loss, &r);
  return r;
}

napi_value TvPlane(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *d = a.f(0), *g = a.f(1);
  const int rows = a.integer(2), cols = a.integer(3), comps = a.integer(4);
  const double w = a.num(5);
  const int threads = a.integer(6);
  double loss = 0;
  if (a.ok) loss = tvPlane(d, g, rows, cols, comps, w, threads);
  napi_value r;
  napi_create_double(env, loss, &r);
  return r;
}

napi_value ShColor(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *coefs = a.f(0), *dirs = a.f(1);
  const int n = a.integer(2);
  float* rgb = a.f(3);
  const int threads = a.integer(4);
  if (a.ok) shColor(coefs, dirs, n, rgb, threads);
  return undefined(env);
}

napi_value ShColorBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *dirs = a.f(0), *rgb = a.f(1), *grad = a.f(2);
  const int n = a.integer(3);
  float* gc = a.f(4);
  const int threads = a.integer(5);
  if (a.ok) shColorBackward(dirs, rgb, grad, n, gc, threads);
  return undefined(env);
}

napi_value FrequencyEncode(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float* x = a.f(0);
  const int n = a.integer(1), dim = a.integer(2), freqs = a.integer(3);
  float* out = a.f(4);
  const int threads = a.integer(5);
  if (a.ok) frequencyEncode(x, n, dim, freqs, out, threads);
  return undefined(env);
}

napi_value Softplus(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float* x = a.f(0);
  const int n = a.integer(1);
  const double shift = a.num(2);
  float *pre = a.f(3), *out = a.f(4);
  const int threads = a.integer(5);
  if (a.ok) softplus(x, n, shift, pre, out, threads);
  return undefined(env);
}

napi_value SoftplusBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *pre = a.f(0), *grad = a.f(1);
  const int n = a.integer(2);
  float* gradX = a.f(3);
  const int threads = a.integer(4);
  if (a.ok) softplusBackward(pre, grad, n, gradX, threads);
  return undefined(env);
}

napi_value MarchRays(napi_env env, napi_callback_info info) {
  Args a(env, info);
  MarchCall c{};
  c.origins = a.f(0);
  c.dirs = a.f(1);
  c.numRays = a.integer(2);
  for (int k = 0; k < 3; k++) c.boxMin[k] = a.num(3 + k);
  for (int k = 0; k < 3; k++) c.boxMax[k] = a.num(6 + k);
  c.step = a.num(9);
  c.jitter = a.f(10);
  c.occBits = static_cast<const uint8_t*>(a.ptr(11));
  c.occRes = a.integer(12);
  for (int k = 0; k < 3; k++) c.occMin[k] = a.num(13 + k);
  for (int k = 0; k < 3; k++) c.occMax[k] = a.num(16 + k);
  int32_t* rayStart = a.i32(19);
  float *xyz = a.f(20), *t = a.f(21);
  const int threads = a.integer(22);
  if (a.ok) marchRays(c, rayStart, xyz, t, threads);
  return undefined(env);
}

napi_value CoreDistancesSq(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const float* x = a.f(0);
  const int n = a.integer(1), d = a.integer(2), k = a.integer(3);
  double* out = static_cast<double*>(a.ptr(4));
  const int threads = a.integer(5);
  if (a.ok) coreDistancesSq(x, n, d, k, out, threads);
  return undefined(env);
}

napi_value MutualReachabilityMst(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const float* x = a.f(0);
  const int n = a.integer(1), d = a.integer(2);
  const double* core = static_cast<const double*>(a.ptr(3));
  int32_t *lo = a.i32(4), *hi = a.i32(5);
  double* w = static_cast<double*>(a.ptr(6));
  const int threads = a.integer(7);
  if (a.ok) mutualReachabilityMst(x, n, d, core, lo, hi, w, threads);
  return undefined(env);
}

napi_value Simd(napi_env env, napi_callback_info) {
#if defined(__AVX512F__)
  const char* s = "avx512";
#elif defined(__AVX2__)
  const char* s = "avx2";
#elif defined(__ARM_NEON)
  const char* s = "neon";
#else
  const char* s = "generic";
#endif
  napi_value r;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
  return r;
}

}  // namespace

NAPI_MODULE_INIT() {
  const struct {
    const char* name;
    napi_callback fn;
  } fns[] = {{"gemm", Gemm},
             {"colSum", ColSum},
             {"relu", Relu},
             {"reluBackward", ReluBackward},
             {"adam", Adam},
             {"ema", Ema},
             {"vmGather", VmGather},
             {"vmScatter", VmScatter},
             {"gridGather", GridGather},
             {"gridScatter", GridScatter},
             {"renderWeights", RenderWeights},
             {"renderWeightsBackward", RenderWeightsBackward},
             {"compositeValues", CompositeValues},
             {"compositeValuesBackward", CompositeValuesBackward},
             {"logSumExpRows", LogSumExpRows},
             {"logSumExpRowsBackward", LogSumExpRowsBackward},
             {"softmaxRows", SoftmaxRows},
             {"softmaxRowsBackward", SoftmaxRowsBackward},
             {"slowFast", SlowFast},
             {"vanillaContrastive", VanillaContrastive},
             {"tvPlane", TvPlane},
             {"shColor", ShColor},
             {"shColorBackward", ShColorBackward},
             {"frequencyEncode", FrequencyEncode},
             {"softplus", Softplus},
             {"softplusBackward", SoftplusBackward},
             {"marchRays", MarchRays},
             {"coreDistancesSq", CoreDistancesSq},
             {"mutualReachabilityMst", MutualReachabilityMst},
             {"simd", Simd}};
  for (const auto& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
  return exports;
}
