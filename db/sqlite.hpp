#pragma once
// Thin RAII over the SQLite C API: move-only handles, one checking helper that names the failed
// call and the database, and a transaction that rolls back in its destructor (never throwing).
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ktune::db {

class Connection;

class Statement {
 public:
  Statement(const Connection& connection, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binding is 1-based, as in SQLite. A nullopt binds NULL.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, std::nullptr_t);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }
  Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }

  bool step();            // true while a row is available
  void run();             // steps to completion
  void reset() noexcept;  // ready to run again, bindings cleared

  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<double> optional_real(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;

 private:
  const Connection* connection_;
  sqlite3_stmt* statement_ = nullptr;
};

class Connection {
 public:
  enum class Mode { read_write_create, read_write, read_only };
  // Throws ktune::Error naming the path and SQLite's reason.
  explicit Connection(const std::string& path, Mode mode = Mode::read_write_create);
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&&) = delete;
  Connection(const Connection&) = delete;
  ~Connection();

  void execute(std::string_view sql);  // one or more statements without results
  std::int64_t last_insert_id() const;
  std::int64_t changes() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  bool read_only() const;
  // SQLite's quick_check of the main database: "ok", or the first problem it found (or why it
  // could not run) as one line of UTF-8. Reads only.
  std::string quick_check() const;
  // How long a statement waits for another process's lock before failing with "locked".
  void set_busy_timeout(int milliseconds);

  // Throws ktune::Error("<path>: <what>: <sqlite message>") unless status is OK/ROW/DONE.
  void check(int status, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// Prepared statements kept for the connection's lifetime (the hot paths prepare once). A lease
// resets the statement when it ends, so no half-read statement keeps a read transaction open.
class StatementCache {
 public:
  class Lease {
   public:
    explicit Lease(Statement& statement) : statement_(&statement) {}
    Lease(Lease&& other) noexcept : statement_(other.statement_) { other.statement_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (statement_) statement_->reset();
    }
    Statement& operator*() const { return *statement_; }
    Statement* operator->() const { return statement_; }

   private:
    Statement* statement_;
  };

  explicit StatementCache(const Connection& connection) : connection_(connection) {}
  Lease get(std::string_view sql);

 private:
  const Connection& connection_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so concurrent writers wait on
// the busy timeout instead of failing mid-transaction); ROLLBACK in the destructor unless
// commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace ktune::db
