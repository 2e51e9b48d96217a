#include "services/enterprise/domain/validation.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/money.h"
#include "common/quantity.h"
#include "common/text.h"
#include "services/enterprise/domain/period.h"

namespace gaoxin::enterprise {
namespace {

// Counts UTF-8 code points (bytes that are not continuation bytes).
int CharCount(absl::string_view s) {
  int n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

void CheckPastDate(const common::v1::Date& date, absl::string_view field, absl::CivilDay today,
                   FieldViolations* v) {
  const size_t before = v->violations().size();
  ValidateDate(date, field, v);
  if (v->violations().size() != before) return;
  if (ToCivilDay(date) > today) {
    v->Add(field, absl::StrCat("must not be after today (", FormatDate(FromCivilDay(today)), ")"));
  }
}

void CheckTitles(const v1::Enterprise& e, absl::CivilDay today, FieldViolations* v) {
  for (int i = 0; i < e.titles_size(); ++i) {
    const v1::Title& t = e.titles(i);
    const std::string field = absl::StrCat("enterprise.titles[", i, "]");
    if (t.kind() == v1::TITLE_KIND_UNSPECIFIED || !v1::TitleKind_IsValid(t.kind())) {
      v->Add(field + ".kind", "must be a known title kind");
    }
    if (!IsSet(t.grant_date())) {
      v->Add(field + ".grant_date", "is required");
      continue;
    }
    CheckPastDate(t.grant_date(), field + ".grant_date", today, v);
    if (IsSet(t.expiry_date())) {
      const size_t before = v->violations().size();
      ValidateDate(t.expiry_date(), field + ".expiry_date", v);
      if (v->violations().size() == before &&
          ToCivilDay(t.expiry_date()) <= ToCivilDay(t.grant_date())) {
        v->Add(field + ".expiry_date", "must be after grant_date");
      }
    }
  }
  // Same-kind titles must not overlap: a renewal starts when the previous one lapses.
  for (int i = 0; i < e.titles_size(); ++i) {
    for (int j = i + 1; j < e.titles_size(); ++j) {
      const v1::Title& a = e.titles(i);
      const v1::Title& b = e.titles(j);
      if (a.kind() != b.kind() || !IsSet(a.grant_date()) || !IsSet(b.grant_date())) continue;
      const absl::CivilDay a0 = ToCivilDay(a.grant_date());
      const absl::CivilDay b0 = ToCivilDay(b.grant_date());
      const bool a_before_b = IsSet(a.expiry_date()) && ToCivilDay(a.expiry_date()) <= b0;
      const bool b_before_a = IsSet(b.expiry_date()) && ToCivilDay(b.expiry_date()) <= a0;
      if (!a_before_b && !b_before_a) {
        v->Add(absl::StrCat("enterprise.titles[", j, "]"),
               absl::StrCat("overlaps enterprise.titles[", i, "] of the same kind"));
      }
    }
  }
}

// Everything but the USCC and output-only fields.
void CheckMutableFields(const v1::Enterprise& e, absl::CivilDay today, FieldViolations* v) {
  if (absl::StripAsciiWhitespace(e.name()).empty()) {
    v->Add("enterprise.name", "must not be empty");
  } else if (CharCount(e.name()) > kMaxNameChars) {
    v->Add("enterprise.name", absl::StrCat("must be at most ", kMaxNameChars, " characters"));
  }
  if (e.industry_chain() == common::v1::INDUSTRY_CHAIN_UNSPECIFIED ||
      !common::v1::IndustryChain_IsValid(e.industry_chain())) {
    v->Add("enterprise.industry_chain", "must be a known industry chain");
  }
  if (!v1::EnterpriseStatus_IsValid(e.status())) {
    v->Add("enterprise.status", "must be a known status");
  }
  if (IsSet(e.above_scale_date())) {
    CheckPastDate(e.above_scale_date(), "enterprise.above_scale_date", today, v);
  }
  CheckTitles(e, today, v);
}

const absl::flat_hash_set<std::string>& MutablePaths() {
  static const auto* paths = new absl::flat_hash_set<std::string>{
      "name",           "industry_chain", "sub_sector", "above_scale", "above_scale_date",
      "key_enterprise", "status",         "titles",     "agent_id"};
  return *paths;
}

std::vector<std::string> PopulatedPaths(const v1::Enterprise& p) {
  std::vector<std::string> out;
  if (!p.name().empty()) out.push_back("name");
  if (p.industry_chain() != 0) out.push_back("industry_chain");
  if (!p.sub_sector().empty()) out.push_back("sub_sector");
  if (p.above_scale()) out.push_back("above_scale");
  if (p.has_above_scale_date()) out.push_back("above_scale_date");
  if (p.key_enterprise()) out.push_back("key_enterprise");
  if (p.status() != 0) out.push_back("status");
  if (p.titles_size() > 0) out.push_back("titles");
  if (!p.agent_id().empty()) out.push_back("agent_id");
  return out;
}

void CopyPath(const std::string& path, const v1::Enterprise& from, v1::Enterprise* to) {
  if (path == "name") to->set_name(from.name());
  if (path == "industry_chain") to->set_industry_chain(from.industry_chain());
  if (path == "sub_sector") to->set_sub_sector(from.sub_sector());
  if (path == "above_scale") to->set_above_scale(from.above_scale());
  if (path == "above_scale_date") {
    if (from.has_above_scale_date()) {
      *to->mutable_above_scale_date() = from.above_scale_date();
    } else {
      to->clear_above_scale_date();
    }
  }
  if (path == "key_enterprise") to->set_key_enterprise(from.key_enterprise());
  if (path == "status") to->set_status(from.status());
  if (path == "titles") *to->mutable_titles() = from.titles();
  if (path == "agent_id") to->set_agent_id(from.agent_id());
}

void CheckMoney(const v1::MonthlyReport& r, absl::string_view name, bool present,
                const common::v1::Money& m, FieldViolations* v) {
  if (present) ValidateMoney(m, absl::StrCat("report.", name), /*allow_negative=*/false, v);
}

}  // namespace

absl::Status ValidateNewEnterprise(const v1::Enterprise& enterprise, absl::CivilDay today,
                                   UsccCheck check) {
  FieldViolations v;
  absl::Status uscc = ValidateUscc(enterprise.uscc(), check);
  if (!uscc.ok()) v.Add("enterprise.uscc", uscc.message());
  CheckMutableFields(enterprise, today, &v);
  return v.ToStatus();
}

void ApplyCreateDefaults(v1::Enterprise* enterprise) {
  if (enterprise->status() == v1::ENTERPRISE_STATUS_UNSPECIFIED) {
    enterprise->set_status(v1::ENTERPRISE_STATUS_OPERATING);
  }
}

absl::StatusOr<v1::Enterprise> ApplyEnterpriseUpdate(const v1::Enterprise& existing,
                                                     const v1::Enterprise& patch,
                                                     const google::protobuf::FieldMask& mask,
                                                     absl::CivilDay today) {
  FieldViolations v;
  std::vector<std::string> paths(mask.paths().begin(), mask.paths().end());
  const bool full_replace = paths.size() == 1 && paths[0] == "*";
  if (full_replace) {
    paths.assign(MutablePaths().begin(), MutablePaths().end());
    if (!patch.uscc().empty() && patch.uscc() != existing.uscc()) {
      v.Add("enterprise.uscc", "is immutable; register a new enterprise instead");
    }
  } else if (paths.empty()) {
    paths = PopulatedPaths(patch);
  }
  for (const std::string& path : paths) {
    if (path == "uscc") {
      v.Add("enterprise.uscc", "is immutable; register a new enterprise instead");
    } else if (!MutablePaths().contains(path)) {
      v.Add("update_mask", absl::StrCat("path '", path, "' is unknown or output only"));
    }
  }
  if (!v.empty()) return v.ToStatus();

  v1::Enterprise merged = existing;
  for (const std::string& path : paths) CopyPath(path, patch, &merged);
  if (merged.status() == v1::ENTERPRISE_STATUS_UNSPECIFIED) {
    v.Add("enterprise.status", "must not be cleared");
  }
  CheckMutableFields(merged, today, &v);
  if (!v.empty()) return v.ToStatus();
  return merged;
}

absl::Status ValidateMonthlyReport(const v1::MonthlyReport& r, absl::CivilDay today) {
  FieldViolations v;
  if (r.enterprise_id().empty()) v.Add("report.enterprise_id", "is required");
  absl::CivilMonth period;
  if (!ParsePeriod(r.period(), &period)) {
    v.Add("report.period", absl::StrCat("must be YYYY-MM, got ", Excerpt(r.period())));
  } else if (period.year() < kMinReportYear) {
    v.Add("report.period", absl::StrCat("must be from ", kMinReportYear, " on"));
  } else if (period > PeriodOf(today)) {
    v.Add("report.period",
          absl::StrCat("must not be after the current month ", FormatPeriod(PeriodOf(today))));
  }
  if (!r.has_output_value()) {
    v.Add("report.output_value", "is required (send zero explicitly for no output)");
  }
  CheckMoney(r, "output_value", r.has_output_value(), r.output_value(), &v);
  CheckMoney(r, "revenue", r.has_revenue(), r.revenue(), &v);
  CheckMoney(r, "taxes", r.has_taxes(), r.taxes(), &v);
  CheckMoney(r, "export_value", r.has_export_value(), r.export_value(), &v);
  if (r.employees() < 0) v.Add("report.employees", "must not be negative");
  CheckQuantity(r.energy_use_kgce(), "report.energy_use_kgce", kMaxEnergyUseKgce, &v);
  if (CharCount(r.note()) > kMaxNoteChars) {
    v.Add("report.note", absl::StrCat("must be at most ", kMaxNoteChars, " characters"));
  }
  return v.ToStatus();
}

}  // namespace gaoxin::enterprise
