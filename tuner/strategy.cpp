#include "tuner/strategy.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "tuner/strategies/annealing.hpp"
#include "tuner/strategies/auto.hpp"
#include "tuner/strategies/bayesian.hpp"
#include "tuner/strategies/exhaustive.hpp"
#include "tuner/strategies/genetic.hpp"
#include "tuner/strategies/random_search.hpp"

namespace ktune::tuner {
namespace {

using Factory = std::unique_ptr<Strategy> (*)(std::shared_ptr<const SpaceIndex>, std::uint64_t);

template <typename S>
std::unique_ptr<Strategy> make(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed) {
  return std::make_unique<S>(std::move(index), seed);
}

std::unique_ptr<Strategy> make_auto(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed) {
  return std::make_unique<BayesianStrategy>(std::move(index), seed, auto_options(), "auto");
}

std::unique_ptr<Strategy> make_exhaustive(std::shared_ptr<const SpaceIndex> index, std::uint64_t) {
  return std::make_unique<ExhaustiveStrategy>(index->configs());
}

// Every strategy: its name, one line for --help, and how it is made over an index.
struct Entry {
  std::string name;
  std::string help;
  Factory factory;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> list{
      {"auto", "model-guided search with local refinement (the default)", make_auto},
      {"bayes", "Bayesian optimisation: Gaussian process, expected improvement",
       make<BayesianStrategy>},
      {"genetic", "genetic algorithm", make<GeneticStrategy>},
      {"annealing", "simulated annealing", make<AnnealingStrategy>},
      {"random", "random search without replacement", make<RandomStrategy>},
      {"exhaustive", "every configuration in enumeration order", make_exhaustive},
  };
  return list;
}

}  // namespace

std::vector<Config> Strategy::propose(std::size_t n) {
  std::vector<Config> batch;
  while (batch.size() < n) {
    auto config = next();
    if (!config) break;
    batch.push_back(std::move(*config));
  }
  return batch;
}

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& e : entries())
      n.push_back(e.name);
    return n;
  }();
  return names;
}

std::string strategy_help() {
  std::string text;
  for (const auto& e : entries())
    text += fmt::format("{}{}: {}", text.empty() ? "" : "; ", e.name, e.help);
  return text;
}

void require_strategy(std::string_view name) {
  for (const auto& n : strategy_names())
    if (n == name) return;
  std::string accepted;
  for (const auto& n : strategy_names())
    accepted += (accepted.empty() ? "" : ", ") + n;
  throw UsageError(fmt::format("unknown strategy '{}' (accepted: {})", name, accepted));
}

std::unique_ptr<Strategy> make_strategy(std::string_view name,
                                        std::shared_ptr<const SpaceIndex> index,
                                        std::uint64_t seed) {
  require_strategy(name);
  for (const auto& e : entries())
    if (e.name == name) return e.factory(std::move(index), seed);
  return nullptr;  // not reached: require_strategy threw
}

std::unique_ptr<Strategy> make_strategy(std::string_view name, const Space& space,
                                        const std::vector<Config>& valid, std::uint64_t seed) {
  require_strategy(name);  // before building the index
  return make_strategy(name, std::make_shared<const SpaceIndex>(space, valid), seed);
}

}  // namespace ktune::tuner
