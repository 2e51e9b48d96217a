// Fuzzes update masks (AIP-134) with the patches they apply: the generic merge the leads store
// uses (with the lead rules' updatable fields), the enterprise update and the petition case update,
// each with masks, patches and callers a client controls. Whatever arrives, server-owned fields
// (id, etag, create_time, the USCC) stay as stored, errors name update_mask or a field without
// echoing the whole path, and a caller without petition.pii never changes petitioner data.
//
//   build-asan/tests/fuzz/field_mask_fuzzer tests/fuzz/corpus/field_mask
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "common/field_mask.h"
#include "common/text.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"
#include "gaoxin/leads/v1/leads.pb.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "google/protobuf/stubs/logging.h"
#include "services/enterprise/domain/validation.h"
#include "services/leads/domain/lead_rules.h"
#include "services/petition/domain/case_input.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

const absl::CivilDay kToday(2026, 12, 1);

google::protobuf::FieldMask MaskOf(FuzzedDataProvider& in) {
  google::protobuf::FieldMask mask;
  for (absl::string_view path : absl::StrSplit(in.ConsumeRandomLengthString(300), ',')) {
    mask.add_paths(std::string(path));
  }
  if (mask.paths_size() == 1 && mask.paths(0).empty()) mask.clear_paths();
  return mask;
}

template <typename Message>
Message PatchOf(FuzzedDataProvider& in) {
  Message patch;
  // Bytes that do not parse leave a partial message, which is fine: any message is a patch.
  (void)patch.ParseFromString(in.ConsumeRandomLengthString(2000));
  return patch;
}

void CheckRefusal(const absl::Status& s) {
  FUZZ_CHECK(
      absl::IsInvalidArgument(s) || absl::IsFailedPrecondition(s) || absl::IsPermissionDenied(s),
      "a refused update is INVALID_ARGUMENT, FAILED_PRECONDITION or PERMISSION_DENIED");
  FUZZ_CHECK(s.message().size() < 4096, "the error is bounded");
  for (const auto& [field, description] : gaoxin::FieldViolationsOf(s)) {
    // Excerpt quotes at most 64 bytes, escaped (6 characters a byte at worst).
    FUZZ_CHECK(description.size() < 1024, "a violation does not echo the whole value");
    FUZZ_CHECK(gaoxin::IsValidUtf8(description), "a violation is UTF-8 (BadRequest parses)");
  }
}

void FuzzLead(FuzzedDataProvider& in) {
  gaoxin::leads::v1::Lead stored;
  stored.set_id("lead-0001");
  stored.set_etag("7");
  stored.set_name("某新材料项目");
  stored.mutable_create_time()->set_seconds(1700000000);
  const auto patch = PatchOf<gaoxin::leads::v1::Lead>(in);
  const auto mask = MaskOf(in);
  gaoxin::leads::v1::Lead target = stored;
  absl::Status s =
      gaoxin::ApplyUpdateMask(patch, mask, gaoxin::leads::UpdatableLeadFields(), &target);
  if (!s.ok()) {
    CheckRefusal(s);
    FUZZ_CHECK(!gaoxin::FieldViolationsOf(s).empty() &&
                   gaoxin::FieldViolationsOf(s)[0].first == "update_mask",
               "a bad mask names update_mask");
    return;
  }
  FUZZ_CHECK(target.id() == stored.id() && target.etag() == stored.etag() &&
                 target.create_time().seconds() == stored.create_time().seconds(),
             "server-owned lead fields stay as stored");
}

void FuzzEnterprise(FuzzedDataProvider& in) {
  gaoxin::enterprise::v1::Enterprise stored;
  stored.set_id("ent-0001");
  stored.set_uscc("91210900MA0U9K5H2X");
  stored.set_etag("3");
  stored.set_name("阜新某新材料有限公司");
  stored.set_industry_chain(gaoxin::common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING);
  const auto patch = PatchOf<gaoxin::enterprise::v1::Enterprise>(in);
  const auto mask = MaskOf(in);
  absl::StatusOr<gaoxin::enterprise::v1::Enterprise> merged =
      gaoxin::enterprise::ApplyEnterpriseUpdate(stored, patch, mask, kToday);
  if (!merged.ok()) {
    CheckRefusal(merged.status());
    return;
  }
  FUZZ_CHECK(merged->id() == stored.id() && merged->uscc() == stored.uscc() &&
                 merged->etag() == stored.etag(),
             "id, uscc and etag stay as stored");
}

void FuzzCase(FuzzedDataProvider& in) {
  namespace pv1 = gaoxin::petition::v1;
  pv1::Case stored;
  stored.set_id("case-0001");
  stored.set_etag("5");
  pv1::Petitioner* p = stored.mutable_petitioner();
  p->set_name("张三丰");
  p->set_id_number("21090219800101123X");
  p->set_phone("13800001234");
  p->set_address("辽宁省阜新市高新区某某路8号");
  const bool pii = in.ConsumeBool();
  const auto patch = PatchOf<pv1::Case>(in);
  const auto mask = MaskOf(in);
  absl::StatusOr<pv1::Case> next = gaoxin::petition::ApplyCaseUpdate(
      stored, patch, mask,
      pii ? gaoxin::petition::PiiAccess::kPlaintext : gaoxin::petition::PiiAccess::kMasked,
      gaoxin::petition::DeadlinePolicy(), kToday);
  if (!next.ok()) {
    CheckRefusal(next.status());
    return;
  }
  FUZZ_CHECK(next->id() == stored.id(), "the case id stays as stored");
  if (!pii) {
    FUZZ_CHECK(next->petitioner().SerializeAsString() == stored.petitioner().SerializeAsString(),
               "without petition.pii the petitioner is never changed");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Patches with invalid UTF-8 are expected here; protobuf's log line for each is noise.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  switch (in.ConsumeIntegralInRange<int>(0, 2)) {
    case 0:
      FuzzLead(in);
      break;
    case 1:
      FuzzEnterprise(in);
      break;
    default:
      FuzzCase(in);
      break;
  }
  return 0;
}
