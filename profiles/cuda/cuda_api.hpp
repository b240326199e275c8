#pragma once
// The one seam between the CUDA backend and NVIDIA's libraries: every cudart, NVRTC and CUPTI
// call of profiles/cuda goes through the table api() returns, as NCCL and Triton reach the driver
// through a table of entry points. The production table holds the real functions (the default
// member initialisers below); a test installs a scripted fake with ScopedApi
// (tests/unit/profiles/cuda/fault: memory as host buffers, chosen errors at chosen calls, a
// kernel that never ends). Look-ups that touch no device (cudaGetErrorName/String,
// nvrtcGetErrorString, cuptiGetResultString) are called directly.
//
// Only the C API (cuda_runtime_api.h) may be included before this header: cuda_runtime.h adds
// C++ overloads that make `&::cudaMalloc` ambiguous.
#include <cuda_runtime_api.h>
#include <cupti_activity.h>
#include <cupti_profiler_host.h>
#include <cupti_profiler_target.h>
#include <cupti_range_profiler.h>
#include <cupti_target.h>
#include <nvrtc.h>

// clang-format off
#define KTUNE_CUDART_FUNCTIONS(X)                                                            \
  X(cudaGetDeviceCount) X(cudaDriverGetVersion) X(cudaRuntimeGetVersion)                     \
  X(cudaGetDeviceProperties) X(cudaDeviceGetAttribute) X(cudaSetDevice) X(cudaDeviceReset)   \
  X(cudaDeviceSynchronize) X(cudaGetLastError) X(cudaGetDriverEntryPointByVersion)           \
  X(cudaMalloc) X(cudaFree) X(cudaMemcpyAsync) X(cudaMemsetAsync)                            \
  X(cudaMallocHost) X(cudaFreeHost)                                                          \
  X(cudaStreamCreateWithFlags) X(cudaStreamDestroy) X(cudaStreamSynchronize)                 \
  X(cudaStreamQuery) X(cudaEventCreate) X(cudaEventDestroy) X(cudaEventRecord)               \
  X(cudaEventQuery) X(cudaEventElapsedTime) X(cudaLibraryLoadData) X(cudaLibraryUnload)      \
  X(cudaLibraryGetKernel) X(cudaFuncGetAttributes) X(cudaFuncSetAttribute) X(cudaLaunchKernel)

#define KTUNE_NVRTC_FUNCTIONS(X)                                                             \
  X(nvrtcVersion) X(nvrtcGetNumSupportedArchs) X(nvrtcGetSupportedArchs)                     \
  X(nvrtcCreateProgram) X(nvrtcDestroyProgram) X(nvrtcCompileProgram)                        \
  X(nvrtcGetProgramLogSize) X(nvrtcGetProgramLog) X(nvrtcGetPTXSize) X(nvrtcGetPTX)          \
  X(nvrtcGetCUBINSize) X(nvrtcGetCUBIN)

#define KTUNE_CUPTI_FUNCTIONS(X)                                                             \
  X(cuptiActivityRegisterCallbacks) X(cuptiActivityEnable) X(cuptiActivityDisable)           \
  X(cuptiActivityFlushAll) X(cuptiActivityGetNextRecord)                                     \
  X(cuptiActivityPushExternalCorrelationId) X(cuptiActivityPopExternalCorrelationId)         \
  X(cuptiProfilerInitialize) X(cuptiProfilerDeInitialize) X(cuptiProfilerDeviceSupported)    \
  X(cuptiDeviceGetChipName) X(cuptiProfilerGetCounterAvailability)                           \
  X(cuptiProfilerHostInitialize) X(cuptiProfilerHostDeinitialize)                            \
  X(cuptiProfilerHostGetSupportedChips) X(cuptiProfilerHostGetBaseMetrics)                   \
  X(cuptiProfilerHostGetMetricProperties) X(cuptiProfilerHostConfigAddMetrics)               \
  X(cuptiProfilerHostGetConfigImageSize) X(cuptiProfilerHostGetConfigImage)                  \
  X(cuptiProfilerHostGetNumOfPasses) X(cuptiProfilerHostEvaluateToGpuValues)                 \
  X(cuptiRangeProfilerEnable) X(cuptiRangeProfilerDisable)                                   \
  X(cuptiRangeProfilerGetCounterDataSize) X(cuptiRangeProfilerCounterDataImageInitialize)    \
  X(cuptiRangeProfilerSetConfig) X(cuptiRangeProfilerStart) X(cuptiRangeProfilerStop)        \
  X(cuptiRangeProfilerPushRange) X(cuptiRangeProfilerPopRange)                               \
  X(cuptiRangeProfilerDecodeData) X(cuptiRangeProfilerGetCounterDataInfo)
// clang-format on

namespace ktune::profiles::cuda {

// One member per function, named and typed as the function itself; default: the real one.
struct Api {
#define KTUNE_API_ENTRY(name) decltype(&::name) name = &::name;
  KTUNE_CUDART_FUNCTIONS(KTUNE_API_ENTRY)
  KTUNE_NVRTC_FUNCTIONS(KTUNE_API_ENTRY)
  KTUNE_CUPTI_FUNCTIONS(KTUNE_API_ENTRY)
#undef KTUNE_API_ENTRY
};

// The table in use: the real libraries unless a ScopedApi is alive.
const Api& api();

// Installs `table` until destroyed (tests). Not thread-safe against calls in flight: install
// before creating the objects that use it, remove after destroying them.
class ScopedApi {
 public:
  explicit ScopedApi(const Api& table);
  ~ScopedApi();
  ScopedApi(const ScopedApi&) = delete;
  ScopedApi& operator=(const ScopedApi&) = delete;

 private:
  const Api* previous_;
};

}  // namespace ktune::profiles::cuda
