// A thin RAII layer over the SQLite C API: a connection and prepared statements with bound parameters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace mitrekg::sql {

// Every failure throws mitrekg::error with `code` (bad_snapshot when reading,
// write_error when writing) naming the file and SQLite's message.
class database {
public:
  // read_only maps the file (fast whole-blob reads); read_only_unmapped reads
  // pages with pread(2), so a file truncated in place while it is read gives an
  // I/O error instead of SIGBUS (the cache, whose files others may touch).
  enum class mode { read_only, read_only_unmapped, create };
  database(const std::string& file, mode m);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  void exec(const char* sql);                 // statements without parameters
  sqlite3* handle() const noexcept { return db_; }
  const std::string& file() const noexcept { return file_; }
  mode open_mode() const noexcept { return mode_; }
  [[noreturn]] void fail(std::string_view what) const;

private:
  sqlite3* db_ = nullptr;
  std::string file_;
  mode mode_;
  bool writing_;
};

// A prepared statement. Only bound parameters reach SQL.
class statement {
public:
  statement(database& db, const char* sql);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind(int index, std::string_view text);    // 1-based
  statement& bind(int index, std::int64_t value);
  statement& bind_null(int index);
  // Runs one step: true while a row is available.
  bool step();
  // Runs an insert/update to completion and resets for the next bindings.
  void run();
  void reset();

  // Column views are valid until the next step() or reset().
  std::string_view text(int column) const;
  sqlite3_stmt* handle() const noexcept { return stmt_; }
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

private:
  database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace mitrekg::sql
