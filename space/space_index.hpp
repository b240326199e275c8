#pragma once
// An index over the points of a space that strategies search: each point gets a number, its
// value positions per parameter, O(1) lookup of a configuration, neighbourhoods (points that
// differ in one parameter) and a feature vector for surrogate models. Built once per session
// from the enumerated valid points; read-only afterwards, so strategies can share it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "space/config.hpp"
#include "space/space.hpp"

namespace ktune {

enum class Neighbourhood {
  // Along each parameter, the nearest point below and above in that parameter's value order
  // (the others unchanged): small steps for ordered values such as tile sizes.
  adjacent,
  // Every point that differs in exactly one parameter, whatever the value.
  hamming,
};

class SpaceIndex {
 public:
  // `points` must be configurations of `space` (normally space.enumerate()); duplicates are
  // dropped, the order is kept.
  SpaceIndex(const Space& space, std::vector<Config> points);

  std::size_t size() const { return points_.size(); }
  std::size_t dimensions() const { return levels_.size(); }
  const Config& config(std::size_t point) const { return points_[point]; }
  const std::vector<Config>& configs() const { return points_; }
  std::optional<std::size_t> find(const Config& config) const;
  // The point whose value positions are `positions` (one per parameter), if there is one.
  std::optional<std::size_t> find_positions(const std::vector<std::uint32_t>& positions) const;
  std::vector<std::uint32_t> positions(std::size_t point) const;

  // Position of the point's value within its parameter's values, and the number of values.
  std::uint32_t position(std::size_t point, std::size_t param) const {
    return positions_[point * levels_.size() + param];
  }
  std::uint32_t levels(std::size_t param) const { return levels_[param]; }

  // Points that differ from `point` in exactly one parameter, in parameter order.
  std::vector<std::size_t> neighbours(std::size_t point, Neighbourhood kind) const;

  // Parameters with more than one value: the dimensions a surrogate model sees.
  const std::vector<std::size_t>& varying() const { return varying_; }
  // What a surrogate model sees of a point, each in [0, 1]: the position of each varying
  // parameter's value, and for integer parameters whose values are not all powers of two (or
  // otherwise ordered like their alignment), the alignment of the value: how many times two
  // divides it. Performance on GPUs often hinges on alignment (coalescing, bank conflicts,
  // vector widths) more than on size: 64 and 128 threads behave alike, 80 does not.
  std::size_t feature_count() const { return varying_.size() + aligned_.size(); }
  void features(std::size_t point, double* out) const;
  std::vector<double> features(std::size_t point) const;

 private:
  std::uint64_t key(const std::uint32_t* positions) const;

  std::vector<Config> points_;
  std::vector<std::uint32_t> levels_;
  std::vector<std::uint32_t> positions_;  // size() x dimensions(), row-major
  std::vector<std::size_t> varying_;
  std::vector<std::size_t> aligned_;            // parameters with an alignment feature
  std::vector<std::vector<double>> alignment_;  // per parameter and position, in [0, 1]
  // Points keyed by their positions in mixed radix (the cross product fits in 64 bits for every
  // space a person would search; larger ones fall back to a map keyed by configuration).
  bool radix_keys_ = true;
  std::vector<std::uint64_t> strides_;
  std::unordered_map<std::uint64_t, std::uint32_t> by_key_;
  std::unordered_map<Config, std::uint32_t, ConfigHash> by_config_;
  std::vector<std::vector<std::int64_t>> values_;  // each parameter's values
};

}  // namespace ktune
