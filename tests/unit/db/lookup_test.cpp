// The best-configuration lookup: exact, nearest shape (re-checked), same architecture, default.
#include "db/lookup.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "db_test_support.hpp"

namespace ktune::db {
namespace {

using test::correct;
using test::gpu;
using test::matmul;

// A matmul-like family for the tests: TS must divide M, and TS*TS/WPT threads must fit.
FamilyRules rules() {
  FamilyRules r;
  r.violation = [](std::string_view kernel, const Problem& p, const DeviceInfo& d,
                   const std::string& config) -> std::optional<std::string> {
    if (kernel != "matmul") return "unknown kernel";
    std::int64_t ts = 0, wpt = 1;
    for (const auto& v : parse_canonical(config)) {
      if (v.name == "TS") ts = v.value.value_or(0);
      if (v.name == "WPT") wpt = v.value.value_or(1);
    }
    if (ts <= 0 || p.dim("m") % ts != 0) return "violates 'M % TS == 0'";
    if (ts * ts / wpt > d.max_threads_per_block) return "violates 'TS * TS / WPT <= max_threads'";
    return std::nullopt;
  };
  r.default_config = [](std::string_view kernel, const Problem&,
                        const DeviceInfo&) -> std::optional<std::string> {
    if (kernel == "matmul") return "TS=16,WPT=1";
    return std::nullopt;
  };
  return r;
}

class LookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h100_ = gpu("NVIDIA H100 80GB HBM3", "sm_90", "550.54");
    h200_ = gpu("NVIDIA H200", "sm_90", "550.54");
    a100_ = gpu("NVIDIA A100-SXM4-40GB", "sm_80", "550.54");
    auto tune = [&](const DeviceInfo& d, const Problem& p,
                    std::vector<std::pair<std::string, double>> results) {
      const auto id = store_.begin_session(test::session_on(d, p));
      for (const auto& [config, ms] : results)
        store_.record(id, config, correct(ms));
      store_.end_session(id, SessionStatus::completed);
    };
    tune(h100_, matmul(1024, 1024, 1024),
         {{"TS=16,WPT=1", 2.0}, {"TS=32,WPT=4", 1.0}, {"TS=8,WPT=1", 5.0}});
    // A faster variant that gave a wrong result is never an answer.
    const auto s = store_.begin_session(test::session_on(h100_, matmul(1024, 1024, 1024)));
    store_.record(s, "TS=64,WPT=8", test::failed(Outcome::wrong_result, "max error 0.3"));
    tune(h200_, matmul(512, 512, 512), {{"TS=32,WPT=2", 0.2}, {"TS=16,WPT=2", 0.3}});
    tune(a100_, matmul(256, 256, 256), {{"TS=8,WPT=2", 0.5}});
  }

  LookupResult ask(const Problem& p, std::optional<DeviceInfo> device,
                   const FamilyRules& family = rules()) {
    LookupRequest request;
    request.kernel = "matmul";
    request.problem = p;
    request.device = std::move(device);
    return Lookup(store_, family).best(request);
  }

  Store store_ = Store::open_in_memory();
  DeviceInfo h100_, h200_, a100_;
};

TEST_F(LookupTest, ExactShapeOnTheDevice) {
  const auto r = ask(matmul(1024, 1024, 1024), h100_);
  EXPECT_EQ(r.rule, LookupRule::exact);
  EXPECT_EQ(r.config, "TS=32,WPT=4");
  ASSERT_TRUE(r.source);
  EXPECT_DOUBLE_EQ(r.source->median_ms, 1.0);
  EXPECT_EQ(r.source->device, h100_.name);
  EXPECT_EQ(r.source->problem.canonical(), "m=1024,n=1024,k=1024");
  EXPECT_EQ(r.distance, 0);
  EXPECT_NE(r.explanation.find("exact: tuned for m=1024,n=1024,k=1024 on NVIDIA H100"),
            std::string::npos)
      << r.explanation;
}

TEST_F(LookupTest, NearestShapeSaysHowNearAndIsReChecked) {
  const auto r = ask(matmul(2048, 1024, 1024), h100_);
  EXPECT_EQ(r.rule, LookupRule::nearest_shape);
  EXPECT_EQ(r.config, "TS=32,WPT=4");
  EXPECT_NEAR(r.distance, std::log(2.0), 1e-12);
  EXPECT_TRUE(r.rechecked);
  EXPECT_EQ(r.source->rank, 1u);
  EXPECT_NE(r.explanation.find("distance 0.693"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("2.00x apart"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("re-checked: valid for m=2048,n=1024,k=1024"), std::string::npos)
      << r.explanation;
}

TEST_F(LookupTest, NearestShapeSkipsConfigurationsTheNewShapeForbids) {
  // 1040 is a multiple of 16 but not of 32: the fastest (TS=32) is rejected, TS=16 is taken.
  const auto r = ask(matmul(1040, 1024, 1024), h100_);
  EXPECT_EQ(r.rule, LookupRule::nearest_shape);
  EXPECT_EQ(r.config, "TS=16,WPT=1");
  EXPECT_EQ(r.source->rank, 2u);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].config, "TS=32,WPT=4");
  EXPECT_EQ(r.rejected[0].reason, "violates 'M % TS == 0'");
  EXPECT_NE(r.explanation.find("#2 configuration"), std::string::npos) << r.explanation;
}

TEST_F(LookupTest, WithoutConstraintsTheNearestIsTakenAndSaysSo) {
  const auto r = ask(matmul(1040, 1024, 1024), h100_, FamilyRules{});
  EXPECT_EQ(r.rule, LookupRule::nearest_shape);
  EXPECT_EQ(r.config, "TS=32,WPT=4");
  EXPECT_FALSE(r.rechecked);
  EXPECT_NE(r.explanation.find("not re-checked"), std::string::npos) << r.explanation;
}

TEST_F(LookupTest, NearestIsTheSmallestLogDistance) {
  const auto id = store_.begin_session(test::session_on(h100_, matmul(4096, 4096, 4096)));
  store_.record(id, "TS=32,WPT=8", correct(40));
  // 3072 is 3x from 1024 and 1.33x from 4096 in every size.
  auto r = ask(matmul(3072, 3072, 3072), h100_);
  EXPECT_EQ(r.source->problem.canonical(), "m=4096,n=4096,k=4096");
  EXPECT_NEAR(r.distance, 3 * std::log(4096.0 / 3072.0), 1e-12);
  r = ask(matmul(1536, 1536, 1536), h100_);  // 1.5x from 1024, 2.67x from 4096
  EXPECT_EQ(r.source->problem.canonical(), "m=1024,n=1024,k=1024");
}

TEST_F(LookupTest, MaxDistanceBoundsWhatCountsAsNear) {
  LookupRequest request;
  request.kernel = "matmul";
  request.problem = matmul(2048, 1024, 1024);
  request.device = h100_;
  request.max_distance = 0.5;  // ln 2 = 0.69 is too far
  const auto r = Lookup(store_, rules()).best(request);
  // H200 (same architecture) tuned 512^3: 2048/512 * 2 * 2 is further still; so the default.
  EXPECT_EQ(r.rule, LookupRule::default_config);
  EXPECT_EQ(r.config, "TS=16,WPT=1");
}

TEST_F(LookupTest, SameArchitectureWhenTheDeviceHasNothing) {
  // The same GPU under a new driver is a new device with nothing stored yet.
  const auto updated = gpu("NVIDIA H100 80GB HBM3", "sm_90", "560.10");
  auto r = ask(matmul(512, 512, 512), updated);
  EXPECT_EQ(r.rule, LookupRule::same_architecture);
  EXPECT_EQ(r.config, "TS=32,WPT=2");
  EXPECT_EQ(r.source->device, h200_.name);
  EXPECT_EQ(r.distance, 0);
  EXPECT_NE(r.explanation.find("same architecture (sm_90)"), std::string::npos) << r.explanation;

  r = ask(matmul(1024, 1024, 2048), updated);
  EXPECT_EQ(r.rule, LookupRule::same_architecture);
  EXPECT_EQ(r.source->problem.canonical(), "m=1024,n=1024,k=1024");
  EXPECT_NEAR(r.distance, std::log(2.0), 1e-12);

  // An architecture alone (a device never stored) works the same way.
  LookupRequest request;
  request.kernel = "matmul";
  request.problem = matmul(512, 512, 512);
  request.architecture = "sm_90";
  EXPECT_EQ(Lookup(store_, rules()).best(request).rule, LookupRule::same_architecture);
}

TEST_F(LookupTest, TheDevicesOwnResultsComeBeforeItsArchitecture) {
  // H200 has 512^3; H100 has only 1024^3: for H100 the nearest own shape wins over H200's exact.
  const auto r = ask(matmul(512, 512, 512), h100_);
  EXPECT_EQ(r.rule, LookupRule::nearest_shape);
  EXPECT_EQ(r.source->device, h100_.name);
}

TEST_F(LookupTest, DefaultWhenNothingOnTheArchitecture) {
  const auto b200 = gpu("NVIDIA B200", "sm_100", "570.1");
  const auto r = ask(matmul(1024, 1024, 1024), b200);
  EXPECT_EQ(r.rule, LookupRule::default_config);
  EXPECT_EQ(r.config, "TS=16,WPT=1");
  EXPECT_FALSE(r.source);
  EXPECT_NE(r.explanation.find("kernel's default configuration"), std::string::npos)
      << r.explanation;
}

TEST_F(LookupTest, NoneWhenTheKernelIsUnknown) {
  LookupRequest request;
  request.kernel = "Xgemm";
  request.problem = Problem{"Xgemm", {{"x", 4096}, {"y", 4096}}, "f32"};
  request.device = h100_;
  const auto r = Lookup(store_, rules()).best(request);
  EXPECT_EQ(r.rule, LookupRule::none);
  EXPECT_TRUE(r.config.empty());
  EXPECT_NE(r.explanation.find("no default configuration is known for kernel 'Xgemm'"),
            std::string::npos)
      << r.explanation;
}

TEST_F(LookupTest, WithoutADeviceTheFastestAnywhere) {
  auto r = ask(matmul(512, 512, 512), std::nullopt);
  EXPECT_EQ(r.rule, LookupRule::exact);
  EXPECT_EQ(r.source->device, h200_.name);
  r = ask(matmul(320, 256, 256), std::nullopt);  // A100's 256^3 is nearest
  EXPECT_EQ(r.rule, LookupRule::nearest_shape);
  EXPECT_EQ(r.source->device, a100_.name);
  EXPECT_TRUE(r.rejected.empty());
  // 300 is a multiple of none of the tuned tiles: every shape is tried, nearest first, and each
  // rejected configuration is reported before the default is given.
  r = ask(matmul(300, 256, 256), std::nullopt);
  EXPECT_EQ(r.rule, LookupRule::default_config);
  ASSERT_EQ(r.rejected.size(), 6u);
  EXPECT_EQ(r.rejected[0].problem, "m=256,n=256,k=256");
  EXPECT_EQ(r.rejected[1].problem, "m=512,n=512,k=512");
  EXPECT_EQ(r.rejected[5].problem, "m=1024,n=1024,k=1024");
}

TEST_F(LookupTest, OtherDataTypesAreNeverNear) {
  Problem half = matmul(1024, 1024, 1024);
  half.dtype = "f16";
  const auto r = ask(half, h100_);
  EXPECT_EQ(r.rule, LookupRule::default_config);
}

TEST(ShapeDistance, SumOfAbsoluteLogRatios) {
  EXPECT_EQ(shape_distance(matmul(8, 8, 8), matmul(8, 8, 8)), 0);
  EXPECT_NEAR(shape_distance(matmul(8, 8, 8), matmul(16, 4, 8)), 2 * std::log(2.0), 1e-12);
  EXPECT_EQ(shape_distance(matmul(8, 8, 8), matmul(16, 4, 8)),
            shape_distance(matmul(16, 4, 8), matmul(8, 8, 8)));
  EXPECT_TRUE(std::isinf(shape_distance(matmul(8, 8, 8), Problem{"matmul", {{"m", 8}}, "f32"})));
  EXPECT_TRUE(std::isinf(
      shape_distance(matmul(8, 8, 8), Problem{"matmul", {{"m", 8}, {"n", 8}, {"q", 8}}, "f32"})));
  EXPECT_TRUE(std::isinf(shape_distance(matmul(0, 8, 8), matmul(8, 8, 8))));
}

}  // namespace
}  // namespace ktune::db
