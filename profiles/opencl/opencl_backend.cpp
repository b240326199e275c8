#include "profiles/opencl/opencl_backend.hpp"

#include <chrono>
#include <variant>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/outcome.hpp"
#include "profiles/opencl/opencl.hpp"

namespace ktune::profiles::opencl {
namespace {

class OpenClProgram final : public Program {
 public:
  cl::Program program;
  cl::Kernel kernel;
  std::size_t max_threads = 0;  // CL_KERNEL_WORK_GROUP_SIZE for this kernel on this device
};

class OpenClBuffer final : public Buffer {
 public:
  OpenClBuffer(cl::Buffer buffer, std::size_t bytes) : buffer_(std::move(buffer)), bytes_(bytes) {}
  std::size_t bytes() const override { return bytes_; }
  const cl::Buffer& handle() const { return buffer_; }

 private:
  cl::Buffer buffer_;
  std::size_t bytes_;
};

// Outcome of a failed launch: sizes the device cannot take are a resource problem of the
// variant; anything else is a launch error.
Outcome launch_outcome(cl_int status) {
  switch (status) {
    case CL_INVALID_WORK_GROUP_SIZE:
    case CL_INVALID_WORK_ITEM_SIZE:
    case CL_OUT_OF_RESOURCES:
      return Outcome::resource_exceeded;
    default:
      return Outcome::launch_error;
  }
}

DeviceInfo describe_device(const cl::Platform& platform, const cl::Device& device, int index) {
  DeviceInfo info;
  info.backend = "opencl";
  info.index = index;
  info.name = device.getInfo<CL_DEVICE_NAME>();
  info.vendor = device.getInfo<CL_DEVICE_VENDOR>();
  const auto type = device.getInfo<CL_DEVICE_TYPE>();
  const char* kind = (type & CL_DEVICE_TYPE_GPU)   ? "gpu"
                     : (type & CL_DEVICE_TYPE_CPU) ? "cpu"
                                                   : "accelerator";
  info.architecture = fmt::format("{} {}", kind, device.getInfo<CL_DEVICE_OPENCL_C_VERSION>());
  info.driver_version = device.getInfo<CL_DRIVER_VERSION>();
  info.runtime_version = platform.getInfo<CL_PLATFORM_VERSION>();
  info.compute_units = static_cast<int>(device.getInfo<CL_DEVICE_MAX_COMPUTE_UNITS>());
  info.global_memory_bytes = device.getInfo<CL_DEVICE_GLOBAL_MEM_SIZE>();
  info.max_allocation_bytes = device.getInfo<CL_DEVICE_MAX_MEM_ALLOC_SIZE>();
  info.shared_memory_per_block = device.getInfo<CL_DEVICE_LOCAL_MEM_SIZE>();
  info.shared_memory_per_block_optin = info.shared_memory_per_block;
  info.l2_bytes = device.getInfo<CL_DEVICE_GLOBAL_MEM_CACHE_SIZE>();
  info.max_threads_per_block = static_cast<int>(device.getInfo<CL_DEVICE_MAX_WORK_GROUP_SIZE>());
  const auto sizes = device.getInfo<CL_DEVICE_MAX_WORK_ITEM_SIZES>();
  for (std::size_t d = 0; d < 3 && d < sizes.size(); ++d)
    info.max_block_dim[d] = static_cast<int>(sizes[d]);
  info.clock_mhz = device.getInfo<CL_DEVICE_MAX_CLOCK_FREQUENCY>();
  info.warp_size = 1;
  return info;
}

struct Found {
  cl::Platform platform;
  cl::Device device;
};

// Every device of every platform, in a stable order: platforms as the ICD lists them, devices
// as each platform lists them.
std::vector<Found> all_devices() {
  std::vector<cl::Platform> platforms;
  cl::Platform::get(&platforms);
  std::vector<Found> found;
  for (const auto& platform : platforms) {
    std::vector<cl::Device> devices;
    try {
      platform.getDevices(CL_DEVICE_TYPE_ALL, &devices);
    } catch (const cl::Error&) {
      continue;  // CL_DEVICE_NOT_FOUND: a platform without devices
    }
    for (const auto& device : devices)
      found.push_back({platform, device});
  }
  return found;
}

class OpenClDevice final : public Device {
 public:
  OpenClDevice(DeviceInfo info, cl::Device device)
      : info_(std::move(info)),
        device_(std::move(device)),
        context_(device_),
        queue_(context_, device_, CL_QUEUE_PROFILING_ENABLE) {}

  const DeviceInfo& info() const override { return info_; }

  std::unique_ptr<Program> compile(const KernelSource& source) override {
    std::string options = "-cl-std=CL1.2";
    for (const auto& d : source.defines)
      options += fmt::format(" -D {}={}", d.name, d.value);
    auto result = std::make_unique<OpenClProgram>();
    const auto start = std::chrono::steady_clock::now();
    try {
      result->program = cl::Program(context_, source.code);
      result->program.build({device_}, options.c_str());
    } catch (const cl::BuildError& e) {
      std::string log;
      for (const auto& [dev, text] : e.getBuildLog())
        log += text;
      throw VariantFailure(Outcome::compile_error,
                           fmt::format("OpenCL build failed: {}", first_lines(log, 12)));
    } catch (const cl::Error& e) {
      throw VariantFailure(Outcome::compile_error, describe(e));
    }
    try {
      result->kernel = cl::Kernel(result->program, source.entry.c_str());
      result->max_threads = result->kernel.getWorkGroupInfo<CL_KERNEL_WORK_GROUP_SIZE>(device_);
      result->resources.shared_bytes =
          static_cast<int>(result->kernel.getWorkGroupInfo<CL_KERNEL_LOCAL_MEM_SIZE>(device_));
      result->resources.stack_bytes =
          static_cast<int>(result->kernel.getWorkGroupInfo<CL_KERNEL_PRIVATE_MEM_SIZE>(device_));
      result->log = result->program.getBuildInfo<CL_PROGRAM_BUILD_LOG>(device_);
    } catch (const cl::Error& e) {
      throw VariantFailure(Outcome::compile_error,
                           fmt::format("kernel '{}': {}", source.entry, describe(e)));
    }
    result->compile_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
  }

  std::unique_ptr<Buffer> allocate(std::size_t bytes) override {
    if (bytes > info_.max_allocation_bytes)
      throw Error(fmt::format(
          "OpenCL: a buffer of {} bytes exceeds the device's largest allocation ({} bytes)", bytes,
          info_.max_allocation_bytes));
    try {
      return std::make_unique<OpenClBuffer>(cl::Buffer(context_, CL_MEM_READ_WRITE, bytes), bytes);
    } catch (const cl::Error& e) {
      throw Error(fmt::format("OpenCL: cannot allocate {} bytes: {}", bytes, describe(e)));
    }
  }

  void write(Buffer& buffer, std::span<const std::byte> data) override {
    try {
      queue_.enqueueWriteBuffer(handle(buffer), CL_TRUE, 0, data.size(), data.data());
    } catch (const cl::Error& e) {
      throw Error("OpenCL: writing a buffer failed: " + describe(e));
    }
  }

  void read(const Buffer& buffer, std::span<std::byte> data) override {
    try {
      queue_.enqueueReadBuffer(handle(buffer), CL_TRUE, 0, data.size(), data.data());
    } catch (const cl::Error& e) {
      throw Error("OpenCL: reading a buffer failed: " + describe(e));
    }
  }

  // PoCL's copies are real clEnqueueWrite/ReadBuffer calls between host and "device" memory
  // (both ordinary RAM on a CPU device), timed by the queue's profiling events.
  double timed_copy(Buffer& buffer, std::span<std::byte> host, CopyDirection direction) override {
    try {
      cl::Event event;
      if (direction == CopyDirection::host_to_device)
        queue_.enqueueWriteBuffer(handle(buffer), CL_TRUE, 0, host.size(), host.data(), nullptr,
                                  &event);
      else
        queue_.enqueueReadBuffer(handle(buffer), CL_TRUE, 0, host.size(), host.data(), nullptr,
                                 &event);
      event.wait();
      const auto start = event.getProfilingInfo<CL_PROFILING_COMMAND_START>();
      const auto end = event.getProfilingInfo<CL_PROFILING_COMMAND_END>();
      return static_cast<double>(end - start) * 1e-6;
    } catch (const cl::Error& e) {
      throw Error("OpenCL: timing a copy failed: " + describe(e));
    }
  }

  double run(Program& program, const Geometry& geometry, std::span<const KernelArg> args,
             std::span<Buffer* const> buffers) override {
    auto& p = static_cast<OpenClProgram&>(program);
    if (geometry.dynamic_shared_bytes != 0)
      throw VariantFailure(Outcome::launch_error,
                           "dynamic shared memory is not supported by the OpenCL backend");
    if (geometry.threads_per_block() > p.max_threads)
      throw VariantFailure(
          Outcome::resource_exceeded,
          fmt::format("{} threads per block exceed this kernel's limit of {} on {}",
                      geometry.threads_per_block(), p.max_threads, info_.name));
    try {
      for (std::size_t i = 0; i < args.size(); ++i) {
        const auto index = static_cast<cl_uint>(i);
        std::visit(
            [&](const auto& value) {
              using T = std::decay_t<decltype(value)>;
              if constexpr (std::is_same_v<T, BufferArg>) {
                p.kernel.setArg(index, handle(*buffers[value.index]));
              } else {
                p.kernel.setArg(index, value);
              }
            },
            args[i]);
      }
      const cl::NDRange global(std::size_t{geometry.grid[0]} * geometry.block[0],
                               std::size_t{geometry.grid[1]} * geometry.block[1],
                               std::size_t{geometry.grid[2]} * geometry.block[2]);
      const cl::NDRange local(geometry.block[0], geometry.block[1], geometry.block[2]);
      cl::Event event;
      queue_.enqueueNDRangeKernel(p.kernel, cl::NullRange, global, local, nullptr, &event);
      event.wait();
      if (event.getInfo<CL_EVENT_COMMAND_EXECUTION_STATUS>() < 0)
        throw VariantFailure(Outcome::launch_error, "OpenCL: the kernel's execution failed");
      const auto start = event.getProfilingInfo<CL_PROFILING_COMMAND_START>();
      const auto end = event.getProfilingInfo<CL_PROFILING_COMMAND_END>();
      return static_cast<double>(end - start) * 1e-6;
    } catch (const cl::Error& e) {
      throw VariantFailure(launch_outcome(e.err()), "OpenCL launch: " + describe(e));
    }
  }

 private:
  static const cl::Buffer& handle(const Buffer& buffer) {
    return static_cast<const OpenClBuffer&>(buffer).handle();
  }
  // The head of a compiler log: enough to see the first errors in a one-line record.
  static std::string first_lines(const std::string& text, int lines) {
    std::size_t end = 0;
    for (int i = 0; i < lines; ++i) {
      end = text.find('\n', end);
      if (end == std::string::npos) return text;
      ++end;
    }
    return text.substr(0, end) + "...";
  }

  DeviceInfo info_;
  cl::Device device_;
  cl::Context context_;
  cl::CommandQueue queue_;
};

class OpenClBackend final : public Backend {
 public:
  std::string name() const override { return "opencl"; }

  Discovery discover() override {
    Discovery result;
    try {
      auto found = all_devices();
      for (std::size_t i = 0; i < found.size(); ++i)
        result.devices.push_back(
            describe_device(found[i].platform, found[i].device, static_cast<int>(i)));
      if (result.devices.empty()) result.problem = "OpenCL: platforms found, but no devices";
    } catch (const cl::Error& e) {
      result.problem =
          e.err() == -1001  // CL_PLATFORM_NOT_FOUND_KHR from the ICD loader
              ? "OpenCL: no platform installed (for the CPU: apt-get install pocl-opencl-icd)"
              : "OpenCL: " + describe(e);
    }
    return result;
  }

  std::unique_ptr<Device> open(int index) override {
    std::vector<Found> found;
    try {
      found = all_devices();
    } catch (const cl::Error& e) {
      throw Error("OpenCL: " + describe(e));
    }
    if (index < 0 || static_cast<std::size_t>(index) >= found.size())
      throw UsageError(fmt::format("{}: OpenCL has {} device(s); accepted: 0..{}", index,
                                   found.size(), static_cast<int>(found.size()) - 1));
    const auto& f = found[static_cast<std::size_t>(index)];
    try {
      return std::make_unique<OpenClDevice>(describe_device(f.platform, f.device, index), f.device);
    } catch (const cl::Error& e) {
      throw Error("OpenCL: cannot open device " + std::to_string(index) + ": " + describe(e));
    }
  }
};

}  // namespace

std::unique_ptr<Backend> make_backend() {
  return std::make_unique<OpenClBackend>();
}

}  // namespace ktune::profiles::opencl
