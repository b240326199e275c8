#pragma once
// A test-only fault hook, read by the worker and nowhere else: KTUNE_WORKER_FAULT=SIGNAL@WHEN
// makes the worker raise SIGNAL (SEGV, ABRT, KILL, STOP, BUS, FPE, ILL; with or without the SIG
// prefix) at a chosen point, so the recovery of the parent can be tested end to end with real
// signals on a machine where no driver crashes on demand. WHEN is
//   start           before the worker reads its first message (a worker that cannot start)
//   #N              at the first launch of the Nth evaluation this worker serves (N >= 1)
//   NAME=V[,...]    at the first launch of every configuration that has these values
// STOP freezes the worker: to the parent it is a kernel that never ends; HANG (not a signal)
// makes it sleep for ever instead, running, as a worker stuck in a driver call would. Several
// faults are separated by ';' (SEGV@BM=16;STOP@BM=32). Unset, it does nothing. Every time it fires
// it says so on stderr ("ktune worker: fault injection: raising SIGSEGV").
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ktune::profiles::isolation {

class FaultInjection {
 public:
  // From KTUNE_WORKER_FAULT; throws Error for a value it does not understand.
  static FaultInjection from_environment();

  void at_start() const;
  // A new evaluation: its number in this worker (1-based) and canonical configuration.
  void arm(std::uint64_t evaluation, const std::string& config);
  // A launch of the armed evaluation: raises the signal the first time if it matches.
  void at_launch();

 private:
  struct Fault {
    int signal = 0;
    bool at_start = false;
    std::uint64_t evaluation = 0;                             // #N, 0 for none
    std::vector<std::pair<std::string, std::string>> values;  // NAME=V selectors
  };
  static Fault parse(const std::string& text);
  static void fire(int signal);
  std::vector<Fault> faults_;
  int armed_ = 0;  // the signal to raise at the next launch, 0 for none
};

}  // namespace ktune::profiles::isolation
