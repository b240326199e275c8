#pragma once
// ktune::runtime: which tuned configuration to run, looked up at run time from a results
// database or from an export's JSON table, with the same rules as `ktune query best`:
//   exact -> nearest_shape (re-checked against the family's constraints) -> same_architecture
//   -> default_config,
// and always saying which rule answered and where the answer came from. The device is plain
// data, so programs (and tests) can ask for any GPU without having it.
//
//   auto tuned = ktune::runtime::TunedConfigs::from_export("tuned/matmul.json");
//   auto pick = tuned.lookup("matmul", {"cuda", "NVIDIA H100 80GB HBM3", "sm_90"},
//   "4096x4096x4096");
//   // pick.config, pick.value("BM"), pick.match, pick.explanation
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ktune::db {
class Store;
}

namespace ktune::runtime {

// The device to answer for. backend + name find a stored device (the same driver and runtime
// versions preferred when given); architecture ("sm_90") serves the same-architecture rule.
struct DeviceIdentity {
  std::string backend;  // "cuda" or "opencl"
  std::string name;
  std::string architecture;
  std::string driver_version{};
  std::string runtime_version{};
};

enum class Match { exact, nearest_shape, same_architecture, default_config };
std::string_view to_string(Match match);

struct TunedConfig {
  std::string kernel;
  std::string config;  // canonical: "BM=64,BN=64,..."
  std::vector<std::pair<std::string, std::string>> values;
  Match match = Match::default_config;
  std::string explanation;  // one line for people
  // Where it came from: the database or export file, and the tuned result behind it (absent
  // for the default configuration).
  std::string source;
  std::optional<std::string> tuned_shape;
  std::optional<std::string> tuned_device;
  std::optional<double> tuned_median_ms;
  std::optional<std::int64_t> measurement;  // its id in the database the result came from
  double distance = 0;                      // between the tuned and the requested shape

  // The value of a parameter as text; throws std::out_of_range if the kernel has no such one.
  const std::string& value(std::string_view name) const;
};

class TunedConfigs {
 public:
  // Read-only. Throws UsageError for a missing or unreadable database.
  static TunedConfigs from_database(const std::filesystem::path& path);
  // An export's <kernel>.json. Throws UsageError naming what is wrong with the file.
  static TunedConfigs from_export(const std::filesystem::path& path);

  TunedConfigs(TunedConfigs&&) noexcept;
  TunedConfigs& operator=(TunedConfigs&&) noexcept;
  ~TunedConfigs();

  // Throws UsageError for an unknown kernel (naming the accepted ones) or a malformed shape.
  TunedConfig lookup(std::string_view kernel, const DeviceIdentity& device,
                     std::string_view shape) const;

 private:
  struct State;
  explicit TunedConfigs(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ktune::runtime
