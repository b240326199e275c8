/* Implicit-GEMM fp32 convolution: NCHW input X, KCRS filters F, NKPQ output Y, any batch,
 * channels, image and filter size, stride, padding and dilation (all kernel arguments).
 *
 * The convolution as a matrix product, without building the im2col matrix in memory:
 *   Y[k][(n,p,q)] = sum over (c,r,s) of F[k][(c,r,s)] * X[n][c][p*stride - pad + r*dil][q*stride - pad + s*dil]
 * F is a K x CRS row-major matrix as it lies in memory; the CRS x NPQ matrix of inputs is gathered
 * tile by tile into shared memory (zeros where a tap reads padding). A block computes GM output
 * channels x GN output pixels (n, p, q flattened, so small images and big batches fill blocks
 * alike) with (GM / GTM) x (GN / GTN) threads, each accumulating GTM x GTN outputs in registers.
 * The reduction advances GK (c, r, s) values at a time.
 */
#include "ktune_dialect.h"

#ifndef GM
#define GM 64 /* output channels per block (GEMM rows) */
#endif
#ifndef GN
#define GN 64 /* output pixels per block (GEMM columns) */
#endif
#ifndef GK
#define GK 8 /* reduction depth (c, r, s values) per step */
#endif
#ifndef GTM
#define GTM 4 /* output channels per thread; divides GM */
#endif
#ifndef GTN
#define GTN 4 /* output pixels per thread; divides GN */
#endif

#define RM (GM / GTM) /* threads along channels */
#define RN (GN / GTN) /* threads along pixels */
#define NT (RM * RN)
#define LDA_S (GM + 1) /* filter tile, transposed: [GK][GM + 1] (padded against bank conflicts) */
#define LDB_S (GN + 1) /* input tile: [GK][GN + 1] */
#define A_ELEMS (GM * GK)
#define A_LOADS ((A_ELEMS + NT - 1) / NT)
/* The input tile is gathered by an LR x LC grid of the threads: LC along pixels, so each thread
 * decomposes its B_COLS pixels once, and LR along the reduction. */
#define LC (NT < GN ? NT : GN)
#define LR (NT / LC)
#define B_COLS (GN / LC)
#define B_ROWS ((GK + LR - 1) / LR)

KT_KERNEL void conv2d(const int N, const int C, const int H, const int W, const int K,
                      const int R, const int S, const int P, const int Q, const int stride,
                      const int pad, const int dil, const KT_GLOBAL float* KT_RESTRICT X,
                      const KT_GLOBAL float* KT_RESTRICT F, KT_GLOBAL float* KT_RESTRICT Y) {
  KT_SHARED float As[GK * LDA_S];
  KT_SHARED float Bs[GK * LDB_S];

  const int tid = KT_THREAD_ID_X;
  const int tx = tid % RN;
  const int ty = tid / RN;
  const int PQ = P * Q;
  const int NPQ = N * PQ;
  const int RS = R * S;
  const int CRS = C * RS;
  const int HW = H * W;
  /* Block -> (channel block, pixel block), channel blocks fastest: blocks that gather the same
   * input tile run together. */
  const int blocks_m = (K + GM - 1) / GM;
  const int bk = (KT_BLOCK_ID_X % blocks_m) * GM;
  const int bp = (KT_BLOCK_ID_X / blocks_m) * GN;

  /* The pixels this thread gathers inputs for. A pixel past the end gets a row origin so far
   * above the image that every tap reads padding. */
  const int lc = tid % LC;
  const int lr = tid / LC;
  KT_INDEX x_image[B_COLS];
  int y_origin[B_COLS];
  int x_origin[B_COLS];
  KT_UNROLL_FULL
  for (int j = 0; j < B_COLS; ++j) {
    const int pix = bp + lc + j * LC;
    const int n = pix / PQ;
    const int pq = pix - n * PQ;
    const int p = pq / Q;
    x_image[j] = (KT_INDEX)KT_MIN(n, N - 1) * C * HW;
    y_origin[j] = pix < NPQ ? p * stride - pad : -(1 << 30);
    x_origin[j] = (pq - p * Q) * stride - pad;
  }

  float acc[GTM][GTN];
  KT_UNROLL_FULL
  for (int i = 0; i < GTM; ++i)
    KT_UNROLL_FULL
    for (int j = 0; j < GTN; ++j) acc[i][j] = 0.0f;

  for (int red0 = 0; red0 < CRS; red0 += GK) {
    KT_UNROLL_FULL
    for (int l = 0; l < A_LOADS; ++l) {
      const int e = tid + l * NT;
      if (A_ELEMS % NT == 0 || e < A_ELEMS) {
        const int m = e / GK;
        const int red = red0 + e % GK;
        As[(e % GK) * LDA_S + m] =
            (bk + m < K && red < CRS) ? F[(KT_INDEX)(bk + m) * CRS + red] : 0.0f;
      }
    }
    KT_UNROLL_FULL
    for (int i = 0; i < B_ROWS; ++i) {
      const int rr = lr + i * LR;
      if (GK % LR == 0 || rr < GK) {
        const int red = red0 + rr;
        const int c = red / RS;
        const int rs = red - c * RS;
        const int r = rs / S;
        const int dy = r * dil;
        const int dx = (rs - r * S) * dil;
        const KT_INDEX plane = (KT_INDEX)c * HW;
        KT_UNROLL_FULL
        for (int j = 0; j < B_COLS; ++j) {
          const int y = y_origin[j] + dy;
          const int x = x_origin[j] + dx;
          Bs[rr * LDB_S + lc + j * LC] = (red < CRS && y >= 0 && y < H && x >= 0 && x < W)
                                             ? X[x_image[j] + plane + y * W + x]
                                             : 0.0f;
        }
      }
    }
    KT_BARRIER();

    KT_UNROLL_FULL
    for (int kk = 0; kk < GK; ++kk) {
      float a[GTM];
      float b[GTN];
      KT_UNROLL_FULL
      for (int i = 0; i < GTM; ++i) a[i] = As[kk * LDA_S + ty + i * RM];
      KT_UNROLL_FULL
      for (int j = 0; j < GTN; ++j) b[j] = Bs[kk * LDB_S + tx + j * RN];
      KT_UNROLL_FULL
      for (int i = 0; i < GTM; ++i)
        KT_UNROLL_FULL
        for (int j = 0; j < GTN; ++j) acc[i][j] = KT_FMA(a[i], b[j], acc[i][j]);
    }
    KT_BARRIER();
  }

  KT_UNROLL_FULL
  for (int j = 0; j < GTN; ++j) {
    const int pix = bp + tx + j * RN;
    if (pix < NPQ) {
      const int n = pix / PQ;
      const int pq = pix - n * PQ;
      KT_UNROLL_FULL
      for (int i = 0; i < GTM; ++i) {
        const int k = bk + ty + i * RM;
        if (k < K) Y[((KT_INDEX)n * K + k) * PQ + pq] = acc[i][j];
      }
    }
  }
}
