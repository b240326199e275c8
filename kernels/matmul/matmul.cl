/* Tiled fp32 matmul: C = alpha * A * B + beta * C, row-major, any M, N, K >= 1.
 *
 * A block computes a TS x TS tile of C with (TS / WPT) x TS threads; each thread computes WPT
 * columns, spaced TS / WPT apart. Tiles of A and B pass through shared memory; out-of-range
 * elements load as zero, so no padding of the user's data is needed.
 */
#include "ktune_dialect.h"

#ifndef TS
#define TS 16 /* tile edge in M, N and K */
#endif
#ifndef WPT
#define WPT 1 /* columns of C per thread; divides TS */
#endif
#define RTS (TS / WPT) /* threads along N */

KT_KERNEL void matmul(const int M, const int N, const int K, const float alpha, const float beta,
                      const KT_GLOBAL float* KT_RESTRICT A, const KT_GLOBAL float* KT_RESTRICT B,
                      KT_GLOBAL float* KT_RESTRICT C) {
  KT_SHARED float As[TS][TS];
  KT_SHARED float Bs[TS][TS];
  const int tx = KT_THREAD_ID_X;
  const int ty = KT_THREAD_ID_Y;
  const int row = KT_BLOCK_ID_Y * TS + ty;
  const int col0 = KT_BLOCK_ID_X * TS;

  float acc[WPT];
  for (int w = 0; w < WPT; ++w) acc[w] = 0.0f;

  for (int t = 0; t < K; t += TS) {
    for (int w = 0; w < WPT; ++w) {
      const int c = tx + w * RTS;
      const int ak = t + c;
      As[ty][c] = (row < M && ak < K) ? A[(KT_INDEX)row * K + ak] : 0.0f;
      const int bk = t + ty;
      const int bc = col0 + c;
      Bs[ty][c] = (bk < K && bc < N) ? B[(KT_INDEX)bk * N + bc] : 0.0f;
    }
    KT_BARRIER();
    for (int k = 0; k < TS; ++k) {
      const float a = As[ty][k];
      for (int w = 0; w < WPT; ++w) acc[w] += a * Bs[k][tx + w * RTS];
    }
    KT_BARRIER();
  }

  for (int w = 0; w < WPT; ++w) {
    const int col = col0 + tx + w * RTS;
    if (row < M && col < N) {
      const KT_INDEX i = (KT_INDEX)row * N + col;
      /* beta == 0 must not read C: it may hold anything, NaN included (BLAS semantics). */
      C[i] = beta == 0.0f ? alpha * acc[w] : alpha * acc[w] + beta * C[i];
    }
  }
}
