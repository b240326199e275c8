#include "space/space_index.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <stdexcept>

namespace ktune {

SpaceIndex::SpaceIndex(const Space& space, std::vector<Config> points) {
  const auto& params = space.params();
  const std::size_t d = params.size();
  levels_.resize(d);
  values_.resize(d);
  for (std::size_t p = 0; p < d; ++p) {
    values_[p] = params[p].values;
    levels_[p] = static_cast<std::uint32_t>(params[p].values.size());
    if (levels_[p] > 1) varying_.push_back(p);
  }
  alignment_.resize(d);
  for (auto p : varying_) {
    if (params[p].kind != Param::Kind::integer) continue;
    const auto& values = params[p].values;
    std::vector<double> twos;
    bool positive = true;
    for (auto v : values) {
      positive = positive && v > 0;
      twos.push_back(v > 0 ? static_cast<double>(std::countr_zero(static_cast<std::uint64_t>(v)))
                           : 0.0);
    }
    // Only informative when it does not follow the position order.
    const bool ordered = std::is_sorted(twos.begin(), twos.end()) &&
                         std::adjacent_find(twos.begin(), twos.end()) == twos.end();
    const double top = *std::max_element(twos.begin(), twos.end());
    if (!positive || ordered || top == 0) continue;
    for (auto& t : twos)
      t /= top;
    alignment_[p] = std::move(twos);
    aligned_.push_back(p);
  }
  strides_.assign(d, 0);
  std::uint64_t stride = 1;
  for (std::size_t p = d; p-- > 0;) {
    strides_[p] = stride;
    if (levels_[p] != 0 && stride > std::numeric_limits<std::uint64_t>::max() / levels_[p]) {
      radix_keys_ = false;
      break;
    }
    stride *= levels_[p];
  }

  points_.reserve(points.size());
  positions_.reserve(points.size() * d);
  std::vector<std::uint32_t> row(d);
  for (auto& config : points) {
    if (config.values.size() != d)
      throw std::invalid_argument("SpaceIndex: a configuration does not match the space");
    for (std::size_t p = 0; p < d; ++p) {
      auto position = params[p].position(config.values[p]);
      if (!position) throw std::invalid_argument("SpaceIndex: a value is not in its parameter");
      row[p] = static_cast<std::uint32_t>(*position);
    }
    const auto number = static_cast<std::uint32_t>(points_.size());
    bool fresh = false;
    if (radix_keys_)
      fresh = by_key_.emplace(key(row.data()), number).second;
    else
      fresh = by_config_.emplace(config, number).second;
    if (!fresh) continue;
    positions_.insert(positions_.end(), row.begin(), row.end());
    points_.push_back(std::move(config));
  }
}

std::uint64_t SpaceIndex::key(const std::uint32_t* positions) const {
  std::uint64_t k = 0;
  for (std::size_t p = 0; p < levels_.size(); ++p)
    k += positions[p] * strides_[p];
  return k;
}

std::optional<std::size_t> SpaceIndex::find_positions(
    const std::vector<std::uint32_t>& positions) const {
  if (radix_keys_) {
    auto it = by_key_.find(key(positions.data()));
    if (it == by_key_.end()) return std::nullopt;
    return it->second;
  }
  Config config;
  config.values.resize(positions.size());
  for (std::size_t p = 0; p < positions.size(); ++p)
    config.values[p] = values_[p][positions[p]];
  auto it = by_config_.find(config);
  if (it == by_config_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> SpaceIndex::find(const Config& config) const {
  if (config.values.size() != levels_.size()) return std::nullopt;
  if (!radix_keys_) {
    auto it = by_config_.find(config);
    if (it == by_config_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::uint32_t> positions(levels_.size());
  for (std::size_t p = 0; p < levels_.size(); ++p) {
    const auto& values = values_[p];
    std::size_t i = 0;
    while (i < values.size() && values[i] != config.values[p])
      ++i;
    if (i == values.size()) return std::nullopt;
    positions[p] = static_cast<std::uint32_t>(i);
  }
  return find_positions(positions);
}

std::vector<std::uint32_t> SpaceIndex::positions(std::size_t point) const {
  const std::size_t d = levels_.size();
  return {positions_.begin() + static_cast<std::ptrdiff_t>(point * d),
          positions_.begin() + static_cast<std::ptrdiff_t>(point * d + d)};
}

std::vector<std::size_t> SpaceIndex::neighbours(std::size_t point, Neighbourhood kind) const {
  const std::size_t d = levels_.size();
  std::vector<std::uint32_t> row = positions(point);
  std::vector<std::size_t> result;
  for (std::size_t p = 0; p < d; ++p) {
    const std::uint32_t own = row[p];
    if (kind == Neighbourhood::hamming) {
      for (std::uint32_t q = 0; q < levels_[p]; ++q) {
        if (q == own) continue;
        row[p] = q;
        if (auto found = find_positions(row)) result.push_back(*found);
      }
    } else {
      for (std::uint32_t q = own; q-- > 0;) {
        row[p] = q;
        if (auto found = find_positions(row)) {
          result.push_back(*found);
          break;
        }
      }
      for (std::uint32_t q = own + 1; q < levels_[p]; ++q) {
        row[p] = q;
        if (auto found = find_positions(row)) {
          result.push_back(*found);
          break;
        }
      }
    }
    row[p] = own;
  }
  return result;
}

void SpaceIndex::features(std::size_t point, double* out) const {
  for (auto p : varying_)
    *out++ = static_cast<double>(position(point, p)) / static_cast<double>(levels_[p] - 1);
  for (auto p : aligned_)
    *out++ = alignment_[p][position(point, p)];
}

std::vector<double> SpaceIndex::features(std::size_t point) const {
  std::vector<double> x(feature_count());
  features(point, x.data());
  return x;
}

}  // namespace ktune
