#pragma once
// What ptxas reports about a compiled kernel (`--ptxas-options=-v`, in NVRTC's program log).
#include <optional>
#include <string_view>

#include "core/evaluation.hpp"

namespace ktune::profiles::cuda {

struct PtxasReport {
  int registers = 0;     // per thread
  int barriers = 0;      // block barriers (bar.sync ids) the kernel uses
  int shared_bytes = 0;  // static shared memory per block
  int stack_bytes = 0;   // the kernel's stack frame
  int spill_store_bytes = 0;
  int spill_load_bytes = 0;
  int const_bytes = 0;  // constant banks ptxas lists (cmem[N]); sm_90+ omits the parameter bank
};

// The report of entry function `entry`, or nullopt when the log has none for it. Lines look like
//   ptxas info    : Compiling entry function 'matmul' for 'sm_90'
//   ptxas info    : Function properties for matmul
//   ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
//   ptxas info    : Used 40 registers, used 1 barriers, 2048 bytes smem, 364 bytes cmem[0]
std::optional<PtxasReport> parse_ptxas_report(std::string_view log, std::string_view entry);

// The backend-neutral part of a report (occupancy is filled in later, from the launch).
Resources to_resources(const PtxasReport& report);

}  // namespace ktune::profiles::cuda
