#include "services/enterprise/domain/cultivation.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/ratio.h"
#include "services/enterprise/domain/titles.h"

namespace gaoxin::enterprise {
namespace {

std::string Yuan(Nanos n) { return absl::StrCat(FormatYuan(n), " yuan"); }

// Exact: previous > 0 and (current − previous)/previous ≥ percent/100.
bool GrewAtLeast(Nanos current, Nanos previous, int percent) {
  return previous > 0 && RatioAtLeast(current - previous, previous, percent, 100);
}

// Whether `kind` has been held without a gap for at least `years` on `today`.
bool HeldForYears(const v1::Enterprise& e, v1::TitleKind kind, int years, absl::CivilDay today,
                  std::string* evidence) {
  std::optional<absl::CivilDay> since = HeldSince(e, kind, today);
  if (!since) return false;
  const absl::CivilDay anniversary(since->year() + years, since->month(), since->day());
  if (anniversary > today) return false;
  *evidence = absl::StrCat("has held ", v1::TitleKind_Name(kind), " since ",
                           FormatDate(FromCivilDay(*since)), " (at least ", years, " year(s))");
  return true;
}

// Adds the revenue-threshold evidence and progress; false when below `min_percent` of `line`.
bool RevenueReaches(const CultivationInput& in, Nanos line, int min_percent, absl::string_view what,
                    v1::CultivationCandidate* c) {
  if (!RatioAtLeast(in.last_12_month_revenue, line, min_percent, 100)) return false;
  *c->mutable_threshold_progress() = MakeRatio(in.last_12_month_revenue, line);
  c->add_evidence(absl::StrCat("last-12-month revenue ", Yuan(in.last_12_month_revenue), " = ",
                               PercentString(in.last_12_month_revenue, line), "% of the ",
                               Yuan(line), " ", what, " (", in.last_12_months_reported,
                               " month(s) reported)"));
  return true;
}

bool Growth(const CultivationInput& in, int percent, v1::CultivationCandidate* c) {
  if (in.last_12_months_reported < 12 || in.previous_12_months_reported < 12) return false;
  if (!GrewAtLeast(in.last_12_month_revenue, in.previous_12_month_revenue, percent)) return false;
  c->add_evidence(
      absl::StrCat("revenue grew ",
                   PercentString(in.last_12_month_revenue - in.previous_12_month_revenue,
                                 in.previous_12_month_revenue),
                   "% on the previous 12 months (", Yuan(in.previous_12_month_revenue), " → ",
                   Yuan(in.last_12_month_revenue), "; at least ", percent, "% needed)"));
  return true;
}

bool Holds(const v1::Enterprise& e, v1::TitleKind kind, absl::CivilDay today,
           v1::CultivationCandidate* c) {
  if (!HoldsTitle(e, kind, today)) return false;
  c->add_evidence(absl::StrCat("holds ", v1::TitleKind_Name(kind)));
  return true;
}

// Applies the rule for `target`; fills evidence and returns true for a candidate.
bool Qualifies(v1::CultivationTarget target, const CultivationInput& in, absl::CivilDay today,
               const CultivationConfig& cfg, v1::CultivationCandidate* c) {
  const v1::Enterprise& e = in.enterprise;
  std::string ev;
  switch (target) {
    case v1::CULTIVATION_TARGET_ABOVE_SCALE:
      if (e.above_scale()) return false;
      return RevenueReaches(in, cfg.above_scale_revenue, cfg.above_scale_candidate_percent,
                            "above-scale line (规上)", c);
    case v1::CULTIVATION_TARGET_HIGH_TECH:
      if (HoldsTitle(e, v1::TITLE_KIND_HIGH_TECH, today)) return false;
      if (!HeldForYears(e, v1::TITLE_KIND_TECH_SME, cfg.high_tech_min_tech_sme_years, today, &ev)) {
        return false;
      }
      c->add_evidence(ev);
      return true;
    case v1::CULTIVATION_TARGET_SPECIALIZED:
      if (HoldsTitle(e, v1::TITLE_KIND_SPECIALIZED, today) ||
          HoldsTitle(e, v1::TITLE_KIND_LITTLE_GIANT, today)) {
        return false;
      }
      if (!Holds(e, v1::TITLE_KIND_HIGH_TECH, today, c) &&
          !Holds(e, v1::TITLE_KIND_TECH_SME, today, c)) {
        return false;
      }
      return RevenueReaches(in, cfg.specialized_min_revenue, 100, "专精特新 revenue criterion", c);
    case v1::CULTIVATION_TARGET_LITTLE_GIANT:
      if (HoldsTitle(e, v1::TITLE_KIND_LITTLE_GIANT, today)) return false;
      if (!HeldForYears(e, v1::TITLE_KIND_SPECIALIZED, cfg.little_giant_min_specialized_years,
                        today, &ev)) {
        return false;
      }
      c->add_evidence(ev);
      return RevenueReaches(in, cfg.little_giant_min_revenue, 100, "小巨人 revenue criterion", c);
    case v1::CULTIVATION_TARGET_FLEDGLING:
      if (HoldsTitle(e, v1::TITLE_KIND_FLEDGLING, today) ||
          HoldsTitle(e, v1::TITLE_KIND_GAZELLE, today)) {
        return false;
      }
      return Holds(e, v1::TITLE_KIND_TECH_SME, today, c) &&
             Growth(in, cfg.fledgling_min_growth_percent, c);
    case v1::CULTIVATION_TARGET_GAZELLE:
      if (HoldsTitle(e, v1::TITLE_KIND_GAZELLE, today)) return false;
      return Holds(e, v1::TITLE_KIND_HIGH_TECH, today, c) &&
             Growth(in, cfg.gazelle_min_growth_percent, c);
    case v1::CULTIVATION_TARGET_LISTED:
      if (!e.above_scale() || HoldsTitle(e, v1::TITLE_KIND_LISTED, today)) return false;
      c->add_evidence("above scale (规上)");
      if (Holds(e, v1::TITLE_KIND_LITTLE_GIANT, today, c)) return true;
      return RevenueReaches(in, cfg.listed_min_revenue, 100, "listing revenue guide", c);
    default:
      return false;
  }
}

}  // namespace

CultivationInput CultivationInputOf(const v1::Enterprise& enterprise, const ReportSeries& series,
                                    absl::CivilMonth last_period) {
  CultivationInput in;
  in.enterprise = enterprise;
  in.last_12_month_revenue = SumOver(series, Figure::kRevenue, last_period - 11, last_period);
  in.previous_12_month_revenue =
      SumOver(series, Figure::kRevenue, last_period - 23, last_period - 12);
  in.last_12_months_reported = ReportedMonths(series, last_period - 11, last_period);
  in.previous_12_months_reported = ReportedMonths(series, last_period - 23, last_period - 12);
  return in;
}

std::vector<v1::CultivationCandidate> FindCultivationCandidates(
    v1::CultivationTarget target, const std::vector<CultivationInput>& inputs, absl::CivilDay today,
    const CultivationConfig& config) {
  std::vector<v1::CultivationCandidate> out;
  for (const CultivationInput& in : inputs) {
    if (in.enterprise.status() == v1::ENTERPRISE_STATUS_STOPPED) continue;
    v1::CultivationCandidate c;
    if (!Qualifies(target, in, today, config, &c)) continue;
    c.set_enterprise_id(in.enterprise.id());
    c.set_enterprise_name(in.enterprise.name());
    c.set_target(target);
    *c.mutable_last_12_month_revenue() = FromNanos(in.last_12_month_revenue);
    *c.mutable_previous_12_month_revenue() = FromNanos(in.previous_12_month_revenue);
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const Nanos ra = ToNanos(a.last_12_month_revenue());
    const Nanos rb = ToNanos(b.last_12_month_revenue());
    if (ra != rb) return ra > rb;
    return a.enterprise_id() < b.enterprise_id();
  });
  return out;
}

}  // namespace gaoxin::enterprise
