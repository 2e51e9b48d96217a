#include "services/petition/domain/case_input.h"

#include <set>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/errors.h"
#include "gtest/gtest.h"
#include "services/petition/domain/free_text.h"
#include "services/petition/domain/masking.h"
#include "tests/unit/petition/test_cases.h"

namespace gaoxin::petition {
namespace {

using testing::CaseThrough;
using testing::D;
using testing::NewCaseInput;
using testing::Today;

TEST(CaseInputTest, NewCaseStartsReceivedWithOneEvent) {
  v1::Case input = NewCaseInput(D(2023, 12, 20));
  input.set_id("client-chosen");
  input.set_status(v1::CASE_STATUS_CLOSED);
  input.set_leader("not settable here");
  input.set_is_repeat(true);
  absl::StatusOr<v1::Case> c = PrepareNewCase(input, "clerk", DeadlinePolicy(), D(2023, 12, 21));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->id(), "");
  EXPECT_EQ(c->status(), v1::CASE_STATUS_RECEIVED);
  EXPECT_EQ(c->leader(), "");
  EXPECT_FALSE(c->is_repeat());
  ASSERT_EQ(c->history_size(), 1);
  EXPECT_EQ(c->history(0).to_status(), v1::CASE_STATUS_RECEIVED);
  EXPECT_EQ(c->history(0).actor(), "clerk");
  EXPECT_EQ(FormatDate(c->history(0).date()), "2023-12-20");
  EXPECT_EQ(FormatDate(c->due_date()), "2024-01-04");
  EXPECT_FALSE(c->overdue());
  EXPECT_EQ(c->petitioner().name(), "张某某");  // masking is the service's job on output
}

TEST(CaseInputTest, NewCaseErrorsNameCaseFields) {
  v1::Case input = NewCaseInput();
  input.mutable_petitioner()->set_id_number("110105194912310021");
  absl::StatusOr<v1::Case> c = PrepareNewCase(input, "clerk", DeadlinePolicy(), Today());
  ASSERT_EQ(FieldViolationsOf(c.status()).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(c.status())[0].first, "case.petitioner.id_number");
}

TEST(CaseInputTest, UpdateByMask) {
  const v1::Case stored = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 12, 21)}});
  v1::Case patch;
  patch.set_resolution_plan("分批办证");
  patch.set_subject("ignored: not in the mask");
  google::protobuf::FieldMask mask;
  mask.add_paths("resolution_plan");
  absl::StatusOr<v1::Case> r =
      ApplyCaseUpdate(stored, patch, mask, PiiAccess::kPlaintext, DeadlinePolicy(), Today());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->resolution_plan(), "分批办证");
  EXPECT_EQ(r->subject(), stored.subject());
  EXPECT_EQ(r->history_size(), stored.history_size());
}

TEST(CaseInputTest, OmittedMaskMeansPopulatedFields) {
  const v1::Case stored = CaseThrough({});
  v1::Case patch;
  patch.mutable_petitioner()->set_phone("13900000002");
  patch.set_department("社会事业局");
  absl::StatusOr<v1::Case> r = ApplyCaseUpdate(stored, patch, google::protobuf::FieldMask(),
                                               PiiAccess::kPlaintext, DeadlinePolicy(), Today());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->petitioner().phone(), "13900000002");
  EXPECT_EQ(r->petitioner().name(), "张某某");  // untouched sibling
  EXPECT_EQ(r->department(), "社会事业局");
  EXPECT_EQ(r->received_date().year(), 2023);  // not cleared by its absence in the patch
}

TEST(CaseInputTest, OutputOnlyPathsAreRejected) {
  google::protobuf::FieldMask mask;
  mask.add_paths("status");
  mask.add_paths("leader");
  absl::StatusOr<v1::Case> r = ApplyCaseUpdate(CaseThrough({}), v1::Case(), mask,
                                               PiiAccess::kPlaintext, DeadlinePolicy(), Today());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(r.status()).size(), 2u);
  EXPECT_EQ(FieldViolationsOf(r.status())[0].first, "update_mask");
}

TEST(CaseInputTest, ReceivedDateLockedAfterAcceptance) {
  v1::Case patch;
  *patch.mutable_received_date() = MakeDate(2023, 12, 19);
  google::protobuf::FieldMask mask;
  mask.add_paths("received_date");
  absl::StatusOr<v1::Case> received = ApplyCaseUpdate(
      CaseThrough({}), patch, mask, PiiAccess::kPlaintext, DeadlinePolicy(), Today());
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(FormatDate(received->due_date()), "2024-01-03");
  EXPECT_EQ(FormatDate(received->history(0).date()), "2023-12-19");
  absl::StatusOr<v1::Case> accepted =
      ApplyCaseUpdate(CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 12, 21)}}), patch, mask,
                      PiiAccess::kPlaintext, DeadlinePolicy(), Today());
  EXPECT_EQ(ErrorReason(accepted.status()), "RECEIVED_DATE_LOCKED");
}

TEST(CaseInputTest, UpdatedCaseIsValidatedWhole) {
  v1::Case patch;
  google::protobuf::FieldMask mask;
  mask.add_paths("subject");  // clears it
  absl::StatusOr<v1::Case> r = ApplyCaseUpdate(CaseThrough({}), patch, mask, PiiAccess::kPlaintext,
                                               DeadlinePolicy(), Today());
  ASSERT_EQ(FieldViolationsOf(r.status()).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(r.status())[0].first, "case.subject");
}

google::protobuf::FieldMask Mask(const std::vector<std::string>& paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& path : paths) mask.add_paths(path);
  return mask;
}

std::set<std::string> ViolatedFields(const absl::Status& status) {
  std::set<std::string> out;
  for (const auto& [field, description] : FieldViolationsOf(status)) out.insert(field);
  return out;
}

// What a caller without petition.pii reads: the case with its petitioner masked.
v1::Case MaskedRead(const v1::Case& stored) {
  v1::Case read = stored;
  *read.mutable_petitioner() = MaskPetitioner(stored.petitioner());
  return read;
}

TEST(CaseInputTest, WriterWithoutPiiCannotNamePetitionerFields) {
  const v1::Case stored = CaseThrough({});
  v1::Case patch = stored;
  patch.mutable_petitioner()->set_name("李四");  // even a real value
  for (const char* path : {"petitioner", "petitioner.name", "petitioner.id_number",
                           "petitioner.phone", "petitioner.address"}) {
    absl::StatusOr<v1::Case> r = ApplyCaseUpdate(stored, patch, Mask({"subject", path}),
                                                 PiiAccess::kMasked, DeadlinePolicy(), Today());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << path;
    EXPECT_EQ(ErrorReason(r.status()), "MISSING_ROLE");
    EXPECT_NE(r.status().message().find(path), absl::string_view::npos) << r.status();
    EXPECT_NE(r.status().message().find("petition.pii"), absl::string_view::npos);
  }
  EXPECT_TRUE(CheckMayWritePetitioner(Mask({"petitioner.name"}), PiiAccess::kPlaintext).ok());
  EXPECT_TRUE(CheckMayWritePetitioner(Mask({"*"}), PiiAccess::kMasked).ok());
}

TEST(CaseInputTest, WriterWithoutPiiKeepsTheStoredPetitionerUnderStarAndOmittedMask) {
  const v1::Case stored = CaseThrough({});
  for (const auto& mask : {Mask({"*"}), Mask({})}) {
    v1::Case back = MaskedRead(stored);
    back.set_subject("回迁房办证进度");
    absl::StatusOr<v1::Case> r =
        ApplyCaseUpdate(stored, back, mask, PiiAccess::kMasked, DeadlinePolicy(), Today());
    ASSERT_TRUE(r.ok()) << mask.ShortDebugString() << ": " << r.status();
    EXPECT_EQ(r->subject(), "回迁房办证进度");
    EXPECT_EQ(r->petitioner().SerializeAsString(), stored.petitioner().SerializeAsString())
        << mask.ShortDebugString();
  }
}

TEST(CaseInputTest, MaskedValuesAreRefusedFromAnyone) {
  const v1::Case stored = CaseThrough({});
  const v1::Case read = MaskedRead(stored);
  // Each field's mask of the stored value, named alone.
  for (const char* field : {"name", "id_number", "phone", "address"}) {
    const std::string path = std::string("petitioner.") + field;
    absl::StatusOr<v1::Case> r = ApplyCaseUpdate(stored, read, Mask({path}), PiiAccess::kPlaintext,
                                                 DeadlinePolicy(), Today());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_EQ(ViolatedFields(r.status()), std::set<std::string>{"case." + path}) << r.status();
  }
  // The whole masked read under "*" and an omitted mask: every field named.
  for (const auto& mask : {Mask({"*"}), Mask({})}) {
    absl::StatusOr<v1::Case> r =
        ApplyCaseUpdate(stored, read, mask, PiiAccess::kPlaintext, DeadlinePolicy(), Today());
    EXPECT_EQ(ViolatedFields(r.status()),
              (std::set<std::string>{"case.petitioner.name", "case.petitioner.id_number",
                                     "case.petitioner.phone", "case.petitioner.address"}))
        << r.status();
  }
  // A value with the mask character anywhere is a mask, not a name.
  v1::Case starred = stored;
  starred.mutable_petitioner()->set_name("张*某");
  EXPECT_EQ(ViolatedFields(ApplyCaseUpdate(stored, starred, Mask({"petitioner.name"}),
                                           PiiAccess::kPlaintext, DeadlinePolicy(), Today())
                               .status()),
            std::set<std::string>{"case.petitioner.name"});
  // A real correction goes through.
  v1::Case fixed = stored;
  fixed.mutable_petitioner()->set_name("张某");
  absl::StatusOr<v1::Case> ok = ApplyCaseUpdate(stored, fixed, Mask({"petitioner.name"}),
                                                PiiAccess::kPlaintext, DeadlinePolicy(), Today());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->petitioner().name(), "张某");
}

TEST(CaseInputTest, AMaskAlreadyStoredDoesNotBlockOtherUpdates) {
  // A case damaged before masked writes were refused: its other fields stay editable, and the
  // unchanged mask is not a write.
  v1::Case stored = CaseThrough({});
  stored.mutable_petitioner()->set_name("张**");
  v1::Case patch = stored;
  patch.set_department("社会事业局");
  absl::StatusOr<v1::Case> r =
      ApplyCaseUpdate(stored, patch, Mask({"*"}), PiiAccess::kPlaintext, DeadlinePolicy(), Today());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->department(), "社会事业局");
}

TEST(CaseInputTest, NewCaseRefusesMaskedValues) {
  v1::Case input = NewCaseInput();
  *input.mutable_petitioner() = MaskPetitioner(input.petitioner());
  absl::StatusOr<v1::Case> c = PrepareNewCase(input, "clerk", DeadlinePolicy(), Today());
  EXPECT_EQ(ViolatedFields(c.status()),
            (std::set<std::string>{"case.petitioner.name", "case.petitioner.id_number",
                                   "case.petitioner.phone", "case.petitioner.address"}))
      << c.status();
}

// What a caller without petition.pii reads with free text too: the text withheld.
v1::Case WithheldRead(const v1::Case& stored) {
  v1::Case read = MaskedRead(stored);
  WithholdCaseText(&read);
  return read;
}

TEST(CaseInputTest, WithheldTextSentBackKeepsTheStoredText) {
  v1::Case stored = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 12, 21)}});
  stored.set_content("内容：某某在厂里受伤");
  stored.set_resolution_plan("方案：协调工伤认定");
  for (PiiAccess access : {PiiAccess::kMasked, PiiAccess::kPlaintext}) {
    for (const auto& mask : {Mask({"*"}), Mask({})}) {
      v1::Case back = WithheldRead(stored);
      ASSERT_EQ(back.content(), kWithheldNotice);
      if (access == PiiAccess::kPlaintext) *back.mutable_petitioner() = stored.petitioner();
      back.set_department("人社局");
      absl::StatusOr<v1::Case> r =
          ApplyCaseUpdate(stored, back, mask, access, DeadlinePolicy(), Today());
      ASSERT_TRUE(r.ok()) << mask.ShortDebugString() << ": " << r.status();
      EXPECT_EQ(r->department(), "人社局");
      EXPECT_EQ(r->subject(), stored.subject());
      EXPECT_EQ(r->content(), "内容：某某在厂里受伤");
      EXPECT_EQ(r->resolution_plan(), "方案：协调工伤认定");
      // The history (notes and reasons) is output only: a withheld read never reaches it.
      EXPECT_EQ(r->history(1).reason(), stored.history(1).reason());
    }
  }
}

TEST(CaseInputTest, TheNoticeIsRefusedWhereItWouldBeWritten) {
  v1::Case stored = CaseThrough({});
  stored.set_content("内容：原文");
  const v1::Case read = WithheldRead(stored);
  // Named in the mask: the caller means to write it.
  for (const char* path : {"subject", "content"}) {
    absl::StatusOr<v1::Case> r =
        ApplyCaseUpdate(stored, read, Mask({path}), PiiAccess::kMasked, DeadlinePolicy(), Today());
    EXPECT_EQ(ViolatedFields(r.status()), std::set<std::string>{std::string("case.") + path})
        << r.status();
  }
  // An edit of the notice, under any mask.
  v1::Case edited = read;
  edited.set_content(absl::StrCat(kWithheldNotice, " 补充材料已收到"));
  for (const auto& mask : {Mask({"*"}), Mask({}), Mask({"content"})}) {
    absl::StatusOr<v1::Case> r =
        ApplyCaseUpdate(stored, edited, mask, PiiAccess::kMasked, DeadlinePolicy(), Today());
    EXPECT_EQ(ViolatedFields(r.status()), std::set<std::string>{"case.content"}) << r.status();
  }
  // A new case holding it.
  v1::Case input = NewCaseInput();
  input.set_resolution_plan(std::string(kWithheldNotice));
  EXPECT_EQ(ViolatedFields(PrepareNewCase(input, "clerk", DeadlinePolicy(), Today()).status()),
            std::set<std::string>{"case.resolution_plan"});
  // And real text from a writer without petition.pii is written: the text is new.
  v1::Case patch;
  patch.set_content("内容：补充说明");
  absl::StatusOr<v1::Case> r = ApplyCaseUpdate(stored, patch, Mask({"content"}), PiiAccess::kMasked,
                                               DeadlinePolicy(), Today());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->content(), "内容：补充说明");
}

TEST(CaseInputTest, MovesAndExtensionsRefuseTheNotice) {
  const v1::Case c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 12, 21)}});
  Move note{v1::CASE_STATUS_ASSIGNED, D(2023, 12, 22), "tester", std::string(kWithheldNotice), ""};
  EXPECT_EQ(ViolatedFields(Transition(c, note, DeadlinePolicy(), Today()).status()),
            std::set<std::string>{"note"});
  ExtensionRequest ext{10, std::string(kWithheldNotice), D(2023, 12, 22), "tester"};
  EXPECT_EQ(ViolatedFields(ExtendDeadline(c, ext, DeadlinePolicy(), Today()).status()),
            std::set<std::string>{"reason"});
}

}  // namespace
}  // namespace gaoxin::petition
