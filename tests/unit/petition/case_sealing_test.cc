// Sealing of every personal-data field of cases and meetings (petitioner and free text), the
// binding of each seal to its case and field, legacy plaintext free text, re-sealing by mode, and
// withholding free text from callers without petition.pii.
#include "services/petition/domain/case_sealing.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/petition/domain/free_text.h"

namespace gaoxin::petition {
namespace {

PiiCipher Ring(const std::string& text) { return PiiCipher::FromKeyRingText(text, "test").value(); }
const std::string kK1 = "k1 " + std::string(64, 'a');
const std::string kK2 = "k2 " + std::string(64, 'b');

// A case with every free-text field set to distinctive text.
v1::Case FullCase() {
  v1::Case c;
  c.set_id("case-00000000000000aa");
  c.mutable_petitioner()->set_name("欧阳测某");
  c.mutable_petitioner()->set_id_number("11010519491231002X");
  c.mutable_petitioner()->set_phone("13900000001");
  c.mutable_petitioner()->set_address("辽宁省阜新市高新区密封小区");
  c.set_category("劳动争议");
  c.set_subject("主题：欧阳家拖欠工资");
  c.set_content("内容：本人在某厂工作十年");
  c.set_resolution_plan("方案：分三期支付");
  for (int i = 0; i < 2; ++i) {
    v1::CaseEvent* e = c.add_history();
    e->set_note(absl::StrCat("备注", i, "：已电话联系其妻"));
    e->set_reason(absl::StrCat("理由", i, "：材料不全"));
  }
  c.mutable_extension()->set_days(10);
  c.mutable_extension()->set_reason("延期理由：当事人住院");
  return c;
}

const std::vector<std::string> kCaseTexts = {
    "欧阳测某",   "11010519491231002X", "13900000001",    "密封小区", "欧阳家拖欠工资",
    "本人在某厂", "分三期支付",         "已电话联系其妻", "材料不全", "当事人住院"};

TEST(CaseSealingTest, EveryPersonalFieldOfACaseIsSealedAndOpensBack) {
  PiiCipher cipher = Ring(kK1);
  const v1::Case plain = FullCase();
  absl::StatusOr<v1::Case> sealed = SealCase(cipher, plain);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  const std::string bytes = sealed->SerializeAsString();
  for (const std::string& text : kCaseTexts) {
    EXPECT_EQ(bytes.find(text), std::string::npos) << text << " in the sealed case";
  }
  EXPECT_NE(bytes.find("劳动争议"), std::string::npos);  // the category is not sealed
  EXPECT_TRUE(absl::StartsWith(sealed->history(1).reason(), "enc:v2:k1:"));
  absl::StatusOr<v1::Case> opened = OpenCase(cipher, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->SerializeAsString(), plain.SerializeAsString());
}

TEST(CaseSealingTest, SealsAreBoundToTheirCaseAndField) {
  PiiCipher cipher = Ring(kK1);
  v1::Case sealed = *SealCase(cipher, FullCase());
  v1::Case swapped = sealed;
  swapped.set_content(sealed.subject());
  EXPECT_EQ(OpenCase(cipher, swapped).status().code(), absl::StatusCode::kDataLoss);
  swapped = sealed;
  swapped.mutable_history(0)->set_note(sealed.history(1).note());
  EXPECT_EQ(OpenCase(cipher, swapped).status().code(), absl::StatusCode::kDataLoss);
  swapped = sealed;
  swapped.set_id("case-00000000000000bb");
  EXPECT_EQ(OpenCase(cipher, swapped).status().code(), absl::StatusCode::kDataLoss);
}

TEST(CaseSealingTest, MeetingTextIsSealed) {
  PiiCipher cipher = Ring(kK1);
  v1::Meeting m;
  m.set_id("meeting-0000000000000001");
  m.add_attendees("信访人欧阳某");
  m.add_attendees("其子欧阳小某");
  m.set_notes("会议纪要：同意先行垫付");
  absl::StatusOr<v1::Meeting> sealed = SealMeeting(cipher, m);
  ASSERT_TRUE(sealed.ok());
  const std::string bytes = sealed->SerializeAsString();
  for (const char* text : {"欧阳某", "欧阳小某", "先行垫付"}) {
    EXPECT_EQ(bytes.find(text), std::string::npos) << text;
  }
  v1::Meeting swapped = *sealed;
  swapped.set_attendees(0, sealed->attendees(1));
  EXPECT_FALSE(OpenMeeting(cipher, swapped).ok());
  EXPECT_EQ(OpenMeeting(cipher, *sealed)->SerializeAsString(), m.SerializeAsString());
}

TEST(CaseSealingTest, LegacyPlaintextTextOpensButPetitionerMustBeSealed) {
  PiiCipher cipher = Ring(kK1);
  v1::Case legacy = *SealCase(cipher, FullCase());
  legacy.set_content("内容：旧版明文");
  absl::StatusOr<v1::Case> opened = OpenCase(cipher, legacy);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->content(), "内容：旧版明文");
  legacy.mutable_petitioner()->set_name("欧阳测某");
  EXPECT_EQ(OpenCase(cipher, legacy).status().code(), absl::StatusCode::kDataLoss);
}

TEST(CaseSealingTest, ResealByMode) {
  PiiCipher k1 = Ring(kK1);
  PiiCipher rotated = Ring(kK1 + "\n" + kK2 + " current");
  v1::Case stored = *SealCase(k1, FullCase());
  stored.set_subject("主题：旧版明文");  // written before free text was sealed
  const std::string k1_name = stored.petitioner().name();

  // kPlaintextOnly seals the plaintext (under the current key) and leaves the rest byte for byte.
  SealCensus census;
  v1::Case once = stored;
  ASSERT_TRUE(*ResealCase(rotated, ResealMode::kPlaintextOnly, &once, &census));
  EXPECT_EQ(census[std::string(kPlaintextCensusKey)], 1);
  EXPECT_EQ(census["k1"], 11);  // 4 petitioner + content + plan + 2x2 history + extension
  EXPECT_TRUE(absl::StartsWith(once.subject(), "enc:v2:k2:"));
  EXPECT_EQ(once.petitioner().name(), k1_name);
  EXPECT_FALSE(*ResealCase(rotated, ResealMode::kPlaintextOnly, &once, nullptr));

  // kCurrentKey moves every seal to the current key; a second pass changes nothing.
  ASSERT_TRUE(*ResealCase(rotated, ResealMode::kCurrentKey, &once, nullptr));
  for (TextField& f : CaseTextFields(&once)) {
    EXPECT_TRUE(absl::StartsWith(*f.value, "enc:v2:k2:")) << f.path;
  }
  EXPECT_TRUE(absl::StartsWith(once.petitioner().name(), "enc:v2:k2:"));
  const std::string after = once.SerializeAsString();
  EXPECT_FALSE(*ResealCase(rotated, ResealMode::kCurrentKey, &once, nullptr));
  EXPECT_EQ(once.SerializeAsString(), after);
  // And the new-key-only ring opens it to the original text.
  absl::StatusOr<v1::Case> opened = OpenCase(Ring(kK2), once);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->subject(), "主题：旧版明文");
  EXPECT_EQ(opened->history(1).reason(), "理由1：材料不全");

  // A seal under a key the ring lacks: DATA_LOSS, not a silent skip.
  v1::Case foreign = *SealCase(Ring("k9 " + std::string(64, 'c')), FullCase());
  EXPECT_EQ(ResealCase(rotated, ResealMode::kCurrentKey, &foreign, nullptr).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(FreeTextTest, WithholdingReplacesEveryNonEmptyField) {
  v1::Case c = FullCase();
  c.mutable_history(0)->clear_note();
  WithholdCaseText(&c);
  EXPECT_EQ(c.subject(), kWithheldNotice);
  EXPECT_EQ(c.content(), kWithheldNotice);
  EXPECT_EQ(c.resolution_plan(), kWithheldNotice);
  EXPECT_EQ(c.history(0).note(), "");  // nothing to withhold
  EXPECT_EQ(c.history(0).reason(), kWithheldNotice);
  EXPECT_EQ(c.history(1).note(), kWithheldNotice);
  EXPECT_EQ(c.extension().reason(), kWithheldNotice);
  EXPECT_EQ(c.petitioner().name(), "欧阳测某");  // masking is separate
  EXPECT_EQ(c.category(), "劳动争议");
  const std::string bytes = c.SerializeAsString();
  for (const std::string& text : {"欧阳家", "某厂", "三期", "其妻", "材料", "住院"}) {
    EXPECT_EQ(bytes.find(text), std::string::npos) << text;
  }

  v1::Meeting m;
  m.add_attendees("信访人欧阳某");
  m.add_attendees("王某");
  WithholdMeetingText(&m);
  EXPECT_EQ(m.attendees_size(), 2);
  EXPECT_EQ(m.attendees(1), kWithheldNotice);
  EXPECT_EQ(m.notes(), "");
}

TEST(FreeTextTest, FieldNamesForTheAudit) {
  v1::Case c = FullCase();
  c.clear_resolution_plan();
  EXPECT_EQ(CaseTextFieldNames(c),
            (std::vector<std::string>{"subject", "content", "history.note", "history.reason",
                                      "extension.reason"}));
  EXPECT_TRUE(CaseTextFieldNames(v1::Case()).empty());
  v1::Meeting m;
  m.set_notes("x");
  EXPECT_EQ(MeetingTextFieldNames(m), (std::vector<std::string>{"notes"}));
}

TEST(FreeTextTest, TheNoticeIsNeverText) {
  FieldViolations v;
  CheckNotWithheldNotice("正常内容", "case.content", &v);
  EXPECT_TRUE(v.empty());
  CheckNotWithheldNotice(kWithheldNotice, "case.content", &v);
  CheckNotWithheldNotice(absl::StrCat("补充：", kWithheldNotice, "。"), "note", &v);
  ASSERT_FALSE(v.empty());
  std::vector<std::string> fields;
  for (const auto& [field, description] : FieldViolationsOf(v.ToStatus())) fields.push_back(field);
  EXPECT_EQ(fields, (std::vector<std::string>{"case.content", "note"}));
}

}  // namespace
}  // namespace gaoxin::petition
