#include "common/db/sql_dialect.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace gaoxin::db {
namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Calls `word(w)` for every bare word outside quotes and comments and `other(c, next)` for every
// other character outside them (`next`: the character after it, or 0); quotes and comments are
// copied as they are. Returns the outputs concatenated.
template <typename WordFn, typename OtherFn>
std::string Rewrite(absl::string_view sql, WordFn word, OtherFn other) {
  std::string out;
  out.reserve(sql.size() + 16);
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // A quoted literal or identifier; a doubled quote inside it is an escaped quote.
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      const size_t end = j < sql.size() ? j + 1 : sql.size();
      absl::StrAppend(&out, sql.substr(i, end - i));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t nl = sql.find('\n', i);
      const size_t end = nl == absl::string_view::npos ? sql.size() : nl;
      absl::StrAppend(&out, sql.substr(i, end - i));
      i = end;
    } else if (IsWordChar(c)) {
      size_t j = i;
      while (j < sql.size() && IsWordChar(sql[j])) ++j;
      absl::StrAppend(&out, word(sql.substr(i, j - i)));
      i = j;
    } else {
      absl::StrAppend(&out, other(c, i + 1 < sql.size() ? sql[i + 1] : '\0'));
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string ToPostgresPlaceholders(absl::string_view sql) {
  int n = 0;
  return Rewrite(
      sql, [](absl::string_view w) { return std::string(w); },
      [&n](char c, char next) {
        if (c != '?') return std::string(1, c);
        // SQLite's numbered form ?NNN keeps its number: $NNN (the digits follow as a word).
        if (std::isdigit(static_cast<unsigned char>(next))) return std::string("$");
        return absl::StrCat("$", ++n);
      });
}

std::string ToPostgresSchema(absl::string_view sql) {
  std::string out = Rewrite(
      sql,
      [](absl::string_view w) -> std::string {
        const std::string upper = absl::AsciiStrToUpper(w);
        if (upper == "BLOB") return "BYTEA";
        if (upper == "INTEGER") return "BIGINT";
        if (upper == "TEXT") return "TEXT COLLATE \"C\"";
        return std::string(w);
      },
      [](char c, char) { return std::string(1, c); });
  // "WITHOUT ROWID" (after the closing parenthesis of CREATE TABLE) has no PostgreSQL meaning:
  // every table is organised by its primary key index there anyway.
  for (size_t pos; (pos = absl::AsciiStrToUpper(out).find("WITHOUT ROWID")) != std::string::npos;) {
    out.erase(pos, sizeof("WITHOUT ROWID") - 1);
  }
  return out;
}

}  // namespace gaoxin::db
