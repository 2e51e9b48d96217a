// Fuzzes what gaoxinctl makes of a monthly-report CSV file (quoting, BOM, short and long rows,
// cells that are not numbers) and what the server's row check makes of the request it sends:
// every row becomes a request the pipeline's text rules and ValidateMonthlyReport answer with
// OK or field violations, never anything else.
//
//   build-asan/tests/fuzz/import_row_fuzzer tests/fuzz/corpus/import_row
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "common/pipeline/service.h"
#include "common/text.h"
#include "services/enterprise/domain/validation.h"
#include "tests/fuzz/fuzz_check.h"
#include "tools/gaoxinctl/import_rows.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<gaoxin::ctl::Csv> csv = gaoxin::ctl::ParseCsv(text, "fuzz.csv");
  if (!csv.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(csv.status()), "an unreadable file is INVALID_ARGUMENT");
    return 0;
  }
  FUZZ_CHECK(!csv->header.empty(), "a parsed file has a header");
  int previous_line = 1;
  for (const auto& [line, row] : csv->rows) {
    FUZZ_CHECK(line > previous_line, "row numbers increase");
    previous_line = line;
    FUZZ_CHECK(!row.empty(), "a row has at least one cell");
    const gaoxin::enterprise::v1::ImportMonthlyReportsRequest req =
        gaoxin::ctl::ImportRowOf(*csv, line, row);
    FUZZ_CHECK(req.row_number() == line, "the request names its line");
    for (const absl::Status& s :
         {gaoxin::pipeline::CheckMessage(req),
          gaoxin::enterprise::ValidateMonthlyReport(req.report(), absl::CivilDay(2026, 12, 1))}) {
      FUZZ_CHECK(s.ok() || (absl::IsInvalidArgument(s) && !gaoxin::FieldViolationsOf(s).empty()),
                 "a row is accepted or rejected naming fields");
      for (const auto& [field, description] : gaoxin::FieldViolationsOf(s)) {
        FUZZ_CHECK(gaoxin::IsValidUtf8(description), "a violation is UTF-8 (BadRequest parses)");
        FUZZ_CHECK(description.size() < 1024, "a violation does not echo the whole cell");
      }
    }
  }
  return 0;
}
