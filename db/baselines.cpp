#include "db/baselines.hpp"

#include <fmt/format.h>

#include "core/json.hpp"
#include "db/catalog.hpp"
#include "db/ids.hpp"
#include "db/samples_text.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {
namespace {

constexpr std::string_view kColumns =
    "b.id, p.shape, b.host, b.method, b.library, b.libraries, b.threads, b.samples_ms, "
    "b.tool_version, b.created_at, b.gflops";

StoredCpuBaseline read_baseline(const Statement& s) {
  StoredCpuBaseline b;
  b.id = s.integer(0);
  b.problem = s.text(1);
  b.host = s.text(2);
  b.method = s.text(3);
  b.library = s.text(4);
  b.libraries = s.text(5);
  b.threads = static_cast<int>(s.integer(6));
  b.samples_ms = samples_from_text(s.text(7), NonNumbers::skip);
  b.time = summarize(b.samples_ms);
  b.tool_version = s.text(8);
  b.created_at = s.text(9);
  b.gflops = s.optional_real(10).value_or(0.0);
  return b;
}

std::optional<StoredCpuBaseline> first(Statement& s) {
  if (!s.step()) return std::nullopt;
  return read_baseline(s);
}

}  // namespace

std::optional<StoredCpuBaseline> find_cpu_baseline(const Store& store, const Problem& problem,
                                                   int threads, std::string_view libraries,
                                                   std::string_view host) {
  const std::string where_host = host.empty() ? host_name() : std::string(host);
  Statement s(store.connection(),
              fmt::format("SELECT {} FROM cpu_baselines b JOIN problems p ON p.id = b.problem_id "
                          "WHERE p.family = ? AND p.dtype = ? AND p.shape = ? AND b.host = ? "
                          "AND b.threads = ? AND b.libraries = ? ORDER BY b.id DESC LIMIT 1",
                          kColumns));
  s.bind(1, problem.kernel)
      .bind(2, problem.dtype)
      .bind(3, problem.canonical())
      .bind(4, where_host)
      .bind(5, threads)
      .bind(6, libraries);
  return first(s);
}

std::int64_t insert_cpu_baseline(Store& store, const Problem& problem, const StoredCpuBaseline& b) {
  auto& c = store.connection();
  Transaction tx(c);
  const auto problem_id = catalog::problem_id(store.statements(), c, problem);
  const Summary time = summarize(b.samples_ms);
  Statement s(c,
              "INSERT INTO cpu_baselines (problem_id, host, method, library, libraries, threads, "
              "runs, samples_ms, median_ms, ci_low_ms, ci_high_ms, gflops, tool_version, "
              "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, problem_id)
      .bind(2, b.host.empty() ? host_name() : b.host)
      .bind(3, b.method)
      .bind(4, b.library)
      .bind(5, b.libraries)
      .bind(6, b.threads)
      .bind(7, static_cast<std::int64_t>(time.count))
      .bind(8, samples_text(b.samples_ms))
      .bind(9, time.median)
      .bind(10, time.count ? std::optional<double>(time.ci_low) : std::nullopt)
      .bind(11, time.count ? std::optional<double>(time.ci_high) : std::nullopt)
      .bind(12, b.gflops > 0 ? std::optional<double>(b.gflops) : std::nullopt)
      .bind(13, b.tool_version.empty() ? std::string(KTUNE_VERSION) : b.tool_version)
      .bind(14, b.created_at.empty() ? now_utc() : b.created_at);
  s.run();
  const auto id = c.last_insert_id();
  tx.commit();
  return id;
}

void link_cpu_baseline(Store& store, std::int64_t session, std::int64_t baseline, bool reused) {
  Statement s(store.connection(),
              "INSERT OR IGNORE INTO session_baselines (session_id, baseline_id, reused) "
              "VALUES (?, ?, ?)");
  s.bind(1, session).bind(2, baseline).bind(3, reused ? 1 : 0);
  s.run();
}

std::optional<StoredCpuBaseline> session_cpu_baseline(const Store& store, std::int64_t session) {
  Statement s(store.connection(),
              fmt::format("SELECT {}, l.reused FROM session_baselines l "
                          "JOIN cpu_baselines b ON b.id = l.baseline_id "
                          "JOIN problems p ON p.id = b.problem_id WHERE l.session_id = ?",
                          kColumns));
  s.bind(1, session);
  if (!s.step()) return std::nullopt;
  auto b = read_baseline(s);
  b.reused = s.integer(11) != 0;
  return b;
}

std::optional<StoredCpuBaseline> cpu_baseline(const Store& store, std::int64_t id) {
  Statement s(store.connection(),
              fmt::format("SELECT {} FROM cpu_baselines b JOIN problems p ON p.id = b.problem_id "
                          "WHERE b.id = ?",
                          kColumns));
  s.bind(1, id);
  return first(s);
}

}  // namespace ktune::db
