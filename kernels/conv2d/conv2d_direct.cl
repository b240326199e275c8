/* Direct fp32 convolution: NCHW input X, KCRS filters F, NKPQ output Y, any batch, channels,
 * image and filter size, stride, padding and dilation (all kernel arguments):
 *   Y[n][k][p][q] = sum_{c,r,s} F[k][c][r][s] * X[n][c][p*stride - pad + r*dil][q*stride - pad + s*dil]
 * (zero outside the image).
 *
 * A block computes TK output channels x a TP x TQ tile of output pixels of one image with
 * (TK / WK) x TP x (TQ / WQ) threads; each thread accumulates WK channels x WQ columns of one output
 * row in registers (channels TK / WK apart, columns TQ / WQ apart). The reduction walks input
 * channels CB at a time and, within them, the filter taps (r, s). For each tap, the input values
 * the tile reads (SI) and the filter values of the block's channels (SF) are staged in shared
 * memory, or read from global memory directly. Staging is per tap because the whole halo of a
 * tile depends on the filter size, stride and dilation, which are arguments here: one compiled
 * variant serves every shape, so shared arrays cannot be sized by them.
 */
#include "ktune_dialect.h"

#ifndef TK
#define TK 16 /* output channels per block */
#endif
#ifndef TP
#define TP 2 /* output rows per block */
#endif
#ifndef TQ
#define TQ 16 /* output columns per block */
#endif
#ifndef WK
#define WK 4 /* output channels per thread; divides TK */
#endif
#ifndef WQ
#define WQ 2 /* output columns per thread; divides TQ */
#endif
#ifndef CB
#define CB 4 /* input channels per reduction step */
#endif
#ifndef SI
#define SI 1 /* 1: stage each tap's input tile in shared memory */
#endif
#ifndef SF
#define SF 1 /* 1: stage each tap's filter values in shared memory */
#endif

#define RK (TK / WK) /* threads along output channels */
#define RQ (TQ / WQ) /* threads along output columns */
#define NT (RK * TP * RQ)
#define XS_ELEMS (CB * TP * TQ) /* staged input: [CB][TP][TQ] */
#define FS_ELEMS (CB * TK)      /* staged filter values: [CB][TK] */
#define XS_LOADS ((XS_ELEMS + NT - 1) / NT)
#define FS_LOADS ((FS_ELEMS + NT - 1) / NT)

/* COUNT input channels from c0 for tap (r, s): acc += F * X. */
#define DIRECT_STEP(COUNT)                                                                  \
  for (int cc = 0; cc < (COUNT); ++cc) {                                                    \
    const int c = c0 + cc;                                                                  \
    float x[WQ];                                                                            \
    float f[WK];                                                                            \
    KT_UNROLL_FULL                                                                          \
    for (int j = 0; j < WQ; ++j)                                                            \
      x[j] = SI ? X_SHARED(cc, j) : (x_off[j] >= 0 ? Xn[(KT_INDEX)c * HW + x_off[j]] : 0.0f); \
    KT_UNROLL_FULL                                                                          \
    for (int i = 0; i < WK; ++i)                                                            \
      f[i] = SF ? F_SHARED(cc, i) : F[((KT_INDEX)k_clamped[i] * C + c) * RS + tap];        \
    KT_UNROLL_FULL                                                                          \
    for (int i = 0; i < WK; ++i)                                                            \
      KT_UNROLL_FULL                                                                        \
      for (int j = 0; j < WQ; ++j) acc[i][j] = KT_FMA(f[i], x[j], acc[i][j]);               \
  }

KT_KERNEL void conv2d(const int N, const int C, const int H, const int W, const int K,
                      const int R, const int S, const int P, const int Q, const int stride,
                      const int pad, const int dil, const KT_GLOBAL float* KT_RESTRICT X,
                      const KT_GLOBAL float* KT_RESTRICT F, KT_GLOBAL float* KT_RESTRICT Y) {
#if SI
  KT_SHARED float Xs[XS_ELEMS];
#define X_SHARED(cc, j) Xs[(cc) * (TP * TQ) + tp * TQ + tq + (j) * RQ]
#else
#define X_SHARED(cc, j) 0.0f
#endif
#if SF
  KT_SHARED float Fs[FS_ELEMS];
#define F_SHARED(cc, i) Fs[(cc) * TK + tk + (i) * RK]
#else
#define F_SHARED(cc, i) 0.0f
#endif

  const int tid = KT_THREAD_ID_X;
  const int tq = tid % RQ;
  const int tp = (tid / RQ) % TP;
  const int tk = tid / (RQ * TP);

  /* Block -> (image, channel block, tile row, tile column), the column fastest. */
  const int tiles_q = (Q + TQ - 1) / TQ;
  const int tiles_p = (P + TP - 1) / TP;
  const int blocks_k = (K + TK - 1) / TK;
  int b = KT_BLOCK_ID_X;
  const int q0 = (b % tiles_q) * TQ;
  b /= tiles_q;
  const int p0 = (b % tiles_p) * TP;
  b /= tiles_p;
  const int k0 = (b % blocks_k) * TK;
  const int n = b / blocks_k;

  const int RS = R * S;
  const int HW = H * W;
  const KT_GLOBAL float* Xn = X + (KT_INDEX)n * C * HW;
  const int p = p0 + tp;
  const int ih0 = p * stride - pad;
  int iw0[WQ];
  KT_UNROLL_FULL
  for (int j = 0; j < WQ; ++j) iw0[j] = (q0 + tq + j * RQ) * stride - pad;
  int k_clamped[WK]; /* this thread's channels, clamped into the filter (not stored past K) */
  KT_UNROLL_FULL
  for (int i = 0; i < WK; ++i) k_clamped[i] = KT_MIN(k0 + tk + i * RK, K - 1);
  (void)iw0;
  (void)k_clamped;

  float acc[WK][WQ];
  KT_UNROLL_FULL
  for (int i = 0; i < WK; ++i)
    KT_UNROLL_FULL
    for (int j = 0; j < WQ; ++j) acc[i][j] = 0.0f;

  for (int c0 = 0; c0 < C; c0 += CB) {
    for (int r = 0; r < R; ++r) {
      const int ih = ih0 + r * dil;
      const int row_in = ih >= 0 && ih < H;
      (void)row_in;
      for (int s = 0; s < S; ++s) {
        const int tap = r * S + s;
        (void)tap;
        /* Offsets of this thread's inputs in a channel plane; -1 where the tap reads padding. */
        int x_off[WQ];
        KT_UNROLL_FULL
        for (int j = 0; j < WQ; ++j) {
          const int iw = iw0[j] + s * dil;
          x_off[j] = (row_in && iw >= 0 && iw < W) ? ih * W + iw : -1;
        }
        (void)x_off;
#if SI
        for (int l = 0; l < XS_LOADS; ++l) {
          const int e = tid + l * NT;
          if (XS_ELEMS % NT == 0 || e < XS_ELEMS) {
            const int c = c0 + e / (TP * TQ);
            const int y = (p0 + (e / TQ) % TP) * stride - pad + r * dil;
            const int x = (q0 + e % TQ) * stride - pad + s * dil;
            Xs[e] = (c < C && y >= 0 && y < H && x >= 0 && x < W)
                        ? Xn[(KT_INDEX)c * HW + y * W + x]
                        : 0.0f;
          }
        }
#endif
#if SF
        for (int l = 0; l < FS_LOADS; ++l) {
          const int e = tid + l * NT;
          if (FS_ELEMS % NT == 0 || e < FS_ELEMS) {
            const int kk = e / CB;
            const int c = c0 + e % CB;
            const int kg = KT_MIN(k0 + kk, K - 1);
            Fs[(e % CB) * TK + kk] = c < C ? F[((KT_INDEX)kg * C + c) * RS + tap] : 0.0f;
          }
        }
#endif
#if SI || SF
        KT_BARRIER();
#endif
        if (c0 + CB <= C) {
          KT_UNROLL_FULL
          DIRECT_STEP(CB)
        } else {
          DIRECT_STEP(C - c0)
        }
#if SI || SF
        KT_BARRIER();
#endif
      }
    }
  }

  KT_UNROLL_FULL
  for (int j = 0; j < WQ; ++j) {
    const int q = q0 + tq + j * RQ;
    if (p < P && q < Q) {
      KT_UNROLL_FULL
      for (int i = 0; i < WK; ++i) {
        const int k = k0 + tk + i * RK;
        if (k < K) Y[(((KT_INDEX)n * K + k) * P + p) * Q + q] = acc[i][j];
      }
    }
  }
}
