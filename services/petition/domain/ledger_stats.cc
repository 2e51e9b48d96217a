#include "services/petition/domain/ledger_stats.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

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

void Merge(const v1::CaseCounts& from, v1::CaseCounts* into) {
  into->set_total(into->total() + from.total());
  into->set_resolved_and_reported(into->resolved_and_reported() + from.resolved_and_reported());
  into->set_open(into->open() + from.open());
  into->set_overdue(into->overdue() + from.overdue());
  into->set_repeat_cases(into->repeat_cases() + from.repeat_cases());
}

// Writes the kMaxBreakdownGroups largest groups to `out`, sorted by key, and sums the others
// into `other` (left unset when there are none); returns how many were summed.
int FlushGroups(std::map<std::string, v1::CaseCounts>& groups,
                google::protobuf::RepeatedPtrField<v1::CaseCounts>* out, v1::CaseCounts* other,
                bool* has_other) {
  std::vector<std::map<std::string, v1::CaseCounts>::iterator> order;
  order.reserve(groups.size());
  for (auto it = groups.begin(); it != groups.end(); ++it) order.push_back(it);
  // Largest first; stable on the map's key order, so ties keep the smaller key.
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a->second.total() > b->second.total();
  });
  int omitted = 0;
  for (size_t i = kMaxBreakdownGroups; i < order.size(); ++i) {
    Merge(order[i]->second, other);
    groups.erase(order[i]);
    ++omitted;
  }
  *has_other = omitted > 0;
  if (*has_other) SetRate(other);
  for (auto& [key, counts] : groups) {  // std::map: sorted by key
    counts.set_key(key);
    SetRate(&counts);
    *out->Add() = std::move(counts);
  }
  return omitted;
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
  v1::CaseCounts other;
  bool has_other = false;
  stats.set_omitted_category_count(
      FlushGroups(by_category, stats.mutable_by_category(), &other, &has_other));
  if (has_other) *stats.mutable_other_categories() = std::move(other);
  other.Clear();
  stats.set_omitted_department_count(
      FlushGroups(by_department, stats.mutable_by_department(), &other, &has_other));
  if (has_other) *stats.mutable_other_departments() = std::move(other);
  return stats;
}

}  // namespace gaoxin::petition
