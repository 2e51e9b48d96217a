// The resolution rate (化解率) of a ledger and its breakdowns, as a pure function of the cases
// on it. The 2023 万件化访 ledger gives 26 resolved and reported of 27 (exactly 26/27, shown
// "96.30"; the report truncates to 96.2%); the '4839' ledger 11 of 11.
//
//   v1::LedgerStats s = ComputeLedgerStats(ledger, cases, policy, today);
//   s.totals().resolution_rate().display_percent();  // "96.30"
//
// Repeat petitions count on a ledger like any case when they are attached to it: a ledger is a
// list of cases to resolve, and the repeat-petition ledger ('4839') consists of nothing else.
// "Not counted as a new matter" is shown by `repeat_cases`, so total - repeat_cases is the
// number of distinct new matters.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_LEDGER_STATS_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_LEDGER_STATS_H_

#include <vector>

#include "absl/time/civil_time.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "services/petition/domain/deadlines.h"

namespace gaoxin::petition {

// Most entries in each breakdown (by_category, by_department). Category (≤ 50 bytes) and
// department (≤ 100) are free text, so a ledger may hold as many of each as it holds cases; 100
// groups keep the stats near 30 KiB whatever the data, and are more than a ledger's report reads.
inline constexpr int kMaxBreakdownGroups = 100;

// Cases whose ledger_ids do not contain ledger.id() are ignored, so the caller may pass a
// superset. Overdue is as of `today`. Each breakdown keeps the kMaxBreakdownGroups groups with
// the most cases (ties: the smaller key), sorted by key, and sums the rest in other_categories /
// other_departments; an empty category or department is grouped under "".
v1::LedgerStats ComputeLedgerStats(const v1::Ledger& ledger, const std::vector<v1::Case>& cases,
                                   const DeadlinePolicy& policy, absl::CivilDay today);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_LEDGER_STATS_H_
