#include "services/petition/domain/case_history.h"

#include <string>

#include "absl/strings/match.h"
#include "common/date.h"

namespace gaoxin::petition {

std::optional<absl::CivilDay> LastEntry(const v1::Case& c, v1::CaseStatus status) {
  for (int i = c.history_size() - 1; i >= 0; --i) {
    if (c.history(i).to_status() == status) return ToCivilDay(c.history(i).date());
  }
  return std::nullopt;
}

bool EverReached(const v1::Case& c, v1::CaseStatus status) {
  return LastEntry(c, status).has_value();
}

absl::CivilDay LastEventDay(const v1::Case& c) {
  if (c.history_size() > 0) return ToCivilDay(c.history(c.history_size() - 1).date());
  return ToCivilDay(c.received_date());
}

bool IsReopen(v1::CaseStatus from, v1::CaseStatus to) {
  if (to != v1::CASE_STATUS_IN_PROGRESS) return false;
  return from == v1::CASE_STATUS_RESOLVED || from == v1::CASE_STATUS_REPORTED ||
         from == v1::CASE_STATUS_CLOSED || from == v1::CASE_STATUS_REVIEWED;
}

std::optional<absl::CivilDay> HandlingStart(const v1::Case& c) {
  // Walk backwards: the first acceptance or reopen met is the latest one.
  for (int i = c.history_size() - 1; i >= 0; --i) {
    const v1::CaseEvent& e = c.history(i);
    if (e.to_status() == v1::CASE_STATUS_ACCEPTED || IsReopen(e.from_status(), e.to_status())) {
      return ToCivilDay(e.date());
    }
  }
  return std::nullopt;
}

std::string StatusLabel(v1::CaseStatus status) {
  std::string name = v1::CaseStatus_Name(status);
  constexpr absl::string_view kPrefix = "CASE_STATUS_";
  if (absl::StartsWith(name, kPrefix)) name.erase(0, kPrefix.size());
  return name.empty() ? "UNKNOWN" : name;
}

}  // namespace gaoxin::petition
