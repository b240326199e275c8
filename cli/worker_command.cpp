// ktune worker: the hidden command a tuning or profiling session starts to evaluate variants in
// a separate process (--isolation process). Not for people: it speaks the worker protocol on
// descriptor 3 (profiles/isolation).
#include "cli/command.hpp"
#include "core/error.hpp"
#include "profiles/isolation/worker_loop.hpp"
#include "profiles/isolation/worker_process.hpp"

namespace ktune::cli {

int run_worker(const std::vector<std::string>& args) {
  if (!args.empty())
    throw UsageError("ktune worker takes no arguments: ktune starts it itself (--isolation)");
  return profiles::isolation::serve_worker(profiles::isolation::kWorkerFd);
}

}  // namespace ktune::cli
