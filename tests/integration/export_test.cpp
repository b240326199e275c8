// Reuse of tuned results: ktune::runtime's lookup from a database and from an exported table,
// the generated header (compiled standalone, then run) choosing the same configurations by the
// same rules, and `ktune export`'s errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "core/error.hpp"
#include "core/statistics.hpp"
#include "db/store.hpp"
#include "kernels/family.hpp"
#include "package/export_package.hpp"
#include "run_command.hpp"
#include "runtime/tuned_configs.hpp"
#include "runtime/tuned_table.hpp"

namespace ktune {
namespace {

namespace fs = std::filesystem;

DeviceInfo gpu(const std::string& name, const std::string& arch) {
  DeviceInfo d;
  d.backend = "cuda";
  d.name = name;
  d.vendor = "NVIDIA";
  d.architecture = arch;
  d.driver_version = "580.65";
  d.runtime_version = "13.0";
  d.compute_units = 100;
  d.global_memory_bytes = 80ull << 30;
  d.shared_memory_per_block = 48 * 1024;
  d.shared_memory_per_block_optin = 227 * 1024;
  d.max_threads_per_block = 1024;
  d.max_block_dim[0] = 1024;
  d.max_block_dim[1] = 1024;
  d.max_block_dim[2] = 64;
  d.warp_size = 32;
  return d;
}

class Export : public test::CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    db_path_ = dir_ / "tuned.db";
  }

  // Stores `configs` (the n-th valid configurations of the space, with the given medians) for a
  // matmul shape on a device.
  void tune(db::Store& store, const DeviceInfo& device, const std::string& shape,
            const std::vector<std::pair<std::size_t, double>>& configs) {
    const auto& family = kernels::find_family("matmul");
    const Problem problem = family.parse_shape(shape);
    const auto space = family.space(problem, device);
    const auto valid = space.enumerate();
    db::SessionRecord session{"matmul", problem, device, "test", 1, "test"};
    const auto id = store.begin_session(session);
    for (const auto& [n, ms] : configs) {
      Evaluation e;
      e.outcome = Outcome::correct;
      e.samples_ms = {ms, ms * 1.01, ms * 0.99};
      e.time = summarize(e.samples_ms);
      store.record(id, space.canonical(valid.at(n)), e);
      chosen_[shape + "@" + device.name].push_back(space.canonical(valid.at(n)));
    }
    store.end_session(id, SessionStatus::completed);
  }

  // Two sm_90 GPUs and an sm_80 one; three shapes on A, one on C.
  void fill() {
    auto store = db::Store::open(db_path_);
    tune(store, gpu("GPU A", "sm_90"), "1024x1024x1024", {{100, 2.0}, {2000, 1.5}, {30, 3.0}});
    tune(store, gpu("GPU A", "sm_90"), "256x256x256", {{500, 0.2}, {700, 0.1}});
    tune(store, gpu("GPU A", "sm_90"), "64x64x64", {{900, 0.05}});
    tune(store, gpu("GPU C", "sm_80"), "512x512x512", {{1200, 0.9}, {40, 0.8}});
  }

  fs::path db_path_;
  std::map<std::string, std::vector<std::string>> chosen_;  // shape@device -> configs, in order
};

struct Question {
  std::string backend, name, arch, shape;
  runtime::Match match;
};

std::vector<Question> questions() {
  using runtime::Match;
  return {{"cuda", "GPU A", "sm_90", "1024x1024x1024", Match::exact},
          {"cuda", "GPU A", "sm_90", "256x256x256", Match::exact},
          {"cuda", "GPU A", "sm_90", "1000x900x1100", Match::nearest_shape},
          {"cuda", "GPU A", "sm_90", "80x70x60", Match::nearest_shape},
          {"cuda", "GPU B", "sm_90", "256x256x256", Match::same_architecture},
          {"cuda", "GPU B", "sm_90", "3000x3000x3000", Match::same_architecture},
          {"cuda", "GPU C", "sm_80", "512x512x512", Match::exact},
          {"cuda", "GPU Z", "sm_75", "512x512x512", Match::default_config},
          // Another backend's device of the same architecture string.
          {"opencl", "GPU A", "sm_90", "1024x1024x1024", Match::same_architecture}};
}

TEST_F(Export, RuntimeLookupFromTheDatabaseSaysWhichRuleAnswered) {
  fill();
  const auto tuned = runtime::TunedConfigs::from_database(db_path_);
  for (const auto& q : questions()) {
    const auto r = tuned.lookup("matmul", {q.backend, q.name, q.arch}, q.shape);
    EXPECT_EQ(r.match, q.match) << q.name << " " << q.shape << ": " << r.explanation;
    EXPECT_FALSE(r.config.empty());
    EXPECT_EQ(r.source, db_path_.string());
    if (r.match != runtime::Match::default_config) {
      ASSERT_TRUE(r.tuned_shape && r.measurement);
    }
  }
  // Exact: the fastest of the three configurations stored for that shape.
  const auto exact = tuned.lookup("matmul", {"cuda", "GPU A", "sm_90"}, "1024x1024x1024");
  EXPECT_EQ(exact.config, chosen_["1024x1024x1024@GPU A"][1]);
  EXPECT_EQ(exact.distance, 0.0);
  // Nearest: 1000x900x1100 is nearest to 1024^3, not to 256^3.
  const auto near = tuned.lookup("matmul", {"cuda", "GPU A", "sm_90"}, "1000x900x1100");
  EXPECT_EQ(near.tuned_shape, "m=1024,n=1024,k=1024");
  EXPECT_GT(near.distance, 0.0);
  EXPECT_EQ(near.value("BM"), runtime::split_config(near.config).front().second);
}

TEST_F(Export, ExportedTableAnswersAsTheDatabaseDoes) {
  fill();
  const auto store = db::Store::open_existing(db_path_, db::Store::Access::read_only);
  const auto table = runtime::collect_tuned(store, "matmul", {}, {});
  ASSERT_EQ(table.entries.size(), 4u);
  std::ofstream(dir_ / "matmul.json") << runtime::to_json(table).dump(2);
  const auto from_db = runtime::TunedConfigs::from_database(db_path_);
  const auto from_json = runtime::TunedConfigs::from_export(dir_ / "matmul.json");
  for (const auto& q : questions()) {
    const auto a = from_db.lookup("matmul", {q.backend, q.name, q.arch}, q.shape);
    const auto b = from_json.lookup("matmul", {q.backend, q.name, q.arch}, q.shape);
    EXPECT_EQ(a.match, b.match) << q.shape;
    EXPECT_EQ(a.config, b.config) << q.shape;
    EXPECT_EQ(a.measurement, b.measurement) << q.shape;  // provenance survives the export
    EXPECT_EQ(b.source, (dir_ / "matmul.json").string());
  }
}

TEST_F(Export, GeneratedHeaderCompilesStandaloneAndDispatchesLikeTheRuntime) {
  fill();
  const auto store = db::Store::open_existing(db_path_, db::Store::Access::read_only);
  const auto table = runtime::collect_tuned(store, "matmul", {}, {});
  const auto summary =
      package::export_package(table, kernels::find_family("matmul"), dir_ / "package");
  EXPECT_EQ(summary.entries, 4u);
  EXPECT_EQ(summary.devices, 2u);
  for (const char* file :
       {"ktune_tunedConfig.cmake", "ktune_tunedConfigVersion.cmake", "ktune_tuned_matmul.cmake",
        "include/ktune_tuned/matmul.hpp", "include/ktune_tuned/kernels/matmul.cl",
        "include/ktune_tuned/kernels/ktune_dialect.h", "matmul.json", "cuda/matmul_v0.cu"})
    EXPECT_TRUE(fs::exists(dir_ / "package" / file)) << file;

  // A program that includes nothing but the generated header and prints its choices.
  std::string program = "#include \"ktune_tuned/matmul.hpp\"\n#include <cstdio>\nint main() {\n";
  for (const auto& q : questions()) {
    const auto p = kernels::find_family("matmul").parse_shape(q.shape);
    program += fmt::format(
        "  {{ auto c = ktune_tuned::matmul::choose({{\"{}\", \"{}\", \"{}\"}}, {{{}, {}, {}}});\n"
        "    std::printf(\"%s %s\\n\", ktune_tuned::to_string(c.rule), c.config->text); }}\n",
        q.backend, q.name, q.arch, p.dim("m"), p.dim("n"), p.dim("k"));
  }
  program += "  return 0;\n}\n";
  std::ofstream(dir_ / "check.cpp") << program;
  const auto built = test::run_command(
      KTUNE_CXX, {"-std=c++17", "-Wall", "-Wextra", "-Wpedantic", "-Wshadow", "-Werror", "-I",
                  (dir_ / "package/include").string(), (dir_ / "check.cpp").string(), "-o",
                  (dir_ / "check").string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const auto ran = test::run_command((dir_ / "check").string(), {});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  const auto printed = test::lines(ran.out);
  const auto tuned = runtime::TunedConfigs::from_database(db_path_);
  const auto asked = questions();
  ASSERT_EQ(printed.size(), asked.size());
  for (std::size_t i = 0; i < printed.size(); ++i) {
    const auto& q = asked[i];
    const auto r = tuned.lookup("matmul", {q.backend, q.name, q.arch}, q.shape);
    EXPECT_EQ(printed[i], fmt::format("{} {}", runtime::to_string(r.match), r.config))
        << q.name << " " << q.shape;
  }
}

TEST_F(Export, BadRequestsAreClearErrors) {
  fill();
  const auto tuned = runtime::TunedConfigs::from_database(db_path_);
  EXPECT_THROW(tuned.lookup("fft", {"cuda", "GPU A", "sm_90"}, "8x8x8"), UsageError);
  EXPECT_THROW(tuned.lookup("matmul", {"cuda", "GPU A", "sm_90"}, "12x"), UsageError);
  EXPECT_THROW(runtime::TunedConfigs::from_export(dir_ / "missing.json"), UsageError);
  std::ofstream(dir_ / "other.json") << R"({"format": "something else"})";
  EXPECT_THROW(runtime::TunedConfigs::from_export(dir_ / "other.json"), UsageError);

  // ktune export: an empty database, an unknown kernel, no --out; nothing is written.
  auto empty = db::Store::open(dir_ / "empty.db");
  (void)empty;
  const auto none = ktune(
      {"export", "matmul", "--db", (dir_ / "empty.db").string(), "--out", (dir_ / "out").string()});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("nothing tuned for matmul"), std::string::npos) << none.err;
  EXPECT_EQ(test::lines(none.err).size(), 1u) << none.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  const auto unknown =
      ktune({"export", "fft", "--db", db_path_.string(), "--out", (dir_ / "out").string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("accepted: matmul, conv2d"), std::string::npos) << unknown.err;
  const auto no_out = ktune({"export", "matmul", "--db", db_path_.string()});
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.err.find("--out"), std::string::npos) << no_out.err;
  // The same export with a device filter works and says what it wrote.
  const auto one = ktune({"export", "matmul", "--db", db_path_.string(), "--device", "GPU C",
                          "--out", (dir_ / "out").string()});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("exported 1 tuned matmul results (1 devices"), std::string::npos)
      << one.out;
}

TEST_F(Export, AStoredConfigurationThisDeviceCannotRunIsNotChosen) {
  // GPU S has sm_90 like GPU A but fits only 128 threads in a block. Its fastest result at 256^3
  // was stored with a configuration that needs more (an older ktune, another driver's limits):
  // the header's constraint check must pass over it, as the runtime's re-check does.
  DeviceInfo small = gpu("GPU S", "sm_90");
  small.max_threads_per_block = 128;
  small.max_block_dim[0] = small.max_block_dim[1] = 128;
  const auto& family = kernels::find_family("matmul");
  const Problem p256 = family.parse_shape("256x256x256"), p512 = family.parse_shape("512x512x512");
  const auto big_space = family.space(p256, gpu("GPU A", "sm_90"));
  const auto small_256 = family.space(p256, small), small_512 = family.space(p512, small);
  std::string too_big, fits;
  for (const auto& c : big_space.enumerate()) {
    const auto text = big_space.canonical(c);
    if (too_big.empty() && small_256.violation(small_256.parse_config(text))) too_big = text;
    if (fits.empty() && !small_512.violation(small_512.parse_config(text)) &&
        !small_256.violation(small_256.parse_config(text)))
      fits = text;
  }
  ASSERT_FALSE(too_big.empty());
  ASSERT_FALSE(fits.empty());
  {
    auto store = db::Store::open(db_path_);
    auto record = [&](const Problem& problem, const std::string& config, double ms) {
      const auto id = store.begin_session({"matmul", problem, small, "test", 1, "test"});
      Evaluation e;
      e.outcome = Outcome::correct;
      e.samples_ms = {ms, ms, ms};
      e.time = summarize(e.samples_ms);
      store.record(id, config, e);
      store.end_session(id, SessionStatus::completed);
    };
    record(p256, too_big, 0.1);
    record(p512, fits, 0.9);
  }
  // The generated header, compiled and asked for 256^3 on GPU S.
  const auto store = db::Store::open_existing(db_path_, db::Store::Access::read_only);
  const auto table = runtime::collect_tuned(store, "matmul", {}, {});
  ASSERT_EQ(table.entries.size(), 2u);  // the entry it must not choose is in the table
  package::export_package(table, family, dir_ / "package");
  std::ofstream(dir_ / "check.cpp")
      << "#include \"ktune_tuned/matmul.hpp\"\n#include <cstdio>\nint main() {\n"
         "  auto c = ktune_tuned::matmul::choose({\"cuda\", \"GPU S\", \"sm_90\"}, "
         "{256, 256, 256});\n"
         "  std::printf(\"%s %s\\n\", ktune_tuned::to_string(c.rule), c.config->text);\n"
         "  return 0;\n}\n";
  const auto built = test::run_command(
      KTUNE_CXX, {"-std=c++17", "-Werror", "-I", (dir_ / "package/include").string(),
                  (dir_ / "check.cpp").string(), "-o", (dir_ / "check").string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const auto ran = test::run_command((dir_ / "check").string(), {});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, fmt::format("nearest_shape {}\n", fits));
}

}  // namespace
}  // namespace ktune
