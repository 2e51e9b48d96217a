#include "services/petition/domain/ledger_stats.h"

#include <algorithm>
#include <map>
#include <string>

#include "common/date.h"
#include "common/ratio.h"
#include "services/petition/domain/case_state.h"

namespace gaoxin::petition {
namespace {

void Count(const v1::Case& c, const DeadlinePolicy& policy, absl::CivilDay today,
           v1::CaseCounts* counts) {
  counts->set_total(counts->total() + 1);
  if (IsResolvedAndReported(c))
    counts->set_resolved_and_reported(counts->resolved_and_reported() + 1);
  if (IsOpen(c)) {
    counts->set_open(counts->open() + 1);
    if (IsOverdue(c, policy, today)) counts->set_overdue(counts->overdue() + 1);
  }
  if (c.is_repeat()) counts->set_repeat_cases(counts->repeat_cases() + 1);
}

void SetRate(v1::CaseCounts* counts) {
  *counts->mutable_resolution_rate() = MakeRatio(counts->resolved_and_reported(), counts->total());
}

void FlushGroups(std::map<std::string, v1::CaseCounts>& groups,
                 google::protobuf::RepeatedPtrField<v1::CaseCounts>* out) {
  for (auto& [key, counts] : groups) {  // std::map: sorted by key
    counts.set_key(key);
    SetRate(&counts);
    *out->Add() = std::move(counts);
  }
}

}  // namespace

v1::LedgerStats ComputeLedgerStats(const v1::Ledger& ledger, const std::vector<v1::Case>& cases,
                                   const DeadlinePolicy& policy, absl::CivilDay today) {
  v1::LedgerStats stats;
  stats.set_ledger_id(ledger.id());
  stats.set_ledger_name(ledger.name());
  *stats.mutable_as_of() = FromCivilDay(today);
  std::map<std::string, v1::CaseCounts> by_category;
  std::map<std::string, v1::CaseCounts> by_department;
  for (const v1::Case& c : cases) {
    const auto& ids = c.ledger_ids();
    if (std::find(ids.begin(), ids.end(), ledger.id()) == ids.end()) continue;
    Count(c, policy, today, stats.mutable_totals());
    Count(c, policy, today, &by_category[c.category()]);
    Count(c, policy, today, &by_department[c.department()]);
  }
  SetRate(stats.mutable_totals());
  FlushGroups(by_category, stats.mutable_by_category());
  FlushGroups(by_department, stats.mutable_by_department());
  return stats;
}

}  // namespace gaoxin::petition
