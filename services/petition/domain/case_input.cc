#include "services/petition/domain/case_input.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "services/petition/domain/derived_fields.h"
#include "services/petition/domain/free_text.h"
#include "services/petition/domain/validation.h"

namespace gaoxin::petition {
namespace {

// Copies one updatable path from `from` to `to`; false for a path that is not updatable.
bool CopyPath(absl::string_view path, const v1::Case& from, v1::Case* to) {
  if (path == "channel") {
    to->set_channel(from.channel());
  } else if (path == "received_date") {
    if (from.has_received_date()) {
      *to->mutable_received_date() = from.received_date();
    } else {
      to->clear_received_date();
    }
  } else if (path == "petitioner") {
    if (from.has_petitioner()) {
      *to->mutable_petitioner() = from.petitioner();
    } else {
      to->clear_petitioner();
    }
  } else if (path == "petitioner.name") {
    to->mutable_petitioner()->set_name(from.petitioner().name());
  } else if (path == "petitioner.id_number") {
    to->mutable_petitioner()->set_id_number(from.petitioner().id_number());
  } else if (path == "petitioner.phone") {
    to->mutable_petitioner()->set_phone(from.petitioner().phone());
  } else if (path == "petitioner.address") {
    to->mutable_petitioner()->set_address(from.petitioner().address());
  } else if (path == "petitioner_count") {
    to->set_petitioner_count(from.petitioner_count());
  } else if (path == "category") {
    to->set_category(from.category());
  } else if (path == "subject") {
    to->set_subject(from.subject());
  } else if (path == "content") {
    to->set_content(from.content());
  } else if (path == "ledger_ids") {
    *to->mutable_ledger_ids() = from.ledger_ids();
  } else if (path == "enterprise_uscc") {
    to->set_enterprise_uscc(from.enterprise_uscc());
  } else if (path == "enterprise_name") {
    to->set_enterprise_name(from.enterprise_name());
  } else if (path == "department") {
    to->set_department(from.department());
  } else if (path == "resolution_plan") {
    to->set_resolution_plan(from.resolution_plan());
  } else {
    return false;
  }
  return true;
}

// The value of the free-text path `path` (IsCaseTextPath) of `c`.
const std::string& TextAt(const v1::Case& c, absl::string_view path) {
  if (path == "subject") return c.subject();
  if (path == "content") return c.content();
  return c.resolution_plan();
}

// The updatable paths that `patch` populates (for an omitted mask).
std::vector<std::string> PopulatedPaths(const v1::Case& patch) {
  std::vector<std::string> out;
  for (const std::string& path : UpdatableCasePaths()) {
    if (path == "petitioner") continue;  // covered by its sub-fields
    v1::Case probe;
    CopyPath(path, patch, &probe);
    // Copying a sub-field creates an empty `petitioner`; that alone is not "populated".
    if (probe.has_petitioner() && probe.petitioner().ByteSizeLong() == 0) probe.clear_petitioner();
    if (probe.ByteSizeLong() > 0) out.push_back(path);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& UpdatableCasePaths() {
  static const auto* paths = new std::vector<std::string>{"channel",
                                                          "received_date",
                                                          "petitioner",
                                                          "petitioner.name",
                                                          "petitioner.id_number",
                                                          "petitioner.phone",
                                                          "petitioner.address",
                                                          "petitioner_count",
                                                          "category",
                                                          "subject",
                                                          "content",
                                                          "ledger_ids",
                                                          "enterprise_uscc",
                                                          "enterprise_name",
                                                          "department",
                                                          "resolution_plan"};
  return *paths;
}

absl::StatusOr<v1::Case> PrepareNewCase(const v1::Case& input, absl::string_view actor,
                                        const DeadlinePolicy& policy, absl::CivilDay today) {
  if (actor.empty()) return InvalidField("actor", "must not be empty");
  v1::Case c;
  for (const std::string& path : UpdatableCasePaths()) CopyPath(path, input, &c);
  NormalizeCaseInput(&c);
  FieldViolations v;
  ValidateCaseInput(c, "case", today, &v);
  CheckNotMasked(c.petitioner(), v1::Petitioner(), "case.petitioner", &v);
  if (!v.empty()) return v.ToStatus();

  c.set_status(v1::CASE_STATUS_RECEIVED);
  v1::CaseEvent* event = c.add_history();
  event->set_from_status(v1::CASE_STATUS_UNSPECIFIED);
  event->set_to_status(v1::CASE_STATUS_RECEIVED);
  *event->mutable_date() = c.received_date();
  event->set_actor(std::string(actor));
  RefreshDerivedFields(&c, policy, today);
  return c;
}

absl::StatusOr<v1::Case> ApplyCaseUpdate(const v1::Case& stored, const v1::Case& patch,
                                         const google::protobuf::FieldMask& mask, PiiAccess access,
                                         const DeadlinePolicy& policy, absl::CivilDay today) {
  RETURN_IF_ERROR(CheckMayWritePetitioner(mask, access));
  std::vector<std::string> paths(mask.paths().begin(), mask.paths().end());
  if (paths.size() == 1 && paths[0] == "*") {
    paths = UpdatableCasePaths();
  } else if (paths.empty()) {
    paths = PopulatedPaths(patch);
  }
  const bool implicit_paths =
      mask.paths().empty() || (mask.paths_size() == 1 && mask.paths(0) == "*");
  if (access == PiiAccess::kMasked) {
    // Only "*" or an empty mask get here with petitioner paths: the rest of a masked read sent
    // back is applied, its (masked) petitioner is not.
    paths.erase(std::remove_if(paths.begin(), paths.end(), IsPetitionerPath), paths.end());
  }
  if (implicit_paths) {
    // Under "*" or an omitted mask a free-text field that is exactly the withheld notice is a
    // withheld read sent back, whoever sends it: the stored text stays. Anything else holding
    // the notice is rejected below (ValidateCaseInput).
    paths.erase(std::remove_if(paths.begin(), paths.end(),
                               [&](const std::string& path) {
                                 return IsCaseTextPath(path) &&
                                        TextAt(patch, path) == kWithheldNotice;
                               }),
                paths.end());
  }
  v1::Case out = stored;
  FieldViolations bad_paths;
  for (const std::string& path : paths) {
    if (!CopyPath(path, patch, &out)) {
      bad_paths.Add("update_mask",
                    absl::StrCat("'", path, "' is not an updatable field of a case"));
    }
  }
  if (!bad_paths.empty()) return bad_paths.ToStatus();

  NormalizeCaseInput(&out);
  FieldViolations v;
  ValidateCaseInput(out, "case", today, &v);
  CheckNotMasked(out.petitioner(), stored.petitioner(), "case.petitioner", &v);
  if (!v.empty()) return v.ToStatus();

  const bool date_changed = ToCivilDay(out.received_date()) != ToCivilDay(stored.received_date());
  if (date_changed) {
    if (stored.status() != v1::CASE_STATUS_RECEIVED) {
      return FailedPrecondition("RECEIVED_DATE_LOCKED",
                                "the received date cannot change once acceptance is decided");
    }
    // The RECEIVED event carries the received date; keep them in step.
    for (v1::CaseEvent& e : *out.mutable_history()) {
      if (e.to_status() == v1::CASE_STATUS_RECEIVED) *e.mutable_date() = out.received_date();
    }
  }
  RefreshDerivedFields(&out, policy, today);
  return out;
}

}  // namespace gaoxin::petition
