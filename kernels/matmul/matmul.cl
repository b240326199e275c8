/* Tunable fp32 matmul: C = alpha * A * B + beta * C, row-major, any M, N, K >= 1.
 *
 * A block computes a BM x BN tile of C with (BM / TM) x (BN / TN) threads (a flat block, see
 * ktune_dialect.h); each thread accumulates TM x TN values of C in registers, spaced BM / TM rows
 * and BN / TN columns apart, so neighbouring threads touch neighbouring columns. K advances BK at a
 * time. A and B reach the threads either through shared memory (SA, SB: tiles loaded cooperatively
 * with VW-wide vector loads, optionally double-buffered) or straight from global memory.
 *
 * Edges: the sizes are arguments. Staged tiles are zero-filled past M, N and K; direct reads clamp
 * rows and columns into the matrix (those results are never stored) and zero the K tail. Vector
 * loads are used only where the whole vector is in range and aligned (K or N a multiple of VW),
 * else the same elements are loaded one by one. beta == 0 never reads C (BLAS semantics).
 */
#include "ktune_dialect.h"

#ifndef BM
#define BM 64 /* rows of C per block */
#endif
#ifndef BN
#define BN 64 /* columns of C per block */
#endif
#ifndef BK
#define BK 8 /* depth of one K step (the shared tiles are BK deep) */
#endif
#ifndef TM
#define TM 4 /* rows of C per thread (register blocking); divides BM */
#endif
#ifndef TN
#define TN 4 /* columns of C per thread (register blocking); divides BN */
#endif
#ifndef VW
#define VW 4 /* width of the global loads that fill shared tiles: 1, 2 or 4; divides BK and BN */
#endif
#ifndef SA
#define SA 1 /* 1: stage tiles of A through shared memory; 0: read A from global memory */
#endif
#ifndef SB
#define SB 1 /* 1: stage tiles of B through shared memory; 0: read B from global memory */
#endif
#ifndef PAD
#define PAD 1 /* extra floats per row of the shared A tile, against bank conflicts */
#endif
#ifndef DB
#define DB 0 /* 1: double-buffer the shared tiles (load the next while computing this one) */
#endif
#ifndef UNROLL
#define UNROLL 4 /* unroll factor of the loop over one K step; divides BK */
#endif
#ifndef MINB
#define MINB 0 /* CUDA only: __launch_bounds__ minimum blocks per SM (0: no launch bounds) */
#endif

#define RM (BM / TM) /* threads along M */
#define RN (BN / TN) /* threads along N */
#define NT (RM * RN) /* threads per block */
/* A is kept transposed in shared memory, [BK][BM + PAD]: its stores are strided, so padding
 * spreads them over the banks. B is kept as it is, [BK][BN], stored and read along rows. */
#define LDA_S (BM + PAD)
#define LDB_S BN
#define NBUF (DB + 1)
#define A_VECS (BM * BK / VW) /* vector loads per A tile */
#define B_VECS (BK * BN / VW)
#define A_LOADS ((A_VECS + NT - 1) / NT) /* ... per thread */
#define B_LOADS ((B_VECS + NT - 1) / NT)

#if MINB > 0
#define MATMUL_BOUNDS KT_LAUNCH_BOUNDS(NT, MINB)
#else
#define MATMUL_BOUNDS
#endif

#if SA || SB
/* VW consecutive floats from p[off], of which `valid` (possibly <= 0) are in range; zeros past
 * them. `aligned`: p + off is a multiple of the vector size. */
KT_DEVICE_FN void load_vec(const KT_GLOBAL float* KT_RESTRICT p, KT_INDEX off, int valid,
                           int aligned, float* dst) {
#if VW == 4
  if (aligned && valid >= 4) {
    const float4 v = KT_LOAD4(p, off);
    dst[0] = v.x;
    dst[1] = v.y;
    dst[2] = v.z;
    dst[3] = v.w;
    return;
  }
#elif VW == 2
  if (aligned && valid >= 2) {
    const float2 v = KT_LOAD2(p, off);
    dst[0] = v.x;
    dst[1] = v.y;
    return;
  }
#endif
  for (int e = 0; e < VW; ++e) dst[e] = e < valid ? p[off + e] : 0.0f;
}
#endif

/* One K step over the tile at k0: acc += A[rows, k0:k0+BK] * B[k0:k0+BK, cols]. GUARD: the step
 * runs past K, so direct reads beyond K must read zero (staged tiles are already zero-filled). */
#define MATMUL_STEP(GUARD)                                                        \
  KT_UNROLL(UNROLL)                                                               \
  for (int kk = 0; kk < BK; ++kk) {                                               \
    float a[TM];                                                                  \
    float b[TN];                                                                  \
    const int k = k0 + kk;                                                        \
    for (int i = 0; i < TM; ++i)                                                  \
      a[i] = SA ? A_SHARED(kk, ty + i * RM)                                       \
                : ((GUARD) && k >= K ? 0.0f : A[a_row[i] + k]);                   \
    for (int j = 0; j < TN; ++j)                                                  \
      b[j] = SB ? B_SHARED(kk, tx + j * RN)                                       \
                : ((GUARD) && k >= K ? 0.0f : B[(KT_INDEX)k * N + b_col[j]]);     \
    for (int i = 0; i < TM; ++i)                                                  \
      for (int j = 0; j < TN; ++j) acc[i][j] = KT_FMA(a[i], b[j], acc[i][j]);     \
  }

KT_KERNEL void MATMUL_BOUNDS matmul(const int M, const int N, const int K, const float alpha,
                                    const float beta, const KT_GLOBAL float* KT_RESTRICT A,
                                    const KT_GLOBAL float* KT_RESTRICT B,
                                    KT_GLOBAL float* KT_RESTRICT C) {
#if SA
  KT_SHARED float As[NBUF * BK * LDA_S];
#define A_SHARED(kk, m) As[buf * (BK * LDA_S) + (kk) * LDA_S + (m)]
#else
#define A_SHARED(kk, m) 0.0f
#endif
#if SB
  KT_SHARED float Bs[NBUF * BK * LDB_S];
#define B_SHARED(kk, n) Bs[buf * (BK * LDB_S) + (kk) * LDB_S + (n)]
#else
#define B_SHARED(kk, n) 0.0f
#endif

  const int tid = KT_THREAD_ID_X;
  const int tx = tid % RN;
  const int ty = tid / RN;
  const int n_blocks = (N + BN - 1) / BN;
  const int bm = (KT_BLOCK_ID_X / n_blocks) * BM;
  const int bn = (KT_BLOCK_ID_X % n_blocks) * BN;

  float acc[TM][TN];
  for (int i = 0; i < TM; ++i)
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;

  /* Direct reads: row offsets of A and columns of B, clamped into the matrix. */
  KT_INDEX a_row[TM];
  int b_col[TN];
  for (int i = 0; i < TM; ++i) a_row[i] = (KT_INDEX)KT_MIN(bm + ty + i * RM, M - 1) * K;
  for (int j = 0; j < TN; ++j) b_col[j] = KT_MIN(bn + tx + j * RN, N - 1);
  (void)a_row;
  (void)b_col;

#if SA || SB
  /* This thread's share of the next tiles, on their way from global to shared memory. */
#if SA
  float a_next[A_LOADS * VW];
  const int a_aligned = K % VW == 0;
#endif
#if SB
  float b_next[B_LOADS * VW];
  const int b_aligned = N % VW == 0;
#endif
#define LOAD_TILES(k_base)                                                                 \
  {                                                                                        \
    LOAD_A(k_base)                                                                         \
    LOAD_B(k_base)                                                                         \
  }
#if SA
#define LOAD_A(k_base)                                                                     \
  for (int l = 0; l < A_LOADS; ++l) {                                                      \
    const int v = tid + l * NT;                                                            \
    if (A_VECS % NT == 0 || v < A_VECS) {                                                  \
      const int row = bm + v / (BK / VW);                                                  \
      const int col = (k_base) + (v % (BK / VW)) * VW;                                     \
      load_vec(A, (KT_INDEX)row * K + col, row < M ? K - col : 0, a_aligned, a_next + l * VW); \
    }                                                                                      \
  }
#define STORE_A(b)                                                                         \
  for (int l = 0; l < A_LOADS; ++l) {                                                      \
    const int v = tid + l * NT;                                                            \
    if (A_VECS % NT == 0 || v < A_VECS)                                                    \
      for (int e = 0; e < VW; ++e)                                                         \
        As[(b) * (BK * LDA_S) + ((v % (BK / VW)) * VW + e) * LDA_S + v / (BK / VW)] =      \
            a_next[l * VW + e];                                                            \
  }
#else
#define LOAD_A(k_base)
#define STORE_A(b)
#endif
#if SB
#define LOAD_B(k_base)                                                                     \
  for (int l = 0; l < B_LOADS; ++l) {                                                      \
    const int v = tid + l * NT;                                                            \
    if (B_VECS % NT == 0 || v < B_VECS) {                                                  \
      const int row = (k_base) + v / (BN / VW);                                            \
      const int col = bn + (v % (BN / VW)) * VW;                                           \
      load_vec(B, (KT_INDEX)row * N + col, row < K ? N - col : 0, b_aligned, b_next + l * VW); \
    }                                                                                      \
  }
#define STORE_B(b)                                                                         \
  for (int l = 0; l < B_LOADS; ++l) {                                                      \
    const int v = tid + l * NT;                                                            \
    if (B_VECS % NT == 0 || v < B_VECS)                                                    \
      for (int e = 0; e < VW; ++e)                                                         \
        Bs[(b) * (BK * LDB_S) + (v / (BN / VW)) * LDB_S + (v % (BN / VW)) * VW + e] =      \
            b_next[l * VW + e];                                                            \
  }
#else
#define LOAD_B(k_base)
#define STORE_B(b)
#endif
#endif /* SA || SB */

  const int k_steps = (K + BK - 1) / BK;
#if DB
  LOAD_TILES(0)
  STORE_A(0)
  STORE_B(0)
  KT_BARRIER();
  for (int t = 0; t < k_steps; ++t) {
    const int k0 = t * BK;
    const int buf = t & 1;
    if (t + 1 < k_steps) LOAD_TILES(k0 + BK)
    if (k0 + BK <= K) {
      MATMUL_STEP(0)
    } else {
      MATMUL_STEP(1)
    }
    if (t + 1 < k_steps) {
      STORE_A(buf ^ 1)
      STORE_B(buf ^ 1)
    }
    KT_BARRIER();
  }
#else
  const int buf = 0;
  (void)buf;
  for (int t = 0; t < k_steps; ++t) {
    const int k0 = t * BK;
#if SA || SB
    LOAD_TILES(k0)
    STORE_A(0)
    STORE_B(0)
    KT_BARRIER();
#endif
    if (k0 + BK <= K) {
      MATMUL_STEP(0)
    } else {
      MATMUL_STEP(1)
    }
#if SA || SB
    KT_BARRIER();
#endif
  }
#endif

  for (int i = 0; i < TM; ++i) {
    const int row = bm + ty + i * RM;
    if (row >= M) break;
    for (int j = 0; j < TN; ++j) {
      const int col = bn + tx + j * RN;
      if (col < N) {
        const KT_INDEX idx = (KT_INDEX)row * N + col;
        C[idx] = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * C[idx];
      }
    }
  }
}
