// The recorded-search readers (profiles/replay/dataset_reader): Kernel Tuner cache files and T4
// files, gzip-compressed or plain, as `ktune import` and `ktune tune --dataset` read them. Any
// bytes are read or refused with a UsageError; what is read holds only numbers ktune can store
// (finite times > 0, costs >= 0, sizes >= 1), and serves as a search space and a replay backend.
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "fuzz/fuzz_support.hpp"
#include "profiles/replay/dataset_reader.hpp"
#include "profiles/replay/replay_evaluator.hpp"

namespace {

bool time_ok(double ms) {
  return std::isfinite(ms) && ms > 0;
}
bool cost_ok(double ms) {
  return std::isfinite(ms) && ms >= 0;
}

void check(const ktune::RecordedDataset& d) {
  for (auto size : d.problem_size)
    if (size < 1) std::abort();
  for (const auto& e : d.entries) {
    if (e.values.size() != d.params.size()) std::abort();
    if (e.time_ms.has_value() != e.failure.empty()) std::abort();
    if (e.time_ms && !time_ok(*e.time_ms)) std::abort();
    for (double t : e.times_ms)
      if (!time_ok(t)) std::abort();
    for (double c : {e.compile_ms, e.benchmark_ms, e.verification_ms, e.framework_ms})
      if (!cost_ok(c)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ktune::profiles::replay;
  ktune::fuzz::completes([&] {
    const auto dataset = parse_dataset(ktune::fuzz::text_of(data, size), "fuzz-input.json");
    check(dataset);
    const auto space = dataset_space(dataset);
    ReplayEvaluator evaluator(dataset);
    for (const auto& entry : dataset.entries) {
      const ktune::Config config{entry.values};
      (void)space.canonical(config);
      (void)space.violation(config);
      (void)evaluator.lookup(config);
    }
    (void)dataset_problem(dataset);
  });
  return 0;
}
