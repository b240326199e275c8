#pragma once
// The names ktune gives its metrics, shared by the code that measures them (profiles/cuda/cupti),
// the code that derives more from them (derived.hpp), the store and the reports. A name says
// what the value is; its unit travels with it in core::Metric.
#include <string_view>

namespace ktune::profiles::metrics {

// Hardware counters of one profiled run (source: measured).
inline constexpr std::string_view kProfiledDuration = "profiled_duration_ns";  // under the profiler
inline constexpr std::string_view kDramBytesRead = "dram_bytes_read";
inline constexpr std::string_view kDramBytesWrite = "dram_bytes_write";
inline constexpr std::string_view kDramThroughputPct = "dram_throughput_pct";  // of the peak
inline constexpr std::string_view kDramBytesPerSecond = "dram_bytes_per_second";
inline constexpr std::string_view kDramPeakBytesPerSecond = "dram_peak_bytes_per_second";
inline constexpr std::string_view kAchievedOccupancyPct = "achieved_occupancy_pct";
inline constexpr std::string_view kWarpsActivePerCycle = "warps_active_per_cycle";
inline constexpr std::string_view kSmCyclesActive = "sm_cycles_active";
inline constexpr std::string_view kSmClockHz = "sm_clock_hz";
inline constexpr std::string_view kL2Bytes = "l2_bytes";
inline constexpr std::string_view kSharedWavefronts = "shared_wavefronts";
inline constexpr std::string_view kSharedBankConflicts = "shared_bank_conflicts";
inline constexpr std::string_view kTensorPipeActivePct = "tensor_pipe_active_pct";
inline constexpr std::string_view kTensorInstructions = "tensor_instructions";

// Floating-point operations counted by instruction (an optional second pass; measured). An FMA
// counts as two operations.
inline constexpr std::string_view kFlopCountFp32 = "flop_count_fp32";
inline constexpr std::string_view kFlopCountFp64 = "flop_count_fp64";
inline constexpr std::string_view kFlopCountFp16 = "flop_count_fp16";

// Work of the variant: measured when counters were collected, else the family's analytic model
// (derived). flop_count is all precisions together; dram_bytes is read + write.
inline constexpr std::string_view kFlopCount = "flop_count";
inline constexpr std::string_view kDramBytes = "dram_bytes";

// Derived from the work, the timed median and the device's peaks (source: derived).
inline constexpr std::string_view kGflops = "gflops";
inline constexpr std::string_view kGflopsPctOfPeak = "gflops_pct_of_peak";
inline constexpr std::string_view kDramGbs = "dram_gbs";
inline constexpr std::string_view kDramPctOfPeak = "dram_pct_of_peak";
inline constexpr std::string_view kArithmeticIntensity = "arithmetic_intensity";
inline constexpr std::string_view kRooflineGflops = "roofline_gflops";  // attainable at that AI
inline constexpr std::string_view kRooflinePct = "roofline_pct";        // achieved / attainable
inline constexpr std::string_view kMemoryBound = "memory_bound";        // 1 memory, 0 compute
inline constexpr std::string_view kTheoreticalOccupancyPct = "theoretical_occupancy_pct";
inline constexpr std::string_view kCpuBaselineMs = "cpu_baseline_ms";  // measured on the host
inline constexpr std::string_view kSpeedupVsCpu = "speedup_vs_cpu";

}  // namespace ktune::profiles::metrics
