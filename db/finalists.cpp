#include "db/finalists.hpp"

#include "db/samples_text.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {

std::vector<StoredFinalist> session_finalists(const Store& store, std::int64_t session) {
  Statement s(store.connection(),
              "SELECT f.rank, c.canonical, f.remeasured, f.samples_ms, f.median_ms "
              "FROM finalists f JOIN configurations c ON c.id = f.configuration_id "
              "WHERE f.session_id = ? ORDER BY f.rank");
  s.bind(1, session);
  std::vector<StoredFinalist> finalists;
  while (s.step()) {
    StoredFinalist f;
    f.rank = static_cast<int>(s.integer(0));
    f.config = s.text(1);
    f.remeasured = s.integer(2) != 0;
    f.samples_ms = samples_from_text(s.text(3), NonNumbers::skip);
    f.time = summarize(f.samples_ms);
    if (auto median = s.optional_real(4)) f.time.median = *median;
    finalists.push_back(std::move(f));
  }
  return finalists;
}

}  // namespace ktune::db
