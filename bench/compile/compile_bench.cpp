// Compile throughput of NVRTC for every kernel family: variants compiled per second with a cold
// compile cache (an empty directory) and a warm one (the same directory again), on --jobs
// threads, for one architecture. With --whole-space it compiles every valid variant once and
// lists the failures instead (scripts/compile-space.sh). Prints Markdown.
//
//   ktune_compile_bench [--arch sm_90] [--sample 120] [--jobs 2] [--seed 1] [--whole-space]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "kernels/family.hpp"
#include "profiles/cuda/architecture.hpp"
#include "profiles/cuda/nvrtc_compiler.hpp"
#include "profiles/cuda/offline_analysis.hpp"

using namespace ktune;
using namespace ktune::profiles::cuda;

namespace {

struct Options {
  std::string arch = "sm_90";
  std::size_t sample = 120;
  unsigned jobs = 2;
  std::uint64_t seed = 1;
  bool whole_space = false;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--arch")
      o.arch = next();
    else if (a == "--sample")
      o.sample = std::stoul(next());
    else if (a == "--jobs")
      o.jobs = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--seed")
      o.seed = std::stoull(next());
    else if (a == "--whole-space")
      o.whole_space = true;
    else
      throw std::invalid_argument("unknown option " + a +
                                  " (accepted: --arch, --sample, --jobs, --seed, --whole-space)");
  }
  return o;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of this process (all threads), seconds: less disturbed than wall time when other
// work shares the cores.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::filesystem::path fresh_directory() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "ktune-compile-bench-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse(argc, argv);
  const Architecture& arch = find_architecture(o.arch);
  const DeviceInfo target = describe_architecture(arch);
  std::cout << fmt::format("NVRTC {}, {}, {} thread(s), {} hardware threads on this machine\n\n",
                           nvrtc_version(), arch.name, o.jobs, std::thread::hardware_concurrency());
  if (o.whole_space)
    std::cout << "| family | problem | variants | compiled | failed | wall s | variants/s |\n"
                 "|---|---|---|---|---|---|---|\n";
  else
    std::cout << "| family | problem | variants | cold wall s | cold variants/s | CPU s per "
                 "variant | warm wall s | warm variants/s |\n|---|---|---|---|---|---|---|---|\n";
  int failures = 0;
  for (const auto* family : kernels::all_families()) {
    const Problem problem = family->default_problem();
    const auto space = family->space(problem, target);
    auto configs = space.enumerate();
    if (!o.whole_space && configs.size() > o.sample) {
      std::mt19937_64 rng(o.seed);
      std::shuffle(configs.begin(), configs.end(), rng);
      configs.resize(o.sample);
    }
    std::vector<KernelSource> sources;
    for (const auto& c : configs)
      sources.push_back(family->plan(space, c).source);

    const auto directory = fresh_directory();
    const NvrtcCompiler compiler{CompileCache(directory)};
    auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    const auto cold = compiler.compile_all(sources, arch.name, o.jobs);
    const double cold_s = seconds_since(start);
    const double cold_cpu = cpu_seconds() - cpu_start;
    std::size_t compiled = 0;
    std::vector<std::string> errors;
    for (std::size_t i = 0; i < cold.size(); ++i) {
      if (cold[i].compiled) {
        ++compiled;
      } else {
        errors.push_back(space.canonical(configs[i]) + ": " + cold[i].error);
      }
    }
    failures += static_cast<int>(errors.size());
    if (o.whole_space) {
      std::cout << fmt::format("| {} | {} | {} | {} | {} | {:.1f} | {:.1f} |\n", family->name(),
                               problem.canonical(), sources.size(), compiled, errors.size(), cold_s,
                               sources.size() / cold_s);
    } else {
      start = std::chrono::steady_clock::now();
      const auto warm = compiler.compile_all(sources, arch.name, o.jobs);
      const double warm_s = seconds_since(start);
      std::size_t hits = 0;
      for (const auto& w : warm)
        hits += w.compiled && w.compiled->from_cache;
      if (hits != compiled)
        errors.push_back(
            fmt::format("warm run: only {} of {} served from the cache", hits, compiled));
      std::cout << fmt::format("| {} | {} | {} | {:.2f} | {:.1f} | {:.3f} | {:.3f} | {:.0f} |\n",
                               family->name(), problem.canonical(), sources.size(), cold_s,
                               sources.size() / cold_s, cold_cpu / sources.size(), warm_s,
                               sources.size() / warm_s);
    }
    for (std::size_t i = 0; i < errors.size() && i < 20; ++i)
      std::cerr << family->name() << " " << errors[i] << '\n';
    std::error_code ec;
    std::filesystem::remove_all(directory, ec);
  }
  return failures == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "ktune_compile_bench: " << e.what() << '\n';
  return 2;
}
