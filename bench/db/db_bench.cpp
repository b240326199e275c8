// Results database benchmarks (docs/benchmarks/db.md):
//   1. insert throughput with one transaction per evaluation (what a tuner does), on disk with
//      the store's settings (WAL, synchronous=FULL), beside synchronous=NORMAL and :memory:;
//   2. import of the 17,956-entry GEMM recording: reading the file, and storing it;
//   3. best-configuration lookup latency on a database of one million measurements, warm, for
//      every rule (exact, nearest shape, same architecture), beside the ad-hoc `best` view.
// Usage: db_bench [--dir DIR] [--measurements N] [--quick] [--reuse] [--lookup-only]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "db/lookup.hpp"
#include "db/queries.hpp"
#include "db/sqlite.hpp"
#include "db/store.hpp"
#include "profiles/replay/dataset_reader.hpp"

namespace {

using namespace ktune;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Percentiles {
  double mean = 0, p50 = 0, p99 = 0, max = 0;
};

Percentiles percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  Percentiles p;
  for (double x : us)
    p.mean += x;
  p.mean /= static_cast<double>(us.size());
  p.p50 = us[us.size() / 2];
  p.p99 = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  p.max = us.back();
  return p;
}

void remove_database(const fs::path& path) {
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(path.string() + suffix);
}

Evaluation evaluation(double ms, int runs, std::mt19937_64& rng) {
  std::normal_distribution<double> noise(1.0, 0.01);
  Evaluation e;
  e.outcome = Outcome::correct;
  for (int i = 0; i < runs; ++i)
    e.samples_ms.push_back(ms * noise(rng));
  e.time = summarize(e.samples_ms);
  e.compile_ms = 40;
  e.cost_ms = 250;
  e.max_error = 1e-7;
  e.resources.registers = 64;
  e.resources.shared_bytes = 8192;
  e.metrics = {{"gflops", 1000 / ms, "GFLOP/s", MetricSource::derived}};
  return e;
}

DeviceInfo device(const std::string& name, const std::string& architecture) {
  DeviceInfo d;
  d.backend = "cuda";
  d.name = name;
  d.architecture = architecture;
  d.max_threads_per_block = 1024;
  d.driver_version = "550.54";
  return d;
}

// 1. One transaction per evaluation, as a tuning session writes.
void insert_throughput(const fs::path& dir, int count) {
  fmt::print(
      "\n## Insert throughput: one transaction per evaluation ({} evaluations, 10 runs "
      "each, 1 metric)\n\n",
      count);
  fmt::print("| database | evaluations/s | mean ms | p50 ms | p99 ms |\n|---|---|---|---|---|\n");
  for (const std::string mode :
       {"disk, synchronous=FULL (default)", "disk, synchronous=NORMAL", ":memory:"}) {
    const auto path = dir / "insert.db";
    remove_database(path);
    auto store = mode == ":memory:" ? db::Store::open_in_memory() : db::Store::open(path);
    if (mode.find("NORMAL") != std::string::npos)
      store.connection().execute("PRAGMA synchronous = NORMAL");
    db::SessionRecord record{"matmul",
                             Problem{"matmul", {{"m", 1024}, {"n", 1024}, {"k", 1024}}},
                             device("NVIDIA H100", "sm_90"),
                             "random",
                             1,
                             "bench"};
    const auto session = store.begin_session(record);
    std::mt19937_64 rng(1);
    std::vector<double> ms;
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i) {
      const auto t = Clock::now();
      store.record(session, fmt::format("TS={},WPT={},VEC={}", 8 << (i % 4), 1 << (i % 3), i),
                   evaluation(1.0 + i % 7, 10, rng));
      ms.push_back(seconds_since(t) * 1e3);
    }
    const double total = seconds_since(start);
    const auto p = percentiles(ms);
    fmt::print("| {} | {:.0f} | {:.3f} | {:.3f} | {:.3f} |\n", mode, count / total, p.mean, p.p50,
               p.p99);
  }
}

// 2. The 17,956-entry Kernel Tuner cache of a GEMM on an RTX 2080 Ti.
void import_gemm(const fs::path& dir, int repeats) {
  const fs::path file = fs::path(KTUNE_DATASETS_DIR) / "gemm_RTX_2080_Ti.json.gz";
  fmt::print("\n## Import of {} ({} repeats, fresh on-disk database each)\n\n",
             file.filename().string(), repeats);
  fmt::print(
      "| repeat | read (gunzip + JSON) s | store (one transaction) s | total s | entries |\n"
      "|---|---|---|---|---|\n");
  for (int r = 0; r < repeats; ++r) {
    const auto path = dir / "import.db";
    remove_database(path);
    auto start = Clock::now();
    const auto dataset = profiles::replay::read_dataset(file);
    const double read = seconds_since(start);
    auto store = db::Store::open(path);
    start = Clock::now();
    const auto summary = store.import_dataset(dataset, {});
    const double write = seconds_since(start);
    fmt::print("| {} | {:.3f} | {:.3f} | {:.3f} | {} |\n", r + 1, read, write, read + write,
               summary.measurements);
  }
}

// 3. A million measurements: 4 devices (two of them sm_90) x 250 shapes x 1000 configurations.
struct Corpus {
  std::vector<DeviceInfo> devices;
  std::vector<Problem> problems;
};

Problem shape(int i) {
  // 250 distinct shapes on a grid of sizes 256..8192.
  static const std::int64_t kSizes[] = {256, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192};
  return Problem{"matmul",
                 {{"m", kSizes[i % 10]}, {"n", kSizes[(i / 10) % 5 * 2]}, {"k", kSizes[i / 50]}},
                 "f32"};
}

// `write` false: the corpus is already in the database (--reuse).
Corpus build(db::Store& store, int measurements, bool write) {
  Corpus corpus;
  corpus.devices = {device("NVIDIA H100 80GB HBM3", "sm_90"), device("NVIDIA H200", "sm_90"),
                    device("NVIDIA A100-SXM4-40GB", "sm_80"), device("NVIDIA L40S", "sm_89")};
  const int configs = 1000;
  const int problems =
      std::max(1, measurements / configs / static_cast<int>(corpus.devices.size()));
  for (int p = 0; p < problems; ++p)
    corpus.problems.push_back(shape(p));
  if (!write) return corpus;
  // Imported as recorded searches: one transaction per (device, shape).
  RecordedDataset d;
  d.format = "kernel_tuner";
  d.params = {{"TS", {8, 16, 32, 64, 128}, {}},
              {"WPT", {1, 2, 4, 8}, {}},
              {"VW", {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}, {}},
              {"UNROLL", {0, 1, 2, 3, 4}, {}}};
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> spread(1.0, 20.0);
  const auto start = Clock::now();
  for (const auto& dev : corpus.devices) {
    for (const auto& problem : corpus.problems) {
      d.entries.clear();
      for (int c = 0; c < configs; ++c) {
        RecordedEntry e;
        e.values = {d.params[0].values[c % 5], d.params[1].values[(c / 5) % 4],
                    d.params[2].values[(c / 20) % 10], d.params[3].values[(c / 200) % 5]};
        const double ms = spread(rng);
        e.time_ms = ms;
        for (int k = 0; k < 10; ++k)
          e.times_ms.push_back(ms * (1 + 0.001 * k));
        d.entries.push_back(std::move(e));
      }
      db::ImportOptions options;
      options.device_name = dev.name;
      options.architecture = dev.architecture;
      options.backend = "cuda";
      options.kernel = "matmul";
      options.dims = problem.dims;
      store.import_dataset(d, options);
    }
  }
  fmt::print("built {} measurements ({} devices x {} shapes x {} configurations) in {:.1f} s\n",
             corpus.devices.size() * corpus.problems.size() * configs, corpus.devices.size(),
             corpus.problems.size(), configs, seconds_since(start));
  return corpus;
}

void lookup_latency(const fs::path& dir, int measurements, int queries, bool reuse) {
  const auto path = dir / "lookup.db";
  if (!reuse) remove_database(path);
  fmt::print("\n## Best-configuration lookup on {} measurements\n\n", measurements);
  Corpus corpus;
  {
    auto store = db::Store::open(path);
    store.connection().execute("PRAGMA synchronous = OFF");  // building only
    std::int64_t stored = 0;
    for (const auto& [table, rows] : db::database_info(store).rows)
      if (table == "measurements") stored = rows;
    corpus = build(store, measurements, !(reuse && stored > 0));
  }
  fmt::print("database file: {:.0f} MiB\n\n", static_cast<double>(fs::file_size(path)) / (1 << 20));
  auto store = db::Store::open(path);
  // The devices as stored (an import records what the file knows of them).
  std::vector<db::StoredDevice> stored;
  for (const auto& d : corpus.devices)
    stored.push_back(db::find_devices(store, "name=" + d.name).at(0));
  // A re-check as cheap as a real family's: parse the configuration, test a divisibility.
  db::FamilyRules rules;
  rules.violation = [](std::string_view, const Problem& p, const DeviceInfo&,
                       const std::string& config) -> std::optional<std::string> {
    const auto values = db::parse_canonical(config);
    if (p.dim("m") % values.at(0).value.value_or(1) != 0) return "violates 'M % TS == 0'";
    return std::nullopt;
  };
  rules.default_config = [](std::string_view, const Problem&, const DeviceInfo&) {
    return std::optional<std::string>("TS=16,WPT=1,VW=1,UNROLL=0");
  };
  db::Lookup lookup(store, rules);

  struct Case {
    std::string name;
    std::function<db::LookupRequest(int)> request;
  };
  std::mt19937 rng(3);
  auto any_problem = [&] { return corpus.problems[rng() % corpus.problems.size()]; };
  auto on_device = [&](const Problem& p, int i) {
    const auto& d = stored[static_cast<std::size_t>(i) % stored.size()];
    db::LookupRequest r{"matmul", p, d.info};
    r.device_fingerprint = d.fingerprint;
    return r;
  };
  std::vector<Case> cases{
      {"exact shape, device given", [&](int i) { return on_device(any_problem(), i); }},
      {"exact shape, any device (4 devices' results ranked)",
       [&](int) {
         return db::LookupRequest{"matmul", any_problem(), std::nullopt};
       }},
      {"nearest shape (not stored), device given",
       [&](int i) {
         auto p = any_problem();
         p.dims[2].second += 64;  // k + 64 is never stored
         return on_device(p, i);
       }},
      {"same architecture (new driver), exact shape",
       [&](int) {
         auto d = stored[0].info;
         d.driver_version = "560.1";  // a device with nothing stored
         return db::LookupRequest{"matmul", any_problem(), d};
       }},
  };
  fmt::print(
      "| lookup | rule answered | mean us | p50 us | p99 us | max us | CPU us/query |\n"
      "|---|---|---|---|---|---|---|\n");
  for (const auto& c : cases) {
    for (int i = 0; i < 200; ++i)  // warm: pages in the cache, statements prepared
      lookup.best(c.request(i));
    std::vector<double> us;
    std::string rule;
    const double cpu_start = thread_cpu_seconds();
    for (int i = 0; i < queries; ++i) {
      const auto request = c.request(i);
      const auto start = Clock::now();
      const auto r = lookup.best(request);
      us.push_back(seconds_since(start) * 1e6);
      rule = std::string(db::to_string(r.rule));
    }
    // CPU time leaves out the time the thread waited for a core (this machine is shared).
    const double cpu_us = (thread_cpu_seconds() - cpu_start) / queries * 1e6;
    const auto p = percentiles(us);
    fmt::print("| {} | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} |\n", c.name, rule, p.mean,
               p.p50, p.p99, p.max, cpu_us);
  }
  // The `best` view is for ad-hoc SQL: it ranks everything with a window function.
  std::vector<double> us;
  for (int i = 0; i < 3; ++i) {
    const auto problem = any_problem();
    db::Statement s(store.connection(),
                    "SELECT config, median_ms FROM best WHERE kernel = 'matmul' AND problem = ?");
    s.bind(1, problem.canonical());
    const auto start = Clock::now();
    while (s.step()) {
    }
    us.push_back(seconds_since(start) * 1e6);
  }
  const auto p = percentiles(us);
  fmt::print(
      "| SQL `SELECT ... FROM best WHERE problem = ?` (3 runs) | - | {:.0f} | {:.0f} | "
      "{:.0f} | {:.0f} | - |\n",
      p.mean, p.p50, p.p99, p.max);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = fs::temp_directory_path() / "ktune-db-bench";
  int measurements = 1'000'000, inserts = 1000, queries = 10'000, repeats = 3;
  bool reuse = false, lookup_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg == "--measurements" && i + 1 < argc) {
      measurements = std::stoi(argv[++i]);
    } else if (arg == "--reuse") {
      reuse = true;  // keep the lookup database of an earlier run with the same --measurements
    } else if (arg == "--lookup-only") {
      lookup_only = true;
    } else if (arg == "--quick") {
      measurements = 40'000;
      inserts = 200;
      queries = 1000;
      repeats = 1;
    } else {
      std::fprintf(stderr,
                   "usage: db_bench [--dir DIR] [--measurements N] [--quick] [--reuse] "
                   "[--lookup-only]\n");
      return 2;
    }
  }
  fs::create_directories(dir);
  fmt::print("# ktune results database benchmarks\n\nfiles in {}\n", dir.string());
  if (!lookup_only) {
    insert_throughput(dir, inserts);
    import_gemm(dir, repeats);
  }
  lookup_latency(dir, measurements, queries, reuse);
  return 0;
}
