#pragma once
// The CUDA context current on this thread and its device, read through the driver entry points
// cudart hands out (ktune never links libcuda: see docs/ARCHITECTURE.md). The range profiler is
// per context: it must be enabled on the one the kernels run in.
#include <cuda.h>

namespace ktune::profiles::cuda::cupti {

struct CurrentContext {
  CUcontext context = nullptr;
  CUdevice device = 0;
};

// Throws CudaCallError when the driver cannot be reached (none installed), ktune::Error when no
// context is current or the driver lacks the entry points.
CurrentContext current_context();

}  // namespace ktune::profiles::cuda::cupti
