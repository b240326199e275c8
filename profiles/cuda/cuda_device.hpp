#pragma once
// The CUDA implementation of profiles::Device, through cudart only (linked statically; the
// driver is loaded at run time, never linked), every call through the table of cuda_api.hpp:
//   compile: NVRTC -> cubin for the device's architecture (PTX for GPUs newer than this NVRTC),
//            through the on-disk cache; cudaLibraryLoadData, forced into the context; resources
//            from ptxas, else from the loaded kernel's attributes
//   run:     cudaLaunchKernel on a private stream between two CUDA events, waited for with a
//            deadline; dynamic shared memory above 48 KiB opted in per kernel
//   flush:   a read sweep over a zeroed buffer twice the L2 size, enqueued before the start event
// A context-poisoning error (illegal address, misaligned access, ...), whichever call reports it,
// ends the variant with VariantFailure(launch_error), a timeout with VariantFailure(timeout);
// nothing of the context is freed until the device is reset before its next operation and
// rebuilt: stream, events, every live buffer (re-allocated and restored from its host copy) and
// every loaded program.
#include <memory>

#include "core/device_info.hpp"
#include "profiles/cuda/architecture.hpp"
#include "profiles/device.hpp"

namespace ktune::profiles::cuda {

// Identity and limits of device `index` (throws Error when its properties cannot be read).
DeviceInfo describe_device(int index);

// The architecture table's entry for the device, overridden by its actual properties.
Architecture device_architecture(int index);

std::unique_ptr<Device> open_device(int index);

}  // namespace ktune::profiles::cuda
