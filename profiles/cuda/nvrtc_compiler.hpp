#pragma once
// NVRTC: kernel source -> cubin for a target architecture, with the ptxas report parsed, served
// from the on-disk cache when the same source was compiled before. Works without a GPU or a
// driver, for any architecture this NVRTC supports. compile_all() compiles in parallel: NVRTC
// programs are independent.
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/launch.hpp"
#include "profiles/cuda/compile_cache.hpp"
#include "profiles/cuda/ptxas_report.hpp"

namespace ktune::profiles::cuda {

struct CompiledImage {
  std::string image;  // cubin, or PTX text when `ptx`
  bool ptx = false;
  std::string target;  // "sm_90" (cubin) or "compute_90" (PTX)
  std::string log;
  std::optional<PtxasReport> report;  // absent for PTX (ptxas did not run), or when ptxas
                                      // printed no report (a compile NVRTC had cached)
  double compile_ms = 0;              // 0 when served from the cache
  bool from_cache = false;
};

// One result of compile_all: the image, or why the variant did not compile.
struct CompileAttempt {
  std::optional<CompiledImage> compiled;
  std::string error;  // one line; empty on success
  double wall_ms = 0;
};

std::string nvrtc_version();                  // "13.0"
std::vector<int> nvrtc_architectures();       // {75, 80, 86, ...}
bool nvrtc_supports(int compute_capability);  // 90 for sm_90

class NvrtcCompiler {
 public:
  // Without a cache every call compiles.
  explicit NvrtcCompiler(std::optional<CompileCache> cache = std::nullopt);

  // `target` is "sm_XY" (cubin) or "compute_XY" (PTX, for GPUs newer than this NVRTC).
  // Throws VariantFailure(compile_error) with the compiler's first error, and UsageError for a
  // target this NVRTC cannot compile for.
  CompiledImage compile(const KernelSource& source, std::string_view target) const;

  // Compiles every source on `jobs` threads (0: one per core). Results are in input order;
  // `done` (if given) is called after each, from the worker thread, with the finished count.
  std::vector<CompileAttempt> compile_all(std::span<const KernelSource> sources,
                                          std::string_view target, unsigned jobs = 0,
                                          const std::function<void(std::size_t)>& done = {}) const;

  const std::optional<CompileCache>& cache() const { return cache_; }

 private:
  std::optional<CompileCache> cache_;
};

}  // namespace ktune::profiles::cuda
