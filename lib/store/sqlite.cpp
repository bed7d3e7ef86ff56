// RAII wrappers over SQLite connections and statements; errors become mitrekg::error.
#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include "mitrekg/error.hpp"

namespace mitrekg::sql {

database::database(const std::string& file, mode m) : file_(file), mode_(m), writing_(m == mode::create) {
  int flags = writing_ ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : (SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
  // Snapshots never change once renamed into place: immutable=1 skips locking.
  std::string name = file;
  if (!writing_) {
    std::string escaped;
    for (char c : file) {
      if (c == '%' || c == '?' || c == '#') escaped += fmt::format("%{:02X}", static_cast<unsigned char>(c));
      else escaped += c;
    }
    name = "file:" + escaped + "?mode=ro&immutable=1";
  }
  int rc = sqlite3_open_v2(name.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) fail("cannot open");
  sqlite3_extended_result_codes(db_, 1);
  // Readers map the file instead of copying pages through SQLite's page cache
  // (measured: fewer page faults for a whole-snapshot read).
  if (m == mode::read_only) sqlite3_exec(db_, "PRAGMA mmap_size=1073741824", nullptr, nullptr, nullptr);
}

database::~database() { sqlite3_close_v2(db_); }

void database::fail(std::string_view what) const {
  const char* msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
  throw error(writing_ ? errc::write_error : errc::bad_snapshot, file_, "",
              fmt::format("{}: {}", what, msg));
}

void database::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw error(writing_ ? errc::write_error : errc::bad_snapshot, file_, "", fmt::format("SQL failed: {}", msg));
  }
}

statement::statement(database& db, const char* sql) : db_(db) {
  if (sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
    db.fail("cannot prepare a statement (is this a mitrekg snapshot?)");
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int index, std::string_view text) {
  // An empty view may have no data pointer, which SQLite would store as NULL: bind "" instead.
  const char* p = text.data() ? text.data() : "";
  if (sqlite3_bind_text64(stmt_, index, p, text.size(), SQLITE_STATIC, SQLITE_UTF8) != SQLITE_OK)
    db_.fail("cannot bind a value");
  return *this;
}

statement& statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail("cannot bind a value");
  return *this;
}

statement& statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail("cannot bind a value");
  return *this;
}

bool statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail("cannot read or write a row");
}

void statement::run() {
  while (step()) {
  }
  reset();
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string_view statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::int64_t statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

bool statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

}  // namespace mitrekg::sql
