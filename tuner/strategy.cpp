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

struct Entry {
  std::string name;
  std::string help;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> list{
      {"auto", "model-guided search with local refinement (the default)"},
      {"bayes", "Bayesian optimisation: Gaussian process, expected improvement"},
      {"genetic", "genetic algorithm"},
      {"annealing", "simulated annealing"},
      {"random", "random search without replacement"},
      {"exhaustive", "every configuration in enumeration order"},
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
  if (name == "exhaustive") return std::make_unique<ExhaustiveStrategy>(index->configs());
  if (name == "random") return std::make_unique<RandomStrategy>(std::move(index), seed);
  if (name == "annealing") return std::make_unique<AnnealingStrategy>(std::move(index), seed);
  if (name == "genetic") return std::make_unique<GeneticStrategy>(std::move(index), seed);
  if (name == "bayes") return std::make_unique<BayesianStrategy>(std::move(index), seed);
  return std::make_unique<BayesianStrategy>(std::move(index), seed, auto_options(), "auto");
}

std::unique_ptr<Strategy> make_strategy(std::string_view name, const Space& space,
                                        const std::vector<Config>& valid, std::uint64_t seed) {
  require_strategy(name);  // before building the index
  return make_strategy(name, std::make_shared<const SpaceIndex>(space, valid), seed);
}

}  // namespace ktune::tuner
