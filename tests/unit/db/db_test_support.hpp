#pragma once
// What the db tests share: a temporary directory, and sessions, devices and evaluations to store.
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/device_info.hpp"
#include "core/evaluation.hpp"
#include "db/sqlite.hpp"
#include "db/store.hpp"

namespace ktune::db::test {

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("ktune-db-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

inline DeviceInfo gpu(const std::string& name = "NVIDIA H100 80GB HBM3",
                      const std::string& architecture = "sm_90",
                      const std::string& driver = "550.54") {
  DeviceInfo d;
  d.backend = "cuda";
  d.name = name;
  d.vendor = "NVIDIA";
  d.architecture = architecture;
  d.driver_version = driver;
  d.runtime_version = "13.0";
  d.compute_units = 132;
  d.global_memory_bytes = 85'520'809'984ULL;
  d.max_allocation_bytes = 21'380'202'496ULL;
  d.shared_memory_per_block = 49'152;
  d.shared_memory_per_block_optin = 232'448;
  d.l2_bytes = 52'428'800;
  d.max_threads_per_block = 1024;
  d.max_block_dim[0] = 1024;
  d.max_block_dim[1] = 1024;
  d.max_block_dim[2] = 64;
  d.warp_size = 32;
  d.clock_mhz = 1980;
  d.peak_bandwidth_gbs = 3352.3;
  d.peak_gflops_fp32 = 66'900;
  return d;
}

inline Problem matmul(std::int64_t m, std::int64_t n, std::int64_t k) {
  return Problem{"matmul", {{"m", m}, {"n", n}, {"k", k}}, "f32"};
}

inline SessionRecord session_on(const DeviceInfo& device, const Problem& problem,
                                const std::string& family = "matmul") {
  SessionRecord r{family, problem, device, "exhaustive", 7, "0.1.0"};
  return r;
}

inline Evaluation correct(double ms) {
  Evaluation e;
  e.outcome = Outcome::correct;
  e.samples_ms = {ms * 1.01, ms, ms * 0.99, ms * 1.02, ms};
  e.time = summarize(e.samples_ms);
  e.max_error = 1e-7;
  e.compile_ms = 35;
  e.cost_ms = 120;
  return e;
}

inline Evaluation failed(Outcome outcome, const std::string& message) {
  Evaluation e;
  e.outcome = outcome;
  e.message = message;
  return e;
}

inline std::int64_t count_rows(const Store& store, const std::string& sql) {
  Statement s(store.connection(), sql);
  s.step();
  return s.integer(0);
}

}  // namespace ktune::db::test
