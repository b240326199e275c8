#pragma once
// The one place that includes the Khronos C++ bindings, with the settings ktune uses.
#define CL_HPP_ENABLE_EXCEPTIONS
#define CL_HPP_TARGET_OPENCL_VERSION 120
#define CL_HPP_MINIMUM_OPENCL_VERSION 120
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Woverloaded-virtual"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <CL/opencl.hpp>
#pragma GCC diagnostic pop

#include <string>

namespace ktune::profiles::opencl {

// "CL_BUILD_PROGRAM_FAILURE (-11)" for an OpenCL status code.
std::string status_name(cl_int status);
// "clBuildProgram: CL_BUILD_PROGRAM_FAILURE (-11)" for a binding exception.
std::string describe(const cl::Error& error);

}  // namespace ktune::profiles::opencl
