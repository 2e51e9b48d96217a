#include "services/enterprise/domain/titles.h"

#include "common/date.h"

namespace gaoxin::enterprise {

bool TitleValidOn(const v1::Title& title, absl::CivilDay day) {
  if (!IsSet(title.grant_date()) || ToCivilDay(title.grant_date()) > day) return false;
  return !IsSet(title.expiry_date()) || day < ToCivilDay(title.expiry_date());
}

bool HoldsTitle(const v1::Enterprise& e, v1::TitleKind kind, absl::CivilDay day) {
  for (const v1::Title& t : e.titles()) {
    if (t.kind() == kind && TitleValidOn(t, day)) return true;
  }
  return false;
}

std::optional<absl::CivilDay> HeldSince(const v1::Enterprise& e, v1::TitleKind kind,
                                        absl::CivilDay day) {
  std::optional<absl::CivilDay> since;
  for (const v1::Title& t : e.titles()) {
    if (t.kind() == kind && TitleValidOn(t, day)) since = ToCivilDay(t.grant_date());
  }
  // Walk back through titles that expire exactly when (or after) the current one starts.
  bool extended = since.has_value();
  while (extended) {
    extended = false;
    for (const v1::Title& t : e.titles()) {
      if (t.kind() != kind || !IsSet(t.grant_date())) continue;
      absl::CivilDay grant = ToCivilDay(t.grant_date());
      if (grant >= *since) continue;
      if (!IsSet(t.expiry_date()) || ToCivilDay(t.expiry_date()) >= *since) {
        since = grant;
        extended = true;
      }
    }
  }
  return since;
}

}  // namespace gaoxin::enterprise
