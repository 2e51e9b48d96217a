#include "services/enterprise/domain/period.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace gaoxin::enterprise {

bool ParsePeriod(absl::string_view text, absl::CivilMonth* out) {
  if (text.size() != 7 || text[4] != '-') return false;
  int year = 0;
  int month = 0;
  for (int i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (!absl::ascii_isdigit(text[i])) return false;
    if (i < 4) {
      year = year * 10 + (text[i] - '0');
    } else {
      month = month * 10 + (text[i] - '0');
    }
  }
  if (month < 1 || month > 12) return false;
  *out = absl::CivilMonth(year, month);
  return true;
}

std::string FormatPeriod(absl::CivilMonth period) {
  return absl::StrFormat("%04d-%02d", period.year(), period.month());
}

}  // namespace gaoxin::enterprise
