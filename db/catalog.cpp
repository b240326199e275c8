#include "db/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "db/ids.hpp"
#include "db/json.hpp"

namespace ktune::db {
namespace {

// Unknown numbers are stored as NULL: DeviceInfo writes them as 0.
std::optional<std::int64_t> known(std::int64_t value) {
  return value != 0 ? std::optional<std::int64_t>(value) : std::nullopt;
}
std::optional<std::int64_t> known(std::uint64_t value) {
  return known(static_cast<std::int64_t>(value));
}
std::optional<double> known(double value) {
  return value > 0 && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// NAME=VALUE pairs separated by commas; nullopt when the text is not of that form.
std::optional<std::vector<std::pair<std::string, std::string>>> split_pairs(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (text.empty()) return pairs;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const auto item = text.substr(start, comma - start);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    pairs.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    start = comma + 1;
  }
  return pairs;
}

}  // namespace

std::vector<ParamValue> parse_canonical(std::string_view canonical) {
  auto pairs = split_pairs(canonical);
  if (!pairs)
    throw UsageError(
        fmt::format("configuration '{}': expected NAME=VALUE,... (e.g. TS=16,WPT=4)", canonical));
  std::vector<ParamValue> values;
  for (auto& [name, label] : *pairs) {
    auto number = parse_integer(label);
    values.push_back(
        {name, number ? ParamValue::Kind::integer : ParamValue::Kind::text, number, label});
  }
  return values;
}

std::vector<std::pair<std::string, std::int64_t>> parse_shape_text(std::string_view shape) {
  constexpr std::size_t kMaxLength = 1024;
  constexpr std::string_view kExpected =
      "expected NAME=SIZE,... with names of letters, digits and '_' and sizes of 0 or more, e.g. "
      "m=256,n=256,k=256";
  if (shape.size() > kMaxLength)
    throw UsageError(fmt::format("shape of {} characters is too long (at most {}; {})",
                                 shape.size(), kMaxLength, kExpected));
  if (const auto bad = invalid_utf8_at(shape))
    throw UsageError(fmt::format("shape is not UTF-8 text (byte 0x{:02X} at column {}; {})",
                                 static_cast<unsigned char>(shape[*bad]), *bad + 1, kExpected));
  const std::string shown = printable(shape);
  auto fail = [&](const std::string& what) {
    throw UsageError(fmt::format("shape '{}': {} ({})", shown, what, kExpected));
  };
  auto is_name = [](std::string_view name) {
    auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
    return !name.empty() && letter(name.front()) &&
           std::all_of(name.begin(), name.end(), [&](char c) {
             return letter(c) || std::isdigit(static_cast<unsigned char>(c));
           });
  };
  std::vector<std::pair<std::string, std::int64_t>> dims;
  if (shape.empty()) return dims;
  std::size_t start = 0;
  while (start <= shape.size()) {
    auto comma = shape.find(',', start);
    if (comma == std::string_view::npos) comma = shape.size();
    const auto item = shape.substr(start, comma - start);
    start = comma + 1;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0)
      fail(fmt::format("'{}' is not NAME=SIZE", printable(item)));
    const auto name = item.substr(0, eq);
    const auto text = item.substr(eq + 1);
    if (!is_name(name)) fail(fmt::format("'{}' is not a name", printable(name)));
    for (const auto& [seen, size] : dims)
      if (seen == name) fail(fmt::format("'{}' is given twice", name));
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc::result_out_of_range && ptr == end)
      fail(fmt::format("{}={} is too large (at most {})", name, text,
                       std::numeric_limits<std::int64_t>::max()));
    if (ec != std::errc() || ptr != end || text.empty())
      fail(fmt::format("'{}' is not a size", printable(text)));
    if (value < 0) fail(fmt::format("{}={} is negative", name, value));
    dims.emplace_back(std::string(name), value);
  }
  return dims;
}

namespace catalog {

std::vector<ParamValue> typed_values(std::string_view canonical) {
  try {
    return parse_canonical(canonical);
  } catch (const UsageError&) {
    return {};
  }
}

std::int64_t device_id(StatementCache& statements, const Connection& connection,
                       const DeviceInfo& d, std::string_view fingerprint,
                       std::string_view first_seen) {
  const std::string key = fingerprint.empty() ? d.fingerprint() : std::string(fingerprint);
  {
    auto find = statements.get("SELECT id FROM devices WHERE fingerprint = ?");
    find->bind(1, key);
    if (find->step()) return find->integer(0);
  }
  auto insert = statements.get(
      "INSERT INTO devices (fingerprint, backend, name, vendor, architecture, compute_units, "
      "global_memory_bytes, max_allocation_bytes, shared_memory_per_block, "
      "shared_memory_per_block_optin, l2_bytes, max_threads_per_block, max_block_dim_x, "
      "max_block_dim_y, max_block_dim_z, warp_size, clock_mhz, peak_bandwidth_gbs, "
      "peak_gflops_fp32, driver_version, runtime_version, first_seen) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert->bind(1, key)
      .bind(2, d.backend)
      .bind(3, d.name)
      .bind(4, d.vendor)
      .bind(5, d.architecture)
      .bind(6, known(std::int64_t{d.compute_units}))
      .bind(7, known(d.global_memory_bytes))
      .bind(8, known(d.max_allocation_bytes))
      .bind(9, known(d.shared_memory_per_block))
      .bind(10, known(d.shared_memory_per_block_optin))
      .bind(11, known(d.l2_bytes))
      .bind(12, known(std::int64_t{d.max_threads_per_block}))
      .bind(13, known(std::int64_t{d.max_block_dim[0]}))
      .bind(14, known(std::int64_t{d.max_block_dim[1]}))
      .bind(15, known(std::int64_t{d.max_block_dim[2]}))
      .bind(16, known(std::int64_t{d.warp_size}))
      .bind(17, known(d.clock_mhz))
      .bind(18, known(d.peak_bandwidth_gbs))
      .bind(19, known(d.peak_gflops_fp32))
      .bind(20, d.driver_version)
      .bind(21, d.runtime_version)
      .bind(22, first_seen.empty() ? now_utc() : std::string(first_seen));
  insert->run();
  return connection.last_insert_id();
}

DeviceInfo read_device(const Statement& s, int i) {
  DeviceInfo d;
  d.backend = s.text(i);
  d.name = s.text(i + 1);
  d.vendor = s.text(i + 2);
  d.architecture = s.text(i + 3);
  d.compute_units = static_cast<int>(s.integer(i + 4));
  d.global_memory_bytes = static_cast<std::uint64_t>(s.integer(i + 5));
  d.max_allocation_bytes = static_cast<std::uint64_t>(s.integer(i + 6));
  d.shared_memory_per_block = static_cast<std::uint64_t>(s.integer(i + 7));
  d.shared_memory_per_block_optin = static_cast<std::uint64_t>(s.integer(i + 8));
  d.l2_bytes = static_cast<std::uint64_t>(s.integer(i + 9));
  d.max_threads_per_block = static_cast<int>(s.integer(i + 10));
  for (int k = 0; k < 3; ++k)
    d.max_block_dim[k] = static_cast<int>(s.integer(i + 11 + k));
  d.warp_size = s.is_null(i + 14) ? 1 : static_cast<int>(s.integer(i + 14));
  d.clock_mhz = s.real(i + 15);
  d.peak_bandwidth_gbs = s.real(i + 16);
  d.peak_gflops_fp32 = s.real(i + 17);
  d.driver_version = s.text(i + 18);
  d.runtime_version = s.text(i + 19);
  return d;
}

std::int64_t kernel_id(StatementCache& statements, const Connection& connection,
                       std::string_view family, std::string_view variant,
                       std::string_view source_hash) {
  {
    auto find = statements.get(
        "SELECT id FROM kernels WHERE family = ? AND variant = ? AND source_hash = ?");
    find->bind(1, family).bind(2, variant).bind(3, source_hash);
    if (find->step()) return find->integer(0);
  }
  auto insert =
      statements.get("INSERT INTO kernels (family, variant, source_hash) VALUES (?, ?, ?)");
  insert->bind(1, family).bind(2, variant).bind(3, source_hash);
  insert->run();
  return connection.last_insert_id();
}

std::int64_t problem_id(StatementCache& statements, const Connection& connection,
                        const Problem& problem) {
  const std::string shape = problem.canonical();
  {
    auto find =
        statements.get("SELECT id FROM problems WHERE family = ? AND dtype = ? AND shape = ?");
    find->bind(1, problem.kernel).bind(2, problem.dtype).bind(3, shape);
    if (find->step()) return find->integer(0);
  }
  {
    auto insert = statements.get("INSERT INTO problems (family, dtype, shape) VALUES (?, ?, ?)");
    insert->bind(1, problem.kernel).bind(2, problem.dtype).bind(3, shape);
    insert->run();
  }
  const auto id = connection.last_insert_id();
  auto dim = statements.get(
      "INSERT OR IGNORE INTO problem_dims (problem_id, position, name, value) VALUES (?, ?, ?, ?)");
  for (std::size_t i = 0; i < problem.dims.size(); ++i) {
    dim->reset();
    dim->bind(1, id)
        .bind(2, static_cast<std::int64_t>(i))
        .bind(3, problem.dims[i].first)
        .bind(4, problem.dims[i].second);
    dim->run();
  }
  return id;
}

std::int64_t configuration_id(StatementCache& statements, const Connection& connection,
                              std::int64_t kernel, std::string_view canonical,
                              const std::vector<ParamValue>& params) {
  {
    auto find =
        statements.get("SELECT id FROM configurations WHERE kernel_id = ? AND canonical = ?");
    find->bind(1, kernel).bind(2, canonical);
    if (find->step()) return find->integer(0);
  }
  {
    auto insert = statements.get("INSERT INTO configurations (kernel_id, canonical) VALUES (?, ?)");
    insert->bind(1, kernel).bind(2, canonical);
    insert->run();
  }
  const auto id = connection.last_insert_id();
  const auto parsed = params.empty() ? typed_values(canonical) : std::vector<ParamValue>{};
  const auto& values = params.empty() ? parsed : params;
  // Many rows per statement: an import writes hundreds of thousands of them.
  constexpr std::size_t kRowsPerStatement = 64;
  for (std::size_t first = 0; first < values.size(); first += kRowsPerStatement) {
    const std::size_t rows = std::min(kRowsPerStatement, values.size() - first);
    std::string sql =
        "INSERT OR IGNORE INTO config_values (configuration_id, position, name, kind, value, "
        "label) VALUES (?, ?, ?, ?, ?, ?)";
    for (std::size_t r = 1; r < rows; ++r)
      sql += ", (?, ?, ?, ?, ?, ?)";
    auto insert = statements.get(sql);
    for (std::size_t r = 0; r < rows; ++r) {
      const auto& v = values[first + r];
      const int b = static_cast<int>(r) * 6;
      insert->bind(b + 1, id)
          .bind(b + 2, static_cast<std::int64_t>(first + r))
          .bind(b + 3, v.name)
          .bind(b + 4, enum_name(v.kind))
          .bind(b + 5, v.value)
          .bind(b + 6, v.label.empty() && v.value ? std::to_string(*v.value) : v.label);
    }
    insert->run();
  }
  return id;
}

}  // namespace catalog
}  // namespace ktune::db
