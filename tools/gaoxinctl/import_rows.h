// CSV files as gaoxinctl reads them (monthly-report imports and the enterprise demo data), and
// the conversion of a monthly-report row into an ImportMonthlyReportsRequest. Outside input:
// tests/fuzz/import_row_fuzzer.cc feeds it arbitrary bytes.
//
//   ASSIGN_OR_RETURN(Csv csv, ReadCsv("reports.csv"));
//   for (const auto& [line, row] : csv.rows) Send(ImportRowOf(csv, line, row));
#ifndef GAOXIN_TOOLS_GAOXINCTL_IMPORT_ROWS_H_
#define GAOXIN_TOOLS_GAOXINCTL_IMPORT_ROWS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gaoxin/common/v1/types.pb.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"

namespace gaoxin::ctl {

// A CSV line split on commas, with "quoted, fields" and "" escapes.
std::vector<std::string> SplitCsv(absl::string_view line);

// A CSV file as header → column index and rows (with their 1-based line numbers).
struct Csv {
  std::vector<std::string> header;
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  // The index of column `name`, or -1.
  int Column(absl::string_view name) const;
};

// `text` as a CSV file: the first line (without a spreadsheet BOM) is the header, blank lines
// are skipped. `origin` names the input in errors.
absl::StatusOr<Csv> ParseCsv(absl::string_view text, absl::string_view origin);
// The CSV file at `path`.
absl::StatusOr<Csv> ReadCsv(const std::string& path);

// The value of column `name` in `row`, or "" when the column or the cell is missing.
std::string Field(const Csv& csv, const std::vector<std::string>& row, absl::string_view name);

// "12.5" (yuan) → Money; false when `text` is not an amount.
bool ParseMoney(absl::string_view text, common::v1::Money* out);

// Row `line` of a monthly-report CSV as an import request (amounts exact, from yuan text).
// Cells that do not parse are sent as invalid values, so the server rejects the row naming the
// field rather than filing a silent zero.
enterprise::v1::ImportMonthlyReportsRequest ImportRowOf(const Csv& csv, int line,
                                                        const std::vector<std::string>& row);

}  // namespace gaoxin::ctl

#endif  // GAOXIN_TOOLS_GAOXINCTL_IMPORT_ROWS_H_
