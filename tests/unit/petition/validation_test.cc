#include "services/petition/domain/validation.h"

#include <set>

#include "gtest/gtest.h"
#include "services/petition/domain/identity_codes.h"
#include "tests/unit/petition/test_cases.h"

namespace gaoxin::petition {
namespace {

using testing::D;
using testing::NewCaseInput;

std::set<std::string> Fields(const FieldViolations& v) {
  std::set<std::string> out;
  for (const auto& [field, description] : v.violations()) out.insert(field);
  return out;
}

TEST(IdentityCodesTest, ResidentIdCheckDigit) {
  EXPECT_EQ(ResidentIdCheckChar("11010519491231002"), 'X');  // GB 11643 sample
  EXPECT_TRUE(IsValidResidentId("11010519491231002X"));
  EXPECT_FALSE(IsValidResidentId("11010519491231002x"));  // normalise first
  EXPECT_FALSE(IsValidResidentId("110105194912310021"));  // wrong check digit
  EXPECT_FALSE(IsValidResidentId("11010519491231002"));   // 17 characters
  EXPECT_FALSE(IsValidResidentId("1101051949123100AX"));
  EXPECT_EQ(ResidentIdCheckChar("11010519490230001"), '2');
  EXPECT_FALSE(IsValidResidentId("110105194902300012"));  // 1949-02-30 does not exist
  EXPECT_FALSE(IsValidResidentId("110105180001010017"));  // before 1900
  EXPECT_TRUE(IsValidResidentId("210999198001010013"));
}

TEST(IdentityCodesTest, Uscc) {
  EXPECT_TRUE(IsValidUscc("91350100M000100Y43"));
  EXPECT_FALSE(IsValidUscc("91350100M000100Y44"));
  EXPECT_FALSE(IsValidUscc("91350100M000100Y4"));
  EXPECT_FALSE(IsValidUscc("91350100M0001I0Y43"));  // I is not in the alphabet
}

TEST(ValidationTest, ValidCasePasses) {
  FieldViolations v;
  ValidateCaseInput(NewCaseInput(), "case", D(2024, 1, 1), &v);
  EXPECT_TRUE(v.empty()) << v.ToStatus();
}

TEST(ValidationTest, EveryBadFieldIsNamed) {
  v1::Case c;
  c.mutable_received_date()->set_year(2023);
  c.mutable_received_date()->set_month(2);
  c.mutable_received_date()->set_day(30);
  c.mutable_petitioner()->set_id_number("110105194912310021");
  c.mutable_petitioner()->set_phone("12ab");
  c.add_ledger_ids("wj");
  c.add_ledger_ids("wj");
  c.set_enterprise_uscc("91350100M000100Y44");
  FieldViolations v;
  ValidateCaseInput(c, "case", D(2024, 1, 1), &v);
  EXPECT_EQ(Fields(v), (std::set<std::string>{"case.channel", "case.received_date",
                                              "case.petitioner.name", "case.petitioner.id_number",
                                              "case.petitioner.phone", "case.petitioner_count",
                                              "case.category", "case.subject", "case.ledger_ids[1]",
                                              "case.enterprise_uscc", "case.enterprise_name"}));
  EXPECT_EQ(v.ToStatus().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidationTest, ReceivedDateNotInTheFuture) {
  FieldViolations v;
  ValidateCaseInput(NewCaseInput(D(2024, 1, 2)), "case", D(2024, 1, 1), &v);
  EXPECT_EQ(Fields(v), (std::set<std::string>{"case.received_date"}));
}

TEST(ValidationTest, LengthsCountCharacters) {
  v1::Case c = NewCaseInput();
  std::string name;
  for (int i = 0; i < 50; ++i) name += "张";  // 150 bytes, 50 characters: allowed
  c.mutable_petitioner()->set_name(name);
  FieldViolations ok;
  ValidateCaseInput(c, "case", D(2024, 1, 1), &ok);
  EXPECT_TRUE(ok.empty()) << ok.ToStatus();
  c.mutable_petitioner()->set_name(name + "张");
  FieldViolations too_long;
  ValidateCaseInput(c, "case", D(2024, 1, 1), &too_long);
  EXPECT_EQ(Fields(too_long), (std::set<std::string>{"case.petitioner.name"}));
}

TEST(ValidationTest, NormalizeUppercasesIdAndTrims) {
  v1::Case c = NewCaseInput();
  c.mutable_petitioner()->set_id_number(" 11010519491231002x ");
  c.set_category(" 回迁房办证 ");
  NormalizeCaseInput(&c);
  EXPECT_EQ(c.petitioner().id_number(), "11010519491231002X");
  EXPECT_EQ(c.category(), "回迁房办证");
}

TEST(ValidationTest, LedgerAndMeeting) {
  FieldViolations v;
  ValidateLedgerInput(v1::Ledger(), "ledger", &v);
  EXPECT_EQ(Fields(v), (std::set<std::string>{"ledger.name", "ledger.year", "ledger.kind"}));
  v1::Meeting m;
  m.set_kind(v1::MEETING_KIND_JOINT_MEETING);
  m.mutable_date()->set_year(2023);
  m.mutable_date()->set_month(6);
  m.mutable_date()->set_day(1);
  FieldViolations mv;
  ValidateMeetingInput(m, "meeting", D(2024, 1, 1), &mv);
  EXPECT_EQ(Fields(mv), (std::set<std::string>{"meeting.attendees"}));
}

}  // namespace
}  // namespace gaoxin::petition
