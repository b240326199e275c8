#include "variant_runner.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "profiles/backends.hpp"

namespace ktune::test {
namespace {

std::span<const std::byte> bytes_of(const std::vector<float>& v) {
  return std::as_bytes(std::span<const float>(v));
}

}  // namespace

std::unique_ptr<profiles::Device> open_opencl_device() {
  auto backend = profiles::make_backend("opencl");
  if (!backend) {
    ADD_FAILURE() << "the OpenCL backend was not built";
    return nullptr;
  }
  auto found = backend->discover();
  if (found.devices.empty()) {
    ADD_FAILURE() << "no OpenCL device (install pocl-opencl-icd): " << found.problem;
    return nullptr;
  }
  return backend->open(0);
}

ShapeCase prepare_shape(profiles::Device& device, const kernels::Family& family,
                        const std::string& shape, std::uint64_t seed) {
  ShapeCase c;
  c.problem = family.parse_shape(shape);
  c.workload = family.workload(c.problem, seed);
  c.reference = family.reference(c.problem, c.workload);
  for (const auto& data : c.workload.buffers) {
    c.buffers.push_back(device.allocate(data.size() * sizeof(float)));
    device.write(*c.buffers.back(), bytes_of(data));
    c.views.push_back(c.buffers.back().get());
  }
  return c;
}

kernels::Verdict run_on_shape(profiles::Device& device, profiles::Program& program,
                              const kernels::Family& family, const Space& space,
                              const Config& config, ShapeCase& shape) {
  const auto plan = family.plan(space, config);
  const auto& out = shape.workload.buffers[shape.workload.output];
  auto& out_buffer = *shape.buffers[shape.workload.output];
  if (shape.workload.output_is_read) {
    device.write(out_buffer, bytes_of(out));
  } else {
    const std::vector<float> nans(out.size(), std::numeric_limits<float>::quiet_NaN());
    device.write(out_buffer, bytes_of(nans));
  }
  device.run(program, plan.geometry, plan.args, shape.views);
  std::vector<float> result(out.size());
  device.read(out_buffer, std::as_writable_bytes(std::span<float>(result)));
  return kernels::verify(result, shape.reference);
}

}  // namespace ktune::test
