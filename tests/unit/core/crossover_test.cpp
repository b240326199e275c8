// The crossover sizes: from which size on the device beats the CPU, kernel alone and end to end.
#include "core/crossover.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/transfer.hpp"

namespace ktune {
namespace {

CrossoverPoint point(std::int64_t size, double kernel_ms, double transfer_ms, double cpu_ms) {
  CrossoverPoint p;
  p.size = size;
  p.kernel_ms = kernel_ms;
  p.transfer_ms = transfer_ms;
  p.cpu_ms = cpu_ms;
  return p;
}

TEST(Crossover, TheKernelWinsBeforeTheCopiesArePaidFor) {
  // Small sizes: the CPU wins; from 256 the kernel alone wins; from 1024 even with the copies.
  const std::vector<CrossoverPoint> points{point(64, 0.05, 0.02, 0.01), point(256, 0.1, 0.4, 0.3),
                                           point(1024, 1.0, 2.0, 20.0),
                                           point(4096, 10.0, 30.0, 1000.0)};
  EXPECT_EQ(crossover_size(points, false), 256);
  EXPECT_EQ(crossover_size(points, true), 1024);
  EXPECT_DOUBLE_EQ(*points[1].speedup_kernel(), 3.0);
  EXPECT_DOUBLE_EQ(*points[1].speedup_end_to_end(), 0.6);
  EXPECT_DOUBLE_EQ(*points[2].end_to_end_ms(), 3.0);
}

TEST(Crossover, NeverInRangeOrLostAgainAtTheLargestSize) {
  const std::vector<CrossoverPoint> never{point(64, 1, 1, 0.5), point(128, 2, 1, 1.9)};
  EXPECT_FALSE(crossover_size(never, false));
  EXPECT_FALSE(crossover_size(never, true));
  // A win in the middle that is lost again is not a crossover.
  const std::vector<CrossoverPoint> lost{point(64, 1, 0, 2), point(128, 2, 0, 1)};
  EXPECT_FALSE(crossover_size(lost, false));
  // An unknown size (the variant failed) breaks the run of wins.
  auto failed = point(128, 1, 0, 5);
  failed.kernel_ms.reset();
  const std::vector<CrossoverPoint> gap{point(64, 1, 0, 5), failed, point(256, 1, 0, 5)};
  EXPECT_EQ(crossover_size(gap, false), 256);
  EXPECT_FALSE(failed.speedup_kernel());
  EXPECT_FALSE(failed.end_to_end_ms());
}

TEST(Transfers, RoundTripNeedsBothDirectionsOfOneMemory) {
  std::vector<TransferTiming> t(3);
  t[0].direction = CopyDirection::host_to_device;
  t[0].time = summarize(std::vector<double>{1.0, 1.0, 1.0});
  t[1].direction = CopyDirection::device_to_host;
  t[1].time = summarize(std::vector<double>{0.5, 0.5, 0.5});
  t[2].memory = HostMemory::pinned;
  t[2].time = summarize(std::vector<double>{0.25});
  EXPECT_DOUBLE_EQ(*round_trip_ms(t, HostMemory::pageable), 1.5);
  EXPECT_FALSE(round_trip_ms(t, HostMemory::pinned));
}

}  // namespace
}  // namespace ktune
