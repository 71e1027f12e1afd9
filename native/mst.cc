// HDBSCAN's exact all-pairs kernels: core distances (k-th nearest point) and Prim's minimum spanning tree of the
// mutual-reachability graph. Points are float32; distances are computed in double with the same operations in the
// same order as the TypeScript reference (src/kernels/reference/mutual-reachability.ts), so the results are
// bit-identical to it: floating-point contraction is off in this file, and vectorisation runs across points, not
// across the sum over dimensions.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <limits>
#include <vector>

#include "kernels.h"

namespace {

typedef double v8d __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v8fu __attribute__((vector_size(32), aligned(4)));
typedef int64_t v8l __attribute__((vector_size(64)));
typedef double v8du __attribute__((vector_size(64), aligned(8)));
typedef int64_t v8lu __attribute__((vector_size(64), aligned(8)));
constexpr int LANES = 8;
typedef int32_t v8i __attribute__((vector_size(32)));
/** Tiles whose distances are summed together: independent sums hide the latency of each one's additions. */
constexpr int GROUP = 4;
constexpr double INF = std::numeric_limits<double>::infinity();

/**
 * The float distance above which a pair cannot beat `best`: best / shrink, rounded up to a float, and never below
 * 1e-30 (rounding among subnormals is not relative). Infinite when the filter is off.
 */
inline float floatCut(double best, double shrink, bool finite) {
  if (!finite || !(best < INF)) return std::numeric_limits<float>::infinity();
  const double t = best / shrink;
  float f = static_cast<float>(t);
  if (static_cast<double>(f) < t) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return std::max(f, 1e-30f);
}

/** The next tree edge: its weight and endpoints, and the slot and id of the vertex it brings into the tree. */
struct Candidate {
  double w = INF;
  int lo = -1, hi = -1, slot = -1, vertex = -1;
};

}  // namespace

void coreDistancesSq(const float* x, int n, int d, int k, double* out, int threads) {
  if (k <= 1) {
    for (int i = 0; i < n; i++) out[i] = 0;
    return;
  }
  const int tiles = (n + LANES - 1) / LANES;
  std::vector<float> tile(static_cast<size_t>(tiles) * d * LANES, 0.0f);
  for (int j = 0; j < n; j++)
    for (int t = 0; t < d; t++)
      tile[(static_cast<size_t>(j / LANES) * d + t) * LANES + j % LANES] = x[static_cast<size_t>(j) * d + t];
  const double shrink = 1.0 - (d + 2) * std::ldexp(1.0, -23);
  // Float sums of squares can overflow only for coordinates beyond ~1e18; then the filter is off.
  bool finite = true;
  for (size_t q = 0; q < static_cast<size_t>(n) * d; q++) finite = finite && std::fabs(x[q]) < 1e18f;
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> best(k), c(d);
    std::vector<v8f> c32(d);
#pragma omp for schedule(dynamic, 16)
    for (int i = 0; i < n; i++) {
      best[0] = 0;  // the point itself
      for (int m = 1; m < k; m++) best[m] = INF;
      for (int t = 0; t < d; t++) {
        const float v = x[static_cast<size_t>(i) * d + t];
        c32[t] = v8f{} + v;
        c[t] = static_cast<double>(v);
      }
      float cut = floatCut(best[k - 1], shrink, finite);
      for (int g0 = 0; g0 < tiles; g0 += GROUP) {
        const int nt = std::min(GROUP, tiles - g0);
        v8f acc[GROUP] = {};
        const float* tp = &tile[static_cast<size_t>(g0) * d * LANES];
        if (nt == GROUP) {
          for (int t = 0; t < d; t++)
            for (int g = 0; g < GROUP; g++) {
              const v8f diff = c32[t] - *reinterpret_cast<const v8fu*>(tp + (static_cast<size_t>(g) * d + t) * LANES);
              acc[g] += diff * diff;
            }
        } else {
          for (int t = 0; t < d; t++)
            for (int g = 0; g < nt; g++) {
              const v8f diff = c32[t] - *reinterpret_cast<const v8fu*>(tp + (static_cast<size_t>(g) * d + t) * LANES);
              acc[g] += diff * diff;
            }
        }
        for (int g = 0; g < nt; g++) {
          const v8i open = acc[g] <= cut;
          bool any = false;
          for (int l = 0; l < LANES; l++) any = any || open[l] != 0;
          if (!any) continue;
          const float* tg = tp + static_cast<size_t>(g) * d * LANES;
          for (int l = 0; l < LANES; l++) {
            const int j = (g0 + g) * LANES + l;
            if (j >= n || j == i || !(acc[g][l] <= cut)) continue;
            double v = 0;
            for (int t = 0; t < d; t++) {
              const double diff = c[t] - static_cast<double>(tg[t * LANES + l]);
              v += diff * diff;
            }
            if (v >= best[k - 1]) continue;
            int m = k - 1;
            while (m > 0 && best[m - 1] > v) {
              best[m] = best[m - 1];
              m--;
            }
            best[m] = v;
            cut = floatCut(best[k - 1], shrink, finite);
          }
        }
      }
      out[i] = best[k - 1];
    }
  }
}

namespace {



/**
 * The vertices outside the tree, compacted: tiles of 8 vertices holding each dimension's 8
 * values together, with the vertices' ids, core distances and best edge into the tree (weight and tree end).
 */
struct Rest {
  int d = 0, count = 0;
  std::vector<float> x;  // tile-major: tile, dimension, lane
  std::vector<double> core, bw;
  std::vector<int64_t> id, src;

  void init(const float* pts, int n, int dim, const double* coreSq) {
    d = dim;
    count = n - 1;
    const int tiles = (count + LANES - 1) / LANES;
    x.assign(static_cast<size_t>(tiles) * d * LANES, 0.0f);
    // Padding lanes have infinite core distances, so their best edge stays infinite and is never picked.
    core.assign(static_cast<size_t>(tiles) * LANES, INF);
    bw.assign(core.size(), INF);
    id.assign(core.size(), -1);
    src.assign(core.size(), -1);
    int slot = 0;
    for (int v = 1; v < n; v++, slot++) {
      for (int t = 0; t < d; t++) x[at(slot, t)] = pts[static_cast<size_t>(v) * d + t];
      core[slot] = coreSq[v];
      id[slot] = v;
    }
  }
  size_t at(int slot, int t) const {
    return (static_cast<size_t>(slot / LANES) * d + t) * LANES + slot % LANES;
  }
  /** Removes a slot by moving the last vertex into it. */
  void remove(int slot) {
    const int last = --count;
    for (int t = 0; t < d; t++) x[at(slot, t)] = x[at(last, t)];
    core[slot] = core[last];
    bw[slot] = bw[last];
    id[slot] = id[last];
    src[slot] = src[last];
    core[last] = INF;
    bw[last] = INF;
  }
};

/** The new tree vertex: its coordinates on all lanes, in float and double, its id and core distance. */
struct TreeVertex {
  std::vector<v8f> x32;
  std::vector<v8d> x64;
  int64_t id = 0;
  double core = 0;
};

/** Exact squared distances from the tree vertex to one tile's 8 vertices, summed in double in dimension order. */
inline v8d exactDistances(const TreeVertex& cur, const float* tile, int d) {
  v8d acc{};
  for (int t = 0; t < d; t++) {
    const v8d g = cur.x64[t] - __builtin_convertvector(*reinterpret_cast<const v8fu*>(tile + t * LANES), v8d);
    acc += g * g;
  }
  return acc;
}

/**
 * Relaxes the best edges of one share's vertices by the new tree vertex. Distances are first summed in float: a
 * lane whose float distance, shrunk by its rounding bound, already exceeds its best edge cannot improve (nor tie),
 * and only tiles with some other lane get the exact double-precision distances. Returns the lowest best edge.
 */
v8d relax(Rest& sh, const TreeVertex& cur, double shrink) {
  const int d = sh.d;
  const v8d curCore = v8d{} + cur.core;
  const v8l curId = v8l{} + cur.id;
  const int tiles = (sh.count + LANES - 1) / LANES;
  v8d lowest = v8d{} + INF;
  for (int g0 = 0; g0 < tiles; g0 += GROUP) {
    const int nt = std::min(GROUP, tiles - g0);
    v8f acc[GROUP] = {};
    const float* tile[GROUP];
    for (int g = 0; g < nt; g++) tile[g] = &sh.x[static_cast<size_t>(g0 + g) * d * LANES];
    if (nt == GROUP) {
      for (int t = 0; t < d; t++)
        for (int g = 0; g < GROUP; g++) {
          const v8f diff = cur.x32[t] - *reinterpret_cast<const v8fu*>(tile[g] + t * LANES);
          acc[g] += diff * diff;
        }
    } else {
      for (int t = 0; t < d; t++)
        for (int g = 0; g < nt; g++) {
          const v8f diff = cur.x32[t] - *reinterpret_cast<const v8fu*>(tile[g] + t * LANES);
          acc[g] += diff * diff;
        }
    }
    for (int g = 0; g < nt; g++) {
      const int s = (g0 + g) * LANES;
      v8d bw = *reinterpret_cast<const v8du*>(&sh.bw[s]);
      const v8d core = *reinterpret_cast<const v8du*>(&sh.core[s]);
      v8d lower = __builtin_convertvector(acc[g], v8d) * shrink;
      // Float overflow, and rounding among subnormals (not relative), bound nothing.
      lower = (lower < INF) & (lower > 1e-30) ? lower : v8d{};
      lower = curCore > lower ? curCore : lower;
      lower = core > lower ? core : lower;
      const v8l open = lower <= bw;
      bool any = false;
      for (int l = 0; l < LANES; l++) any = any || open[l] != 0;
      if (any) {
        v8d v = exactDistances(cur, tile[g], d);
        v = curCore > v ? curCore : v;
        v = core > v ? core : v;
        v8l src = *reinterpret_cast<const v8lu*>(&sh.src[s]);
        // On a tie the edge from the lower-numbered tree vertex ranks first (both edges end at this vertex).
        const v8l take = (v < bw) | ((v == bw) & (curId < src));
        bw = take ? v : bw;
        src = take ? curId : src;
        *reinterpret_cast<v8du*>(&sh.bw[s]) = bw;
        *reinterpret_cast<v8lu*>(&sh.src[s]) = src;
      }
      lowest = bw < lowest ? bw : lowest;
    }
  }
  return lowest;
}

/** The first-ranked edge among the share's vertices whose best edge weighs w. */
Candidate firstAt(const Rest& sh, double w) {
  Candidate best;
  const v8d wv = v8d{} + w;
  for (int s = 0; s < sh.count; s += LANES) {
    const v8l hit = *reinterpret_cast<const v8du*>(&sh.bw[s]) == wv;
    bool any = false;
    for (int l = 0; l < LANES; l++) any = any || hit[l] != 0;
    if (!any) continue;
    for (int l = 0; l < LANES && s + l < sh.count; l++) {
      if (!hit[l]) continue;
      const int other = static_cast<int>(sh.id[s + l]), from = static_cast<int>(sh.src[s + l]);
      const int lo = std::min(from, other), hi = std::max(from, other);
      if (best.slot < 0 || lo < best.lo || (lo == best.lo && hi < best.hi)) best = Candidate{w, lo, hi, s + l, other};
    }
  }
  return best;
}

}  // namespace

void mutualReachabilityMst(const float* x, int n, int d, const double* coreSq, int32_t* outLo, int32_t* outHi,
                           double* outW, int threads) {
  // Sequential: a split among threads ends every step at a barrier, and on a busy machine each barrier can wait a
  // whole time slice for the other thread (10⁵ points in 24-D: 11.5 s on 2 idle cores, 288 s under load 10).
  (void)threads;
  if (n < 2) return;
  Rest rest;
  rest.init(x, n, d, coreSq);
  TreeVertex cur;
  cur.x32.resize(d);
  cur.x64.resize(d);
  // Float sums of d squares lie within (d + 2)·2⁻²⁴ of the exact sum; shrinking by twice that is safe.
  const double shrink = 1.0 - (d + 2) * std::ldexp(1.0, -23);
  for (int e = 0; e < n - 1; e++) {
    for (int t = 0; t < d; t++) {
      const float c = x[static_cast<size_t>(cur.id) * d + t];
      cur.x32[t] = v8f{} + c;
      cur.x64[t] = v8d{} + static_cast<double>(c);
    }
    cur.core = coreSq[cur.id];
    const v8d lowest = relax(rest, cur, shrink);
    double w = lowest[0];
    for (int l = 1; l < LANES; l++) w = lowest[l] < w ? lowest[l] : w;
    const Candidate pick = firstAt(rest, w);
    outLo[e] = pick.lo;
    outHi[e] = pick.hi;
    outW[e] = pick.w;
    rest.remove(pick.slot);
    cur.id = pick.vertex;
  }
}
