// Matching CUPTI activity records to the launch they belong to by external correlation id.
#include <gtest/gtest.h>

#include "profiles/cuda/cupti/kernel_records.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

TEST(KernelRecords, KernelUnderTheIdIsTimedAndOthersIgnored) {
  KernelRecords records;
  records.add_kernel(10, 1'000, 1'500);  // the L2 flush, launched outside the id
  records.add_correlation(7, 11);        // runtime API record of the timed launch
  records.add_correlation(7, 12);        // its driver API record
  records.add_kernel(12, 2'000, 2'750);
  EXPECT_EQ(records.take_ns(7), 750u);
}

TEST(KernelRecords, RecordsMayArriveInAnyOrder) {
  KernelRecords records;
  records.add_kernel(5, 100, 400);
  records.add_correlation(3, 5);
  EXPECT_EQ(records.take_ns(3), 300u);
}

TEST(KernelRecords, SeveralKernelsSpanFirstStartToLastEnd) {
  KernelRecords records;
  records.add_correlation(9, 1);
  records.add_correlation(9, 2);
  records.add_kernel(1, 100, 200);
  records.add_kernel(2, 250, 400);
  EXPECT_EQ(records.take_ns(9), 300u);
}

TEST(KernelRecords, NothingRecordedOrNoTimestampsIsNoTime) {
  KernelRecords records;
  EXPECT_EQ(records.take_ns(1), std::nullopt);
  records.add_correlation(1, 4);
  records.add_kernel(4, 0, 0);  // CUPTI could not collect timestamps
  EXPECT_EQ(records.take_ns(1), std::nullopt);
}

TEST(KernelRecords, TakingForgetsEverythingSoRunsNeverMix) {
  KernelRecords records;
  records.add_correlation(1, 4);
  records.add_kernel(4, 10, 20);
  ASSERT_EQ(records.take_ns(1), 10u);
  EXPECT_EQ(records.take_ns(1), std::nullopt);
  records.add_correlation(2, 8);
  records.add_kernel(4, 10, 90);  // a straggler of the earlier run: not under id 2
  records.add_kernel(8, 100, 130);
  EXPECT_EQ(records.take_ns(2), 30u);
}

}  // namespace
}  // namespace ktune::profiles::cuda::cupti
