#include "profiles/cuda/nvrtc_compiler.hpp"

#include <nvrtc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/outcome.hpp"
#include "profiles/cuda/cuda_api.hpp"

namespace ktune::profiles::cuda {
namespace {

// Owns an nvrtcProgram.
class Program {
 public:
  Program(const std::string& code, const std::string& name) {
    if (api().nvrtcCreateProgram(&program_, code.c_str(), name.c_str(), 0, nullptr, nullptr) !=
        NVRTC_SUCCESS)
      throw Error("NVRTC: cannot create a program (out of memory?)");
  }
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  ~Program() { api().nvrtcDestroyProgram(&program_); }
  nvrtcProgram get() const { return program_; }

 private:
  nvrtcProgram program_ = nullptr;
};

std::string program_log(nvrtcProgram program) {
  std::size_t size = 0;
  if (api().nvrtcGetProgramLogSize(program, &size) != NVRTC_SUCCESS || size <= 1) return {};
  std::string log(size, '\0');
  api().nvrtcGetProgramLog(program, log.data());
  log.resize(size - 1);  // the terminating NUL
  return log;
}

// The first lines that say "error", else the log's first line: what a user needs to see.
std::string first_error(const std::string& log, nvrtcResult status) {
  std::string lines;
  int count = 0;
  std::size_t start = 0;
  while (start < log.size() && count < 2) {
    auto end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string_view line(log.data() + start, end - start);
    if (line.find("error") != std::string_view::npos) {
      lines += (lines.empty() ? "" : " | ") + std::string(line);
      ++count;
    }
    start = end + 1;
  }
  if (lines.empty()) lines = log.substr(0, log.find('\n'));
  if (lines.empty()) lines = nvrtcGetErrorString(status);
  return lines;
}

int target_number(std::string_view target) {
  int number = 0;
  for (char c : target)
    if (c >= '0' && c <= '9') number = number * 10 + (c - '0');
  return number;
}

std::string options_text(const std::vector<std::string>& options) {
  std::string text;
  for (const auto& o : options)
    text += o + '\n';
  return text;
}

// NVRTC 12.9 and later cache compiles themselves, and a hit prints no ptxas report.
bool nvrtc_caches_compiles() {
  int major = 0, minor = 0;
  api().nvrtcVersion(&major, &minor);
  return major > 12 || (major == 12 && minor >= 9);
}

// ptxas reported on some entry function (not necessarily the one asked for).
bool has_ptxas_report(std::string_view log) {
  return log.find("Compiling entry function") != std::string_view::npos;
}

std::vector<std::string> compile_options(const KernelSource& source, std::string_view target,
                                         bool ptx) {
  std::vector<std::string> options{fmt::format("--gpu-architecture={}", target), "--std=c++17"};
  if (!ptx) options.emplace_back("--ptxas-options=-v");
  // ktune has its own cache (which keeps the report); NVRTC's would hide it.
  if (nvrtc_caches_compiles()) options.emplace_back("--no-cache");
  for (const auto& d : source.defines)
    options.push_back(d.value.empty() ? "-D" + d.name : fmt::format("-D{}={}", d.name, d.value));
  for (const auto& o : source.cuda_options)
    options.push_back(o);
  return options;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

std::string nvrtc_version() {
  int major = 0, minor = 0;
  api().nvrtcVersion(&major, &minor);
  return fmt::format("{}.{}", major, minor);
}

std::vector<int> nvrtc_architectures() {
  static const std::vector<int> list = [] {
    int count = 0;
    std::vector<int> archs;
    if (api().nvrtcGetNumSupportedArchs(&count) == NVRTC_SUCCESS && count > 0) {
      archs.resize(static_cast<std::size_t>(count));
      if (api().nvrtcGetSupportedArchs(archs.data()) != NVRTC_SUCCESS) archs.clear();
    }
    return archs;
  }();
  return list;
}

bool nvrtc_supports(int compute_capability) {
  const auto archs = nvrtc_architectures();
  return std::find(archs.begin(), archs.end(), compute_capability) != archs.end();
}

NvrtcCompiler::NvrtcCompiler(std::optional<CompileCache> cache) : cache_(std::move(cache)) {}

CompiledImage NvrtcCompiler::compile(const KernelSource& source, std::string_view target) const {
  const bool ptx = target.starts_with("compute_");
  if (!ptx && !target.starts_with("sm_"))
    throw UsageError(fmt::format("NVRTC target '{}': expected sm_XY or compute_XY", target));
  if (!nvrtc_supports(target_number(target))) {
    std::string accepted;
    for (int a : nvrtc_architectures())
      accepted += fmt::format("{}sm_{}", accepted.empty() ? "" : ", ", a);
    throw UsageError(fmt::format("NVRTC {} cannot compile for {} (it targets: {})", nvrtc_version(),
                                 target, accepted));
  }
  const auto options = compile_options(source, target, ptx);
  CompiledImage result;
  result.target = std::string(target);
  result.ptx = ptx;

  std::string key;
  if (cache_) {
    key = cache_key(source, target, "nvrtc " + nvrtc_version(), options_text(options));
    if (auto hit = cache_->load(key); hit && hit->ptx == ptx) {
      result.image = std::move(hit->image);
      result.log = std::move(hit->log);
      result.from_cache = true;
      if (!ptx) result.report = parse_ptxas_report(result.log, source.entry);
      if (ptx || result.report) return result;  // else: stored without a report, compile again
    }
  }

  const auto start = std::chrono::steady_clock::now();
  Program program(source.code, source.entry + ".cu");
  std::vector<const char*> argv;
  for (const auto& o : options)
    argv.push_back(o.c_str());
  const nvrtcResult status =
      api().nvrtcCompileProgram(program.get(), static_cast<int>(argv.size()), argv.data());
  result.log = program_log(program.get());
  if (status != NVRTC_SUCCESS)
    throw VariantFailure(Outcome::compile_error,
                         fmt::format("NVRTC ({}): {}", target, first_error(result.log, status)));
  std::size_t size = 0;
  if (ptx) {
    api().nvrtcGetPTXSize(program.get(), &size);
    result.image.resize(size);
    api().nvrtcGetPTX(program.get(), result.image.data());
  } else {
    api().nvrtcGetCUBINSize(program.get(), &size);
    result.image.resize(size);
    api().nvrtcGetCUBIN(program.get(), result.image.data());
    result.report = parse_ptxas_report(result.log, source.entry);
    // ptxas reported other entries but not this one: the source has no kernel of that name.
    // Without any report (a compile NVRTC served from a cache of its own) the device reads the
    // resources from the loaded kernel instead.
    if (!result.report && has_ptxas_report(result.log))
      throw VariantFailure(Outcome::compile_error,
                           fmt::format("NVRTC ({}): no kernel named '{}' in the compiled source",
                                       target, source.entry));
  }
  result.compile_ms = ms_since(start);
  if (cache_) cache_->store(key, {result.image, ptx, result.log});
  return result;
}

std::vector<CompileAttempt> NvrtcCompiler::compile_all(
    std::span<const KernelSource> sources, std::string_view target, unsigned jobs,
    const std::function<void(std::size_t)>& done) const {
  std::vector<CompileAttempt> results(sources.size());
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs =
      static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(1, sources.size())));
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> finished{0};
  std::mutex error_mutex;
  std::exception_ptr fatal;  // an environment failure (not a variant's): rethrown at the end
  auto work = [&] {
    for (std::size_t i = next++; i < sources.size(); i = next++) {
      const auto start = std::chrono::steady_clock::now();
      try {
        results[i].compiled = compile(sources[i], target);
      } catch (const VariantFailure& failure) {
        results[i].error = failure.what();
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!fatal) fatal = std::current_exception();
        next = sources.size();
      }
      results[i].wall_ms = ms_since(start);
      const auto count = ++finished;
      if (done) done(count);
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < jobs; ++t)
    workers.emplace_back(work);
  work();
  for (auto& w : workers)
    w.join();
  if (fatal) std::rethrow_exception(fatal);
  return results;
}

}  // namespace ktune::profiles::cuda
