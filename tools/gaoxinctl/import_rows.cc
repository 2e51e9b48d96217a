#include "tools/gaoxinctl/import_rows.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/money.h"

namespace gaoxin::ctl {

namespace ev1 = enterprise::v1;

std::vector<std::string> SplitCsv(absl::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

int Csv::Column(absl::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<Csv> ParseCsv(absl::string_view text, absl::string_view origin) {
  Csv csv;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (number == 1) {
      absl::ConsumePrefix(&line, "\xEF\xBB\xBF");  // spreadsheet BOM
      csv.header = SplitCsv(line);
      continue;
    }
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    csv.rows.emplace_back(number, SplitCsv(line));
  }
  if (csv.header.empty() || (csv.header.size() == 1 && csv.header[0].empty())) {
    return absl::InvalidArgumentError(absl::StrCat(origin, ": empty file"));
  }
  return csv;
}

absl::StatusOr<Csv> ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseCsv(text.str(), path);
}

std::string Field(const Csv& csv, const std::vector<std::string>& row, absl::string_view name) {
  const int i = csv.Column(name);
  return i >= 0 && i < static_cast<int>(row.size()) ? row[i] : std::string();
}

bool ParseMoney(absl::string_view text, common::v1::Money* out) {
  Nanos nanos;
  if (!ParseYuan(text, &nanos)) return false;
  *out = FromNanos(nanos);
  return true;
}

ev1::ImportMonthlyReportsRequest ImportRowOf(const Csv& csv, int line,
                                             const std::vector<std::string>& row) {
  ev1::ImportMonthlyReportsRequest req;
  req.set_row_number(line);
  req.set_enterprise_uscc(Field(csv, row, "uscc"));
  ev1::MonthlyReport* r = req.mutable_report();
  r->set_period(Field(csv, row, "period"));
  auto money = [&](absl::string_view column, common::v1::Money* out, bool required) {
    const std::string text = Field(csv, row, column);
    if (text.empty() && !required) return;
    if (!ParseMoney(text, out)) {
      // Unparseable: send an invalid amount so the server rejects the row naming the field.
      out->set_currency_code("?");
    }
  };
  money("output_value_yuan", r->mutable_output_value(), true);
  money("revenue_yuan", r->mutable_revenue(), false);
  money("taxes_yuan", r->mutable_taxes(), false);
  money("export_value_yuan", r->mutable_export_value(), false);
  // Present but unparseable (or beyond int64, such as 2^64): -1, which the server rejects
  // naming the field, rather than a silent 0.
  const std::string employees_text = Field(csv, row, "employees");
  int employees = 0;
  if (absl::SimpleAtoi(employees_text, &employees)) {
    r->set_employees(employees);
  } else if (!employees_text.empty()) {
    r->set_employees(-1);
  }
  const std::string energy_text = Field(csv, row, "energy_kgce");
  int64_t energy = 0;
  if (absl::SimpleAtoi(energy_text, &energy)) {
    r->set_energy_use_kgce(energy);
  } else if (!energy_text.empty()) {
    r->set_energy_use_kgce(-1);
  }
  r->set_note(Field(csv, row, "note"));
  return req;
}

}  // namespace gaoxin::ctl
