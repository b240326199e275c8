#include "db/sqlite.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace ktune::db {

Connection::Connection(const std::string& path, Mode mode) : path_(path) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::read_write_create:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case Mode::read_write:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::read_only:
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  const int status = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (status != SQLITE_OK) {
    // SQLite's messages may quote a damaged file's bytes: keep them one line of UTF-8.
    std::string reason = printable(db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(status));
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(fmt::format("cannot open database '{}': {}", printable(path), reason));
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::Connection(Connection&& other) noexcept
    : db_(other.db_), path_(std::move(other.path_)) {
  other.db_ = nullptr;
}

Connection::~Connection() {
  if (db_) sqlite3_close_v2(db_);
}

void Connection::check(int status, std::string_view what) const {
  if (status == SQLITE_OK || status == SQLITE_ROW || status == SQLITE_DONE) return;
  // SQLite's messages may quote a damaged file's bytes: keep them one line of UTF-8.
  const std::string reason = printable(db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(status));
  const std::string path = printable(path_);
  switch (status & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      throw Error(
          fmt::format("database '{}' is damaged ({}: {}); restore it from a copy, or see "
                      "what is left with ktune db check",
                      path, what, reason));
    case SQLITE_READONLY:
      throw Error(fmt::format("database '{}' is read-only ({}: {})", path, what, reason));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(fmt::format("database '{}' stayed locked by another process ({}: {})", path, what,
                              reason));
    case SQLITE_FULL:
      throw Error(fmt::format("database '{}': the disk is full ({})", path, what));
    default:
      throw Error(fmt::format("database '{}': {}: {}", path, what, reason));
  }
}

bool Connection::read_only() const {
  return sqlite3_db_readonly(db_, "main") == 1;
}

std::string Connection::quick_check() const {
  sqlite3_stmt* raw = nullptr;
  int status = sqlite3_prepare_v2(db_, "PRAGMA quick_check(1)", -1, &raw, nullptr);
  std::string verdict;
  if (status == SQLITE_OK && (status = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(raw, 0);
    verdict = text ? reinterpret_cast<const char*>(text) : "";
  }
  if (status != SQLITE_ROW) verdict = sqlite3_errmsg(db_);
  sqlite3_finalize(raw);
  return printable(verdict);
}

void Connection::set_busy_timeout(int milliseconds) {
  check(sqlite3_busy_timeout(db_, milliseconds), "setting the busy timeout");
}

void Connection::execute(std::string_view sql) {
  const std::string text(sql);
  check(sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr), "executing SQL");
}

std::int64_t Connection::last_insert_id() const {
  return sqlite3_last_insert_rowid(db_);
}
std::int64_t Connection::changes() const {
  return sqlite3_changes64(db_);
}

Statement::Statement(const Connection& connection, std::string_view sql)
    : connection_(&connection) {
  connection.check(sqlite3_prepare_v2(connection.handle(), sql.data(), static_cast<int>(sql.size()),
                                      &statement_, nullptr),
                   "preparing a statement");
}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_), statement_(other.statement_) {
  other.statement_ = nullptr;
}

Statement::~Statement() {
  if (statement_) sqlite3_finalize(statement_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  connection_->check(sqlite3_bind_int64(statement_, index, value), "binding a value");
  return *this;
}
Statement& Statement::bind(int index, double value) {
  connection_->check(sqlite3_bind_double(statement_, index, value), "binding a value");
  return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
  connection_->check(sqlite3_bind_text(statement_, index, value.data(),
                                       static_cast<int>(value.size()), SQLITE_TRANSIENT),
                     "binding a value");
  return *this;
}
Statement& Statement::bind(int index, std::nullptr_t) {
  connection_->check(sqlite3_bind_null(statement_, index), "binding a value");
  return *this;
}

bool Statement::step() {
  const int status = sqlite3_step(statement_);
  connection_->check(status, "running a statement");
  return status == SQLITE_ROW;
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() noexcept {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}
std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}
double Statement::real(int column) const {
  return sqlite3_column_double(statement_, column);
}
std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(statement_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
           : std::string();
}
std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}
std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

StatementCache::Lease StatementCache::get(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end())
    it = statements_.emplace(std::string(sql), std::make_unique<Statement>(connection_, sql)).first;
  return Lease(*it->second);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.execute("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  connection_.execute("COMMIT");
  done_ = true;
}

}  // namespace ktune::db
