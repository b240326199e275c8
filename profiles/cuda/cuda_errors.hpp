#pragma once
// What a cudart status means for the device that returned it, and the exception CUPTI code
// throws for a failed cudart call (the device decides what it means for the variant).
#include <cuda_runtime_api.h>

#include <string>

#include "core/error.hpp"

namespace ktune::profiles::cuda {

// "cudaErrorIllegalAddress (700): an illegal memory access was encountered"
std::string status_text(cudaError_t status);

// A kernel fault that leaves the context unusable ("sticky"): illegal or misaligned address,
// launch failure, illegal instruction, hardware stack error, assert, ... Every later call
// returns it, whichever call reports it first, until the device is reset.
bool poisons_context(cudaError_t status);

// The kernel's image cannot run on this device (no image for it, invalid PTX, JIT failure):
// the variant's compile error, wherever the driver reports it.
bool image_error(cudaError_t status);

class CudaCallError : public Error {
 public:
  CudaCallError(cudaError_t status, std::string call);
  cudaError_t status() const { return status_; }
  const std::string& call() const { return call_; }

 private:
  cudaError_t status_;
  std::string call_;
};

}  // namespace ktune::profiles::cuda
