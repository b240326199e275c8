#include "profiles/cuda/cuda_api.hpp"

#include <atomic>

namespace ktune::profiles::cuda {
namespace {

const Api kReal{};
std::atomic<const Api*> g_installed{&kReal};

}  // namespace

const Api& api() {
  return *g_installed.load(std::memory_order_acquire);
}

ScopedApi::ScopedApi(const Api& table) : previous_(g_installed.exchange(&table)) {}

ScopedApi::~ScopedApi() {
  g_installed.store(previous_);
}

}  // namespace ktune::profiles::cuda
