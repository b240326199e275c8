#include "profiles/cuda/cuda_errors.hpp"

#include <fmt/format.h>

namespace ktune::profiles::cuda {

std::string status_text(cudaError_t status) {
  return fmt::format("{} ({}): {}", cudaGetErrorName(status), static_cast<int>(status),
                     cudaGetErrorString(status));
}

// The codes driver_types.h (CUDA 13.0) documents as leaving "the process in an inconsistent
// state", plus an uncorrectable ECC error met during execution.
bool poisons_context(cudaError_t status) {
  switch (status) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchTimeout:
    case cudaErrorAssert:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorLaunchFailure:
    case cudaErrorTensorMemoryLeak:
    case cudaErrorContained:
    case cudaErrorECCUncorrectable:
    case cudaErrorMpsClientTerminated:
    case cudaErrorExternalDevice:
      return true;
    default:
      return false;
  }
}

bool image_error(cudaError_t status) {
  switch (status) {
    case cudaErrorInvalidKernelImage:
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorInvalidPtx:
    case cudaErrorJitCompilerNotFound:
    case cudaErrorUnsupportedPtxVersion:
    case cudaErrorJitCompilationDisabled:
    case cudaErrorUnsupportedDevSideSync:
    case cudaErrorInvalidSource:
      return true;
    default:
      return false;
  }
}

CudaCallError::CudaCallError(cudaError_t status, std::string call)
    : Error(fmt::format("CUDA: {} failed: {}", call, status_text(status))),
      status_(status),
      call_(std::move(call)) {}

}  // namespace ktune::profiles::cuda
