#include "report/session_report.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "db/transfers.hpp"
#include "kernels/family.hpp"

namespace ktune::report {
namespace {

// The significance level the tuner decides with (tuner::FinalistOptions' default).
constexpr double kAlpha = tuner::FinalistOptions{}.alpha;

std::optional<Work> work_of(const db::StoredSession& s) {
  const auto* family = kernels::family_named(s.kernel);
  if (!family) return std::nullopt;
  try {
    const Problem problem{s.kernel, db::parse_shape_text(s.problem), s.dtype};
    return Work{family->flops(problem), family->min_bytes(problem)};
  } catch (const std::exception&) {
    return std::nullopt;  // a stored problem the family no longer reads
  }
}

std::optional<double> ratio(std::optional<double> over, std::optional<double> under) {
  if (!over || !under || !(*under > 0)) return std::nullopt;
  return *over / *under;
}

Headline headline_of(const SessionReport& r) {
  Headline h;
  h.best_ms = r.summary.best_ms;
  const bool default_first = r.summary.session.origin == db::Origin::tune;
  if (default_first && !r.evaluations.empty() && r.evaluations.front().seq == 1)
    h.default_ms = r.evaluations.front().evaluation.objective_ms();
  h.speedup_over_default = ratio(h.default_ms, h.best_ms);
  std::optional<double> cpu_ms;
  if (r.cpu_baseline && r.cpu_baseline->time.count > 0) cpu_ms = r.cpu_baseline->time.median;
  h.speedup_vs_cpu = ratio(cpu_ms, h.best_ms);
  if (auto copies = round_trip_ms(r.transfers, HostMemory::pageable); copies && h.best_ms)
    h.end_to_end_ms = *copies + *h.best_ms;
  h.speedup_vs_cpu_end_to_end = ratio(cpu_ms, h.end_to_end_ms);
  return h;
}

}  // namespace

std::int64_t latest_session(const db::Store& store) {
  const auto sessions = store.sessions();
  if (sessions.empty())
    throw Error(
        fmt::format("database '{}' holds no sessions yet (tune or import first)", store.path()));
  return sessions.back().id;
}

SessionReport load_session_report(const db::Store& store, std::int64_t id) {
  SessionReport r;
  db::SessionFilter filter;
  const auto session = store.session(id);
  if (!session) {
    const auto all = store.sessions();
    throw UsageError(fmt::format(
        "{}: no such session in {} ({})", id, store.path(),
        all.empty() ? std::string("it holds none yet")
                    : fmt::format("it holds {} session{}, ids {} to {}", all.size(),
                                  all.size() == 1 ? "" : "s", all.front().id, all.back().id)));
  }
  filter.kernel = session->kernel;
  filter.device = session->device_id;
  for (auto& s : db::session_summaries(store, filter))
    if (s.session.id == id) r.summary = std::move(s);
  for (auto& d : db::devices(store, false))
    if (d.id == session->device_id) r.device = std::move(d.info);
  r.evaluations = store.evaluations(id);
  r.cpu_baseline = db::session_cpu_baseline(store, id);
  r.transfers = db::session_transfers(store, id);
  r.finalists = db::session_finalists(store, id);
  if (r.finalists.size() >= 2) {
    const auto& a = r.finalists[0];
    const auto& b = r.finalists[1];
    r.verdict = tuner::test_against_runner_up(a.samples_ms, a.time.median, b.samples_ms,
                                              b.time.median, a.remeasured, kAlpha);
  }
  r.crossover = db::latest_crossover(store, session->kernel, session->device_id);
  r.work = work_of(*session);
  r.headline = headline_of(r);
  return r;
}

}  // namespace ktune::report
