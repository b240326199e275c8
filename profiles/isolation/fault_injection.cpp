#include "profiles/isolation/fault_injection.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::profiles::isolation {
namespace {

constexpr int kHang = -1;  // not a signal: the worker sleeps for ever, running (not stopped)

std::vector<std::pair<std::string, std::string>> pairs_of(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return {};
    pairs.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return pairs;
}

}  // namespace

FaultInjection FaultInjection::from_environment() {
  FaultInjection f;
  const char* value = std::getenv("KTUNE_WORKER_FAULT");
  if (!value || !*value) return f;
  std::stringstream in(value);
  std::string item;
  while (std::getline(in, item, ';'))
    f.faults_.push_back(parse(item));
  return f;
}

FaultInjection::Fault FaultInjection::parse(const std::string& text) {
  Fault f;
  const auto bad = [&] {
    return Error(fmt::format(
        "KTUNE_WORKER_FAULT: '{}': expected SIGNAL@WHEN, SIGNAL one of SEGV, ABRT, KILL, STOP, "
        "BUS, FPE, ILL, HANG and WHEN one of start, #N, NAME=VALUE[,NAME=VALUE...]",
        text));
  };
  const auto at = text.find('@');
  if (at == std::string::npos) throw bad();
  std::string name = text.substr(0, at);
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  static const std::map<std::string, int> kSignals{
      {"SEGV", SIGSEGV}, {"ABRT", SIGABRT}, {"KILL", SIGKILL}, {"STOP", SIGSTOP},
      {"BUS", SIGBUS},   {"FPE", SIGFPE},   {"ILL", SIGILL},   {"HANG", kHang}};
  const auto found = kSignals.find(name);
  if (found == kSignals.end()) throw bad();
  f.signal = found->second;
  const std::string when = text.substr(at + 1);
  if (when == "start") {
    f.at_start = true;
  } else if (when.size() > 1 && when[0] == '#') {
    try {
      f.evaluation = std::stoull(when.substr(1));
    } catch (const std::exception&) {
      throw bad();
    }
    if (f.evaluation == 0) throw bad();
  } else {
    f.values = pairs_of(when);
    if (f.values.empty()) throw bad();
  }
  return f;
}

void FaultInjection::fire(int signal) {
  if (signal == kHang) {
    std::cerr << "ktune worker: fault injection: hanging" << std::endl;
    for (;;)
      std::this_thread::sleep_for(std::chrono::hours(1));
  }
  std::cerr << "ktune worker: fault injection: raising SIG" << sigabbrev_np(signal) << std::endl;
  if (signal != SIGSTOP && signal != SIGKILL)
    std::signal(signal, SIG_DFL);  // a real crash, whatever handler a runtime installed
  std::raise(signal);
}

void FaultInjection::at_start() const {
  for (const auto& f : faults_)
    if (f.at_start) fire(f.signal);
}

void FaultInjection::arm(std::uint64_t evaluation, const std::string& config) {
  armed_ = 0;
  const auto have = pairs_of(config);
  for (const auto& f : faults_) {
    if (f.at_start) continue;
    bool matches = f.evaluation ? evaluation == f.evaluation : true;
    for (const auto& wanted : f.values) {
      bool found = false;
      for (const auto& value : have)
        found = found || value == wanted;
      matches = matches && found;
    }
    if (matches) armed_ = f.signal;
  }
}

void FaultInjection::at_launch() {
  const int signal = armed_;
  armed_ = 0;
  if (signal) fire(signal);
}

}  // namespace ktune::profiles::isolation
