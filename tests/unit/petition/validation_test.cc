#include "services/petition/domain/validation.h"

#include <set>

#include "gtest/gtest.h"
#include "services/petition/domain/identity_codes.h"
#include "tests/unit/petition/test_cases.h"

namespace gaoxin::petition {
namespace {

using testing::D;
using testing::NewCaseInput;
using testing::Today;

std::set<std::string> Fields(const FieldViolations& v) {
  std::set<std::string> out;
  for (const auto& [field, description] : v.violations()) out.insert(field);
  return out;
}

TEST(IdentityCodesTest, ResidentIdCheckDigit) {
  EXPECT_EQ(ResidentIdCheckChar("11010519491231002"), 'X');  // GB 11643 sample
  EXPECT_TRUE(IsValidResidentId("11010519491231002X", Today()));
  EXPECT_FALSE(IsValidResidentId("11010519491231002x", Today()));  // normalise first
  EXPECT_FALSE(IsValidResidentId("110105194912310021", Today()));  // wrong check digit
  EXPECT_FALSE(IsValidResidentId("11010519491231002", Today()));   // 17 characters
  EXPECT_FALSE(IsValidResidentId("1101051949123100AX", Today()));
  EXPECT_EQ(ResidentIdCheckChar("11010519490230001"), '2');
  EXPECT_FALSE(IsValidResidentId("110105194902300012", Today()));  // 1949-02-30 does not exist
  EXPECT_FALSE(IsValidResidentId("110105180001010017", Today()));  // before 1900
  EXPECT_TRUE(IsValidResidentId("210999198001010013", Today()));
}

// The first 17 digits and their check character: a number whose only fault, if any, is its date.
std::string WithCheckChar(const std::string& first17) {
  return first17 + ResidentIdCheckChar(first17);
}

TEST(ValidationTest, IdNumberBirthDateIsNotAfterTodayAndExists) {
  const absl::CivilDay today = D(2024, 3, 15);
  auto violations = [&](const std::string& id_number) {
    v1::Case c = NewCaseInput(D(2024, 1, 1));
    c.mutable_petitioner()->set_id_number(id_number);
    FieldViolations v;
    ValidateCaseInput(c, "case", today, &v);
    return v;
  };
  EXPECT_TRUE(violations(WithCheckChar("21090220240315123")).empty());  // born today
  EXPECT_TRUE(violations(WithCheckChar("21090219000101123")).empty());  // the earliest year
  for (const char* first17 : {"21090220240316123",                      // tomorrow
                              "21090220990101123",                      // 2099
                              "21090220230229123",                      // 2023 had no 29 February
                              "21090219991301123",                      // month 13
                              "21090219990100123",                      // day 0
                              "21090218991231123"}) {                   // before 1900
    const FieldViolations v = violations(WithCheckChar(first17));
    ASSERT_EQ(v.violations().size(), 1u) << first17;
    EXPECT_EQ(v.violations()[0].first, "case.petitioner.id_number") << first17;
    EXPECT_NE(v.violations()[0].second.find("birth date"), std::string::npos)
        << v.violations()[0].second;
    EXPECT_EQ(v.violations()[0].second.find(first17), std::string::npos);  // never echoed
  }
  EXPECT_NE(
      violations(WithCheckChar("21090220990101123")).violations()[0].second.find("after today"),
      std::string::npos);
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
