#include "bench/strategies/methodology_score.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "profiles/replay/replay_evaluator.hpp"

namespace ktune::bench {
namespace {

// numpy's and Python's round: halves to even.
double round_even(double x) {
  return std::nearbyint(x);
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<double> linspace(double from, double to, std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = n == 1 ? from : from + (to - from) * static_cast<double>(i) / static_cast<double>(n - 1);
  return v;
}

}  // namespace

std::vector<double> pchip(const std::vector<double>& x, const std::vector<double>& y,
                          const std::vector<double>& at) {
  const std::size_t n = x.size();
  std::vector<double> out(at.size());
  if (n == 1) {
    std::fill(out.begin(), out.end(), y[0]);
    return out;
  }
  std::vector<double> h(n - 1), delta(n - 1), slope(n);
  for (std::size_t k = 0; k + 1 < n; ++k) {
    h[k] = x[k + 1] - x[k];
    delta[k] = (y[k + 1] - y[k]) / h[k];
  }
  auto sign = [](double v) { return (v > 0) - (v < 0); };
  if (n == 2) {
    slope[0] = slope[1] = delta[0];
  } else {
    for (std::size_t k = 1; k + 1 < n; ++k) {
      if (sign(delta[k - 1]) * sign(delta[k]) <= 0) {
        slope[k] = 0;
      } else {
        const double w1 = 2 * h[k] + h[k - 1], w2 = h[k] + 2 * h[k - 1];
        slope[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k]);
      }
    }
    // One-sided three-point estimates at the ends, kept shape-preserving.
    auto edge = [&](double h0, double h1, double d0, double d1) {
      double d = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
      if (sign(d) != sign(d0))
        d = 0;
      else if (sign(d0) != sign(d1) && std::abs(d) > std::abs(3 * d0))
        d = 3 * d0;
      return d;
    };
    slope[0] = edge(h[0], h[1], delta[0], delta[1]);
    slope[n - 1] = edge(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
  }
  for (std::size_t i = 0; i < at.size(); ++i) {
    const double t = at[i];
    std::size_t k = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), t) - x.begin());
    k = std::clamp<std::size_t>(k, 1, n - 1) - 1;
    const double s = (t - x[k]) / h[k];
    const double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s);
    const double h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
    out[i] = h00 * y[k] + h10 * h[k] * slope[k] + h01 * y[k + 1] + h11 * h[k] * slope[k + 1];
  }
  return out;
}

std::vector<double> isotonic_decreasing(std::vector<std::pair<double, double>> points,
                                        const std::vector<double>& at) {
  std::sort(points.begin(), points.end());
  // Equal x: one point, the mean of their y, weighted by their number.
  struct Block {
    double x_first, x_last, sum, weight;
  };
  std::vector<double> xs, ys, ws;
  for (std::size_t i = 0; i < points.size();) {
    std::size_t j = i;
    double sum = 0;
    while (j < points.size() && points[j].first == points[i].first)
      sum += points[j++].second;
    xs.push_back(points[i].first);
    ys.push_back(sum / static_cast<double>(j - i));
    ws.push_back(static_cast<double>(j - i));
    i = j;
  }
  // Pool adjacent violators (for a non-increasing fit).
  std::vector<double> value, weight;
  std::vector<std::size_t> count;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    value.push_back(ys[i]);
    weight.push_back(ws[i]);
    count.push_back(1);
    while (value.size() > 1 && value[value.size() - 2] < value.back()) {
      const double w = weight[weight.size() - 2] + weight.back();
      const double v =
          (value[value.size() - 2] * weight[weight.size() - 2] + value.back() * weight.back()) / w;
      const std::size_t c = count[count.size() - 2] + count.back();
      value.pop_back();
      weight.pop_back();
      count.pop_back();
      value.back() = v;
      weight.back() = w;
      count.back() = c;
    }
  }
  std::vector<double> fitted;
  for (std::size_t b = 0; b < value.size(); ++b)
    fitted.insert(fitted.end(), count[b], value[b]);
  std::vector<double> out(at.size());
  for (std::size_t i = 0; i < at.size(); ++i) {
    const double t = at[i];
    if (t <= xs.front()) {
      out[i] = fitted.front();
    } else if (t >= xs.back()) {
      out[i] = fitted.back();
    } else {
      const std::size_t k =
          static_cast<std::size_t>(std::upper_bound(xs.begin(), xs.end(), t) - xs.begin());
      const double s = (t - xs[k - 1]) / (xs[k] - xs[k - 1]);
      out[i] = fitted[k - 1] + s * (fitted[k] - fitted[k - 1]);
    }
  }
  return out;
}

MethodologyScore::MethodologyScore(const RecordedSpace& d, MethodologyOptions options) {
  profiles::replay::ReplayEvaluator evaluator(d.data);
  std::vector<double> all_times, valid_times, invalid_times;
  for (const auto& config : d.index->configs()) {
    const auto* entry = evaluator.entry(config);
    if (!entry) continue;
    const double seconds = entry->cost_ms() / 1000.0;
    all_times.push_back(seconds);
    if (entry->time_ms) {
      sorted_.push_back(*entry->time_ms);
      valid_times.push_back(seconds);
    } else {
      invalid_times.push_back(seconds);
    }
  }
  if (sorted_.empty()) throw std::runtime_error(d.name + ": no correct configuration");
  std::sort(sorted_.begin(), sorted_.end());
  optimum_ = sorted_.front();
  const double N = static_cast<double>(sorted_.size());
  const double median = median_of(sorted_);
  const double median_time = median_of(all_times);
  // The reference's "mean_per_feval": the mean time of a correct evaluation plus the share of
  // failures times the mean time of a failed one.
  auto mean = [](const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  };
  const double per_evaluation =
      invalid_times.empty()
          ? mean(all_times)
          : mean(valid_times) + static_cast<double>(invalid_times.size()) /
                                    static_cast<double>(all_times.size()) * mean(invalid_times);
  // Random search's expected evaluations to a fraction of the way from the median to the
  // optimum: i / (N + 1 - i), with i the rank from the worst of the first value that good.
  auto cutoff_seconds = [&](double fraction) {
    const double target = optimum_ + (median - optimum_) * (1 - fraction);
    std::size_t i = 0;
    while (sorted_[sorted_.size() - 1 - i] > target)
      ++i;
    const double evaluations = std::ceil(static_cast<double>(i) / (N + 1 - static_cast<double>(i)));
    return evaluations * median_time;
  };
  times_ = linspace(cutoff_seconds(options.cutoff_start), cutoff_seconds(options.cutoff_end),
                    options.resolution);
  // The calculated random search, smoothed over the evaluations as the reference does.
  std::vector<double> evaluations(times_.size()), draws(times_.size());
  for (std::size_t k = 0; k < times_.size(); ++k) {
    const double M = std::max(round_even(times_[k] / per_evaluation), 1.0);
    const double rank = std::min(N - 1, round_even(M * (N + 1) / (M + 1)));
    evaluations[k] = M;
    draws[k] = sorted_[sorted_.size() - 1 - static_cast<std::size_t>(rank)];
  }
  if (times_.size() <= 2) {
    random_ = draws;
  } else {
    std::vector<double> x, y;
    for (std::size_t k = 0; k < evaluations.size(); ++k)
      if (k == 0 || evaluations[k] > evaluations[k - 1]) {
        x.push_back(evaluations[k]);
        y.push_back(draws[k]);
      }
    random_ = pchip(x, y, linspace(evaluations.front(), evaluations.back(), evaluations.size()));
  }
}

std::vector<double> MethodologyScore::strategy_curve(
    const std::vector<std::vector<TracePoint>>& runs) const {
  const double from = times_.front() * 0.9, to = times_.back() * 1.1;
  std::vector<std::pair<double, double>> points;  // time, rank of the best among correct ones
  std::vector<double> stops;
  for (const auto& run : runs) {
    double last = 0;
    for (const auto& p : run) {
      if (!p.best) continue;
      last = p.seconds;
      if (p.seconds < from || p.seconds > to) continue;
      const auto rank = std::lower_bound(sorted_.begin(), sorted_.end(), *p.best) - sorted_.begin();
      points.emplace_back(p.seconds, static_cast<double>(rank));
    }
    stops.push_back(last);
  }
  if (points.empty()) throw std::runtime_error("no evaluations within the time budget");
  const auto fitted = isotonic_decreasing(points, times_);
  std::vector<double> curve(times_.size());
  for (std::size_t k = 0; k < times_.size(); ++k) {
    const double rank =
        std::clamp(round_even(fitted[k]), 0.0, static_cast<double>(sorted_.size() - 1));
    curve[k] = sorted_[static_cast<std::size_t>(rank)];
  }
  // Beyond the median run's last evaluation the curve is not trusted: held at its value there.
  const double stop = median_of(stops);
  if (stop < times_.back()) {
    const auto at = static_cast<std::size_t>(std::upper_bound(times_.begin(), times_.end(), stop) -
                                             times_.begin());
    for (std::size_t k = at + 1; k < curve.size() && at < curve.size(); ++k)
      curve[k] = curve[at];
  }
  return curve;
}

double MethodologyScore::score(const std::vector<std::vector<TracePoint>>& runs) const {
  const auto curve = strategy_curve(runs);
  double sum = 0;
  for (std::size_t k = 0; k < curve.size(); ++k)
    sum += (curve[k] - random_[k]) / (optimum_ - random_[k]);
  return sum / static_cast<double>(curve.size());
}

}  // namespace ktune::bench
