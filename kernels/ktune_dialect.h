/* ktune_dialect.h: one kernel source, two dialects.
 *
 * Kernel files include this header and use only the KT_ macros below where CUDA C++ and
 * OpenCL C 1.2 differ, so the same file compiles with NVRTC (CUDA) and clBuildProgram (OpenCL).
 * Everything else in a kernel file is the common subset of C: scalar and fixed-size array code,
 * float2/float4 with .x .y .z .w, for loops, the KT_UNROLL pragma.
 *
 * Conventions the kernel files keep:
 *  - Every tunable is a macro with an #ifndef default, so a file compiles on its own; a variant is
 *    the file plus -D defines. Problem sizes are kernel arguments, never macros: one compiled
 *    variant runs every shape.
 *  - Blocks and grids are one-dimensional (block.x threads, grid.x blocks); kernels derive their
 *    2-D/3-D coordinates from the flat indices, so no per-dimension limit (CUDA grid.y <= 65535,
 *    block.z <= 64) can reject a shape.
 *  - Shared arrays have compile-time sizes (no dynamic shared memory) and are declared at kernel
 *    scope, as OpenCL requires.
 */
#ifndef KTUNE_DIALECT_H
#define KTUNE_DIALECT_H

#if defined(__OPENCL_VERSION__) || defined(__OPENCL_C_VERSION__)
/* ---------------------------------------------------------------- OpenCL C 1.2 */
#define KT_KERNEL __kernel
/* static: a C99 plain `inline` has no external definition, so a call the compiler chose not to
 * inline would not link. */
#define KT_DEVICE_FN static inline
#define KT_GLOBAL __global
#define KT_SHARED __local /* a work-group-shared array declared at kernel scope */
#define KT_RESTRICT restrict
#define KT_BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define KT_BLOCK_ID_X ((int)get_group_id(0))
#define KT_BLOCK_ID_Y ((int)get_group_id(1))
#define KT_BLOCK_ID_Z ((int)get_group_id(2))
#define KT_THREAD_ID_X ((int)get_local_id(0))
#define KT_THREAD_ID_Y ((int)get_local_id(1))
#define KT_THREAD_ID_Z ((int)get_local_id(2))
#define KT_BLOCK_DIM_X ((int)get_local_size(0))
#define KT_BLOCK_DIM_Y ((int)get_local_size(1))
#define KT_BLOCK_DIM_Z ((int)get_local_size(2))
#define KT_GRID_DIM_X ((int)get_num_groups(0))
#define KT_GRID_DIM_Y ((int)get_num_groups(1))
/* Launch bounds are a CUDA register-allocation hint; OpenCL has none. */
#define KT_LAUNCH_BOUNDS(max_threads, min_blocks)
#define KT_FLOAT2(a, b) ((float2)((a), (b)))
#define KT_FLOAT4(a, b, c, d) ((float4)((a), (b), (c), (d)))
/* Vector loads from an aligned element offset (offset counts floats, a multiple of the width). */
#define KT_LOAD2(ptr, offset) vload2(0, (ptr) + (offset))
#define KT_LOAD4(ptr, offset) vload4(0, (ptr) + (offset))
#define KT_FMA(a, b, c) mad((a), (b), (c))
#define KT_INDEX long

#elif defined(__CUDACC__) || defined(__CUDACC_RTC__)
/* ---------------------------------------------------------------- CUDA C++ (NVRTC, nvcc) */
#define KT_KERNEL extern "C" __global__
/* static: each exported configuration is a .cu of its own with the same function names and
 * bodies that differ by its macros; under separable compilation external (weak) definitions
 * would let the device linker keep one body for all of them. */
#define KT_DEVICE_FN static __device__ __forceinline__
#define KT_GLOBAL
#define KT_SHARED __shared__
#define KT_RESTRICT __restrict__
#define KT_BARRIER() __syncthreads()
#define KT_BLOCK_ID_X ((int)blockIdx.x)
#define KT_BLOCK_ID_Y ((int)blockIdx.y)
#define KT_BLOCK_ID_Z ((int)blockIdx.z)
#define KT_THREAD_ID_X ((int)threadIdx.x)
#define KT_THREAD_ID_Y ((int)threadIdx.y)
#define KT_THREAD_ID_Z ((int)threadIdx.z)
#define KT_BLOCK_DIM_X ((int)blockDim.x)
#define KT_BLOCK_DIM_Y ((int)blockDim.y)
#define KT_BLOCK_DIM_Z ((int)blockDim.z)
#define KT_GRID_DIM_X ((int)gridDim.x)
#define KT_GRID_DIM_Y ((int)gridDim.y)
/* Placed between the return type and the name: KT_KERNEL void KT_LAUNCH_BOUNDS(256, 2) f(...) */
#define KT_LAUNCH_BOUNDS(max_threads, min_blocks) __launch_bounds__(max_threads, min_blocks)
#define KT_FLOAT2(a, b) make_float2((a), (b))
#define KT_FLOAT4(a, b, c, d) make_float4((a), (b), (c), (d))
/* The address must be aligned to the vector's size: callers check before using these. */
#define KT_LOAD2(ptr, offset) (*(const float2*)((ptr) + (offset)))
#define KT_LOAD4(ptr, offset) (*(const float4*)((ptr) + (offset)))
#define KT_FMA(a, b, c) fmaf((a), (b), (c))
#define KT_INDEX long long

#else
#error "ktune_dialect.h: compile as OpenCL C or as CUDA C++"
#endif

/* ---------------------------------------------------------------- common to both */
/* KT_UNROLL(n): unroll the next loop n times (n may be a macro; 1 disables unrolling). */
#define KT_PRAGMA(text) _Pragma(#text)
#define KT_UNROLL(n) KT_PRAGMA(unroll n)
#define KT_UNROLL_FULL KT_PRAGMA(unroll) /* the next loop has a compile-time trip count */
#define KT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define KT_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif /* KTUNE_DIALECT_H */
