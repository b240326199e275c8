// Everything stored reads back as it was, in memory and on disk.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "db/queries.hpp"
#include "db_test_support.hpp"

namespace ktune::db {
namespace {

using test::TempDir;

class RoundTrip : public ::testing::TestWithParam<bool> {
 protected:
  Store open() { return GetParam() ? Store::open(dir_ / "r.db") : Store::open_in_memory(); }
  TempDir dir_;
};

TEST_P(RoundTrip, DeviceKeepsEveryField) {
  auto store = open();
  const auto device = test::gpu();
  store.begin_session(test::session_on(device, test::matmul(8, 8, 8)));
  const auto list = devices(store);
  ASSERT_EQ(list.size(), 1u);
  const auto& d = list[0].info;
  EXPECT_EQ(list[0].fingerprint, device.fingerprint());
  EXPECT_EQ(d.fingerprint(), device.fingerprint());
  EXPECT_EQ(d.backend, device.backend);
  EXPECT_EQ(d.name, device.name);
  EXPECT_EQ(d.vendor, device.vendor);
  EXPECT_EQ(d.architecture, device.architecture);
  EXPECT_EQ(d.driver_version, device.driver_version);
  EXPECT_EQ(d.runtime_version, device.runtime_version);
  EXPECT_EQ(d.compute_units, device.compute_units);
  EXPECT_EQ(d.global_memory_bytes, device.global_memory_bytes);
  EXPECT_EQ(d.max_allocation_bytes, device.max_allocation_bytes);
  EXPECT_EQ(d.shared_memory_per_block, device.shared_memory_per_block);
  EXPECT_EQ(d.shared_memory_per_block_optin, device.shared_memory_per_block_optin);
  EXPECT_EQ(d.l2_bytes, device.l2_bytes);
  EXPECT_EQ(d.max_threads_per_block, device.max_threads_per_block);
  EXPECT_EQ(d.max_block_dim[2], device.max_block_dim[2]);
  EXPECT_EQ(d.warp_size, device.warp_size);
  EXPECT_DOUBLE_EQ(d.clock_mhz, device.clock_mhz);
  EXPECT_DOUBLE_EQ(d.peak_bandwidth_gbs, device.peak_bandwidth_gbs);
  EXPECT_DOUBLE_EQ(d.peak_gflops_fp32, device.peak_gflops_fp32);
  EXPECT_EQ(list[0].sessions, 1);

  // Unknown values are NULL in SQL, and come back as DeviceInfo's "unknown".
  DeviceInfo sparse;
  sparse.backend = "opencl";
  sparse.name = "tiny";
  store.begin_session(test::session_on(sparse, test::matmul(8, 8, 8)));
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM devices WHERE l2_bytes IS NULL"), 1);
  const auto back = find_devices(store, "tiny").at(0).info;
  EXPECT_EQ(back.l2_bytes, 0u);
  EXPECT_EQ(back.warp_size, 1);
  EXPECT_EQ(back.fingerprint(), sparse.fingerprint());
}

TEST_P(RoundTrip, SessionKeepsItsProvenance) {
  auto store = open();
  auto record = test::session_on(test::gpu(), test::matmul(512, 256, 128));
  record.variant = "register_blocked";
  record.source_hash = hash_text("__kernel void matmul() {}");
  record.budget_evaluations = 50;
  record.budget_seconds = 120.5;
  record.space_size = 864;
  record.settings = {{"min_runs", "5"}, {"restrict", "TS >= 16"}};
  record.command = "ktune tune matmul --shape 512x256x128";
  record.host = "gpu-box-3";
  record.seed = 0xFFFF'FFFF'FFFF'FFF0ULL;  // survives the int64 column
  const auto id = store.begin_session(record);
  auto s = store.session(id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kernel, "matmul");
  EXPECT_EQ(s->variant, "register_blocked");
  EXPECT_EQ(s->source_hash, record.source_hash);
  EXPECT_EQ(s->source_hash.size(), 16u);
  EXPECT_EQ(s->problem, "m=512,n=256,k=128");
  EXPECT_EQ(s->dtype, "f32");
  EXPECT_EQ(s->budget_evaluations, 50u);
  EXPECT_DOUBLE_EQ(*s->budget_seconds, 120.5);
  EXPECT_EQ(s->space_size, 864u);
  EXPECT_EQ(s->settings, record.settings);
  EXPECT_EQ(s->command, record.command);
  EXPECT_EQ(s->host, "gpu-box-3");
  EXPECT_EQ(s->seed, record.seed);
  EXPECT_EQ(s->tool_version, "0.1.0");
  EXPECT_EQ(s->origin, Origin::tune);
  EXPECT_EQ(s->status, SessionStatus::running);
  EXPECT_EQ(s->uid.size(), 32u);
  EXPECT_EQ(s->started_at.size(), 20u);  // 2024-05-01T12:00:00Z
  EXPECT_EQ(s->architecture, "sm_90");

  // Sizes are queryable integers; the host defaults to this machine's name.
  EXPECT_EQ(test::count_rows(store,
                             "SELECT value FROM problem_dims WHERE name = 'k' AND problem_id = "
                             "(SELECT problem_id FROM sessions WHERE id = 1)"),
            128);
  const auto other = store.begin_session(test::session_on(test::gpu(), test::matmul(8, 8, 8)));
  EXPECT_FALSE(store.session(other)->host.empty());
  EXPECT_NE(store.session(other)->uid, s->uid);
  // Same kernel source and device: the identity rows are shared.
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM devices"), 1);
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM problems"), 2);

  store.end_session(id, SessionStatus::interrupted);
  EXPECT_EQ(store.session(id)->status, SessionStatus::interrupted);
  EXPECT_FALSE(store.session(id)->ended_at.empty());
  EXPECT_THROW(store.end_session(999, SessionStatus::completed), Error);
}

TEST_P(RoundTrip, MeasurementKeepsEverything) {
  auto store = open();
  const auto id = store.begin_session(test::session_on(test::gpu(), test::matmul(64, 64, 64)));
  Evaluation e = test::correct(2.0);
  e.resources.registers = 64;
  e.resources.shared_bytes = 8192;
  e.resources.stack_bytes = 0;
  e.resources.spill_store_bytes = 16;
  e.resources.spill_load_bytes = 24;
  e.resources.const_bytes = 400;
  e.resources.theoretical_occupancy = 0.75;
  e.resources.occupancy_limiter = "registers";
  e.metrics = {{"dram_bytes_read", 1.5e9, "byte", MetricSource::measured},
               {"gflops", 2100.5, "GFLOP/s", MetricSource::derived},
               {"broken", NAN, "", MetricSource::derived}};
  RecordExtras extras;
  extras.params = {{"TS", ParamValue::Kind::integer, 32, "32"},
                   {"VEC", ParamValue::Kind::boolean, 1, "true"},
                   {"LAYOUT", ParamValue::Kind::choice, 2, "col_major"}};
  extras.baseline = CpuBaseline{"openblas sgemm, 2 threads", 9.5};
  store.record(id, "TS=32,VEC=true,LAYOUT=col_major", e, extras);
  store.record(id, "TS=64,VEC=false,LAYOUT=row_major",
               test::failed(Outcome::resource_exceeded, "needs 96 KiB of shared memory"));

  const auto back = store.evaluations(id);
  ASSERT_EQ(back.size(), 2u);
  const auto& b = back[0];
  EXPECT_EQ(b.seq, 1);
  EXPECT_EQ(b.config, "TS=32,VEC=true,LAYOUT=col_major");
  EXPECT_EQ(b.evaluation.outcome, Outcome::correct);
  EXPECT_EQ(b.evaluation.samples_ms, e.samples_ms);
  EXPECT_DOUBLE_EQ(b.evaluation.time.median, e.time.median);
  EXPECT_DOUBLE_EQ(b.evaluation.time.ci_low, e.time.ci_low);
  EXPECT_DOUBLE_EQ(b.evaluation.time.ci_high, e.time.ci_high);
  EXPECT_DOUBLE_EQ(b.evaluation.compile_ms, 35);
  EXPECT_DOUBLE_EQ(b.evaluation.cost_ms, 120);
  EXPECT_DOUBLE_EQ(*b.evaluation.max_error, 1e-7);
  const auto& r = b.evaluation.resources;
  EXPECT_EQ(r.registers, 64);
  EXPECT_EQ(r.shared_bytes, 8192);
  EXPECT_EQ(r.stack_bytes, 0);
  EXPECT_EQ(r.spill_store_bytes, 16);
  EXPECT_EQ(r.spill_load_bytes, 24);
  EXPECT_EQ(r.const_bytes, 400);
  EXPECT_DOUBLE_EQ(*r.theoretical_occupancy, 0.75);
  EXPECT_EQ(r.occupancy_limiter, "registers");
  ASSERT_EQ(b.evaluation.metrics.size(), 3u);
  std::map<std::string, Metric> metrics;
  for (const auto& m : b.evaluation.metrics)
    metrics[m.name] = m;
  EXPECT_DOUBLE_EQ(metrics["dram_bytes_read"].value, 1.5e9);
  EXPECT_EQ(metrics["dram_bytes_read"].unit, "byte");
  EXPECT_EQ(metrics["dram_bytes_read"].source, MetricSource::measured);
  EXPECT_EQ(metrics["gflops"].source, MetricSource::derived);
  EXPECT_TRUE(std::isnan(metrics["broken"].value));  // stored as NULL, not lost
  ASSERT_EQ(b.params.size(), 3u);
  EXPECT_EQ(b.params[1].kind, ParamValue::Kind::boolean);
  EXPECT_EQ(b.params[1].value, 1);
  EXPECT_EQ(b.params[2].kind, ParamValue::Kind::choice);
  EXPECT_EQ(b.params[2].label, "col_major");
  ASSERT_TRUE(b.baseline);
  EXPECT_EQ(b.baseline->name, "openblas sgemm, 2 threads");
  EXPECT_DOUBLE_EQ(b.baseline->median_ms, 9.5);

  const auto& f = back[1];
  EXPECT_EQ(f.seq, 2);
  EXPECT_EQ(f.evaluation.outcome, Outcome::resource_exceeded);
  EXPECT_EQ(f.evaluation.message, "needs 96 KiB of shared memory");
  EXPECT_FALSE(f.evaluation.objective_ms());
  EXPECT_FALSE(f.evaluation.resources.registers);
  // Without typed values from the caller, the canonical text gives them.
  ASSERT_EQ(f.params.size(), 3u);
  EXPECT_EQ(f.params[0].kind, ParamValue::Kind::integer);
  EXPECT_EQ(f.params[0].value, 64);
  EXPECT_EQ(f.params[1].kind, ParamValue::Kind::text);
  EXPECT_FALSE(f.params[1].value);

  // Typed values are queryable in SQL; the best and results views see the measurement.
  EXPECT_EQ(test::count_rows(
                store, "SELECT COUNT(*) FROM config_values WHERE name = 'TS' AND value >= 32"),
            2);
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM best"), 1);
  Statement best(store.connection(), "SELECT config, median_ms, speedup_over_cpu FROM best");
  ASSERT_TRUE(best.step());
  EXPECT_EQ(best.text(0), "TS=32,VEC=true,LAYOUT=col_major");
  EXPECT_DOUBLE_EQ(best.real(1), e.time.median);
  EXPECT_DOUBLE_EQ(best.real(2), 9.5 / e.time.median);
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM results WHERE outcome != 'correct'"), 1);
}

TEST_P(RoundTrip, ExportSeesWhatWasStored) {
  auto store = open();
  const auto id = store.begin_session(test::session_on(test::gpu(), test::matmul(64, 64, 64)));
  auto e = test::correct(3.0);
  e.metrics = {{"gflops", 10, "GFLOP/s", MetricSource::derived}};
  store.record(id, "TS=16,WPT=2", e);
  store.record(id, "TS=8,WPT=1", test::failed(Outcome::wrong_result, "max error 0.5"));
  std::vector<StoredMeasurement> rows;
  for_each_measurement(store, {}, [&](const StoredMeasurement& row) { rows.push_back(row); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].kernel, "matmul");
  EXPECT_EQ(rows[0].problem, "m=64,n=64,k=64");
  EXPECT_EQ(rows[0].device_name, test::gpu().name);
  EXPECT_EQ(rows[0].backend, "cuda");
  EXPECT_EQ(rows[0].evaluation.samples_ms, e.samples_ms);
  EXPECT_DOUBLE_EQ(rows[0].evaluation.time.median, e.time.median);
  EXPECT_EQ(rows[0].evaluation.metrics.size(), 1u);
  EXPECT_EQ(rows[0].params.at(1).value, 2);
  EXPECT_EQ(rows[1].evaluation.outcome, Outcome::wrong_result);
  std::size_t matmul_rows = 0;
  for_each_measurement(store, {"conv2d", {}, {}}, [&](const StoredMeasurement&) { ++matmul_rows; });
  EXPECT_EQ(matmul_rows, 0u);
}

INSTANTIATE_TEST_SUITE_P(InMemoryAndOnDisk, RoundTrip, ::testing::Values(false, true),
                         [](const auto& param_info) {
                           return param_info.param ? "OnDisk" : "InMemory";
                         });

TEST(Text, CanonicalAndShapeParsing) {
  const auto values = parse_canonical("BM=64,LAYOUT=row,X=-3");
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0].value, 64);
  EXPECT_EQ(values[1].kind, ParamValue::Kind::text);
  EXPECT_EQ(values[2].value, -3);
  EXPECT_TRUE(parse_canonical("").empty());
  EXPECT_THROW(parse_canonical("BM64"), UsageError);
  EXPECT_THROW(parse_canonical("=4"), UsageError);
  EXPECT_EQ(parse_shape_text("m=1,n=2"),
            (std::vector<std::pair<std::string, std::int64_t>>{{"m", 1}, {"n", 2}}));
  EXPECT_THROW(parse_shape_text("m=x"), UsageError);
  EXPECT_EQ(hash_text("abc"), hash_text("abc"));
  EXPECT_NE(hash_text("abc"), hash_text("abd"));
}

}  // namespace
}  // namespace ktune::db
