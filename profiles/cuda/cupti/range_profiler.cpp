#include "profiles/cuda/cupti/range_profiler.hpp"

#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "profiles/cuda/cupti/cupti_check.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

constexpr std::size_t kRanges = 1;

std::vector<const char*> c_strings(const std::vector<std::string>& names) {
  std::vector<const char*> out;
  for (const auto& n : names)
    out.push_back(n.c_str());
  return out;
}

}  // namespace

RangeProfiler::RangeProfiler(CUcontext context, const MetricConfig& config) : config_(config) {
  auto enable =
      params<CUpti_RangeProfiler_Enable_Params>(CUpti_RangeProfiler_Enable_Params_STRUCT_SIZE);
  enable.ctx = context;
  KTUNE_CUPTI(cuptiRangeProfilerEnable, enable);
  object_ = enable.pRangeProfilerObject;
  try {
    auto names = c_strings(config_.cupti_names());
    auto size = params<CUpti_RangeProfiler_GetCounterDataSize_Params>(
        CUpti_RangeProfiler_GetCounterDataSize_Params_STRUCT_SIZE);
    size.pRangeProfilerObject = object_;
    size.pMetricNames = names.data();
    size.numMetrics = names.size();
    size.maxNumOfRanges = kRanges;
    size.maxNumRangeTreeNodes = kRanges;
    KTUNE_CUPTI(cuptiRangeProfilerGetCounterDataSize, size);

    counter_data_.resize(size.counterDataSize);
    auto init = params<CUpti_RangeProfiler_CounterDataImage_Initialize_Params>(
        CUpti_RangeProfiler_CounterDataImage_Initialize_Params_STRUCT_SIZE);
    init.pRangeProfilerObject = object_;
    init.counterDataSize = counter_data_.size();
    init.pCounterData = counter_data_.data();
    KTUNE_CUPTI(cuptiRangeProfilerCounterDataImageInitialize, init);

    const auto& image = config_.config_image();
    auto set = params<CUpti_RangeProfiler_SetConfig_Params>(
        CUpti_RangeProfiler_SetConfig_Params_STRUCT_SIZE);
    set.pRangeProfilerObject = object_;
    set.configSize = image.size();
    set.pConfig = image.data();
    set.counterDataImageSize = counter_data_.size();
    set.pCounterDataImage = counter_data_.data();
    set.range = CUPTI_UserRange;
    set.replayMode = CUPTI_UserReplay;
    set.maxRangesPerPass = kRanges;
    set.numNestingLevels = 1;
    set.minNestingLevel = 1;
    set.passIndex = 0;
    set.targetNestingLevel = 1;
    KTUNE_CUPTI(cuptiRangeProfilerSetConfig, set);
  } catch (...) {
    auto disable =
        params<CUpti_RangeProfiler_Disable_Params>(CUpti_RangeProfiler_Disable_Params_STRUCT_SIZE);
    disable.pRangeProfilerObject = std::exchange(object_, nullptr);
    KTUNE_CUPTI_NOTHROW(cuptiRangeProfilerDisable, disable);
    throw;
  }
}

RangeProfiler::~RangeProfiler() {
  stop_nothrow();
  auto disable =
      params<CUpti_RangeProfiler_Disable_Params>(CUpti_RangeProfiler_Disable_Params_STRUCT_SIZE);
  disable.pRangeProfilerObject = object_;
  KTUNE_CUPTI_NOTHROW(cuptiRangeProfilerDisable, disable);
}

void RangeProfiler::stop_nothrow() noexcept {
  if (range_open_) {
    auto pop = params<CUpti_RangeProfiler_PopRange_Params>(
        CUpti_RangeProfiler_PopRange_Params_STRUCT_SIZE);
    pop.pRangeProfilerObject = object_;
    KTUNE_CUPTI_NOTHROW(cuptiRangeProfilerPopRange, pop);
    range_open_ = false;
  }
  if (started_) {
    auto stop =
        params<CUpti_RangeProfiler_Stop_Params>(CUpti_RangeProfiler_Stop_Params_STRUCT_SIZE);
    stop.pRangeProfilerObject = object_;
    KTUNE_CUPTI_NOTHROW(cuptiRangeProfilerStop, stop);
    started_ = false;
  }
}

std::vector<Metric> RangeProfiler::measure(const std::string& range_name,
                                           const std::function<void()>& prepare,
                                           const std::function<void()>& launch) {
  // CUPTI says when it has every pass; a bound guards against a profiler that never does.
  const std::size_t max_passes = config_.passes() + 1;
  bool all_passes = false;
  for (std::size_t pass = 0; pass < max_passes && !all_passes; ++pass) {
    if (prepare) prepare();
    auto start =
        params<CUpti_RangeProfiler_Start_Params>(CUpti_RangeProfiler_Start_Params_STRUCT_SIZE);
    start.pRangeProfilerObject = object_;
    KTUNE_CUPTI(cuptiRangeProfilerStart, start);
    started_ = true;

    auto push = params<CUpti_RangeProfiler_PushRange_Params>(
        CUpti_RangeProfiler_PushRange_Params_STRUCT_SIZE);
    push.pRangeProfilerObject = object_;
    push.pRangeName = range_name.c_str();
    KTUNE_CUPTI(cuptiRangeProfilerPushRange, push);
    range_open_ = true;

    try {
      launch();
    } catch (...) {
      stop_nothrow();
      throw;
    }

    auto pop = params<CUpti_RangeProfiler_PopRange_Params>(
        CUpti_RangeProfiler_PopRange_Params_STRUCT_SIZE);
    pop.pRangeProfilerObject = object_;
    range_open_ = false;
    KTUNE_CUPTI(cuptiRangeProfilerPopRange, pop);

    auto stop =
        params<CUpti_RangeProfiler_Stop_Params>(CUpti_RangeProfiler_Stop_Params_STRUCT_SIZE);
    stop.pRangeProfilerObject = object_;
    started_ = false;
    KTUNE_CUPTI(cuptiRangeProfilerStop, stop);
    all_passes = stop.isAllPassSubmitted != 0;
  }
  if (!all_passes)
    throw Error(fmt::format("CUPTI wanted more than {} passes for a {}-pass configuration",
                            max_passes, config_.passes()));

  auto decode = params<CUpti_RangeProfiler_DecodeData_Params>(
      CUpti_RangeProfiler_DecodeData_Params_STRUCT_SIZE);
  decode.pRangeProfilerObject = object_;
  KTUNE_CUPTI(cuptiRangeProfilerDecodeData, decode);
  if (decode.numOfRangeDropped != 0)
    throw Error(fmt::format("CUPTI dropped {} profiled range(s)", decode.numOfRangeDropped));

  auto info = params<CUpti_RangeProfiler_GetCounterDataInfo_Params>(
      CUpti_RangeProfiler_GetCounterDataInfo_Params_STRUCT_SIZE);
  info.pCounterDataImage = counter_data_.data();
  info.counterDataImageSize = counter_data_.size();
  KTUNE_CUPTI(cuptiRangeProfilerGetCounterDataInfo, info);
  if (info.numTotalRanges != 1)
    throw Error(
        fmt::format("CUPTI recorded {} ranges for one profiled launch (expected 1: is the "
                    "kernel launched in the profiled context?)",
                    info.numTotalRanges));
  return config_.evaluate(counter_data_, 0);
}

}  // namespace ktune::profiles::cuda::cupti
