/* ktune_dialect.h: one kernel source, two dialects.
 *
 * Kernel files include this header and use only the KT_ macros below where CUDA C++ and
 * OpenCL C 1.2 differ, so the same file compiles with NVRTC (CUDA) and clBuildProgram (OpenCL).
 * Everything else in a kernel file is the common subset of C: scalar and fixed-size array code,
 * float2/float4 with .x .y .z .w, for loops, #pragma unroll.
 */
#ifndef KTUNE_DIALECT_H
#define KTUNE_DIALECT_H

#if defined(__OPENCL_VERSION__)
/* ---------------------------------------------------------------- OpenCL C 1.2 */
#define KT_KERNEL __kernel
#define KT_DEVICE_FN inline
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
#define KT_DEVICE_FN __device__ __forceinline__
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
#define KT_LAUNCH_BOUNDS(max_threads, min_blocks) __launch_bounds__(max_threads, min_blocks)
#define KT_FLOAT2(a, b) make_float2((a), (b))
#define KT_FLOAT4(a, b, c, d) make_float4((a), (b), (c), (d))
#define KT_LOAD2(ptr, offset) (*(const float2*)((ptr) + (offset)))
#define KT_LOAD4(ptr, offset) (*(const float4*)((ptr) + (offset)))
#define KT_FMA(a, b, c) fmaf((a), (b), (c))
#define KT_INDEX long long

#else
#error "ktune_dialect.h: compile as OpenCL C or as CUDA C++"
#endif

#endif /* KTUNE_DIALECT_H */
