#include "services/petition/domain/masking.h"

#include "gtest/gtest.h"
#include "services/petition/domain/utf8.h"

namespace gaoxin::petition {
namespace {

TEST(MaskingTest, ChineseNamesPerCharacter) {
  EXPECT_EQ(MaskName("张三丰"), "张**");
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧***");
  EXPECT_EQ(MaskName("张"), "*");  // a lone character would be the whole name
  EXPECT_EQ(MaskName(""), "");
  EXPECT_EQ(MaskName("Li Lei"), "L*****");
  // A name with a 4-byte character (𠮷, U+20BB7) still counts as characters.
  EXPECT_EQ(MaskName("\xF0\xA0\xAE\xB7三"), "\xF0\xA0\xAE\xB7*");
}

TEST(MaskingTest, MalformedUtf8NeverLeaksBytesPastTheFirstCharacter) {
  // A truncated 3-byte sequence: each stray byte is one "character" and is starred.
  EXPECT_EQ(MaskName("张\xE4\xB8"), "张**");
  EXPECT_EQ(SplitUtf8Chars("a\xFF").size(), 2u);
}

TEST(MaskingTest, IdNumberKeepsFirstSixAndLastFour) {
  EXPECT_EQ(MaskIdNumber("11010519491231002X"), "110105********002X");
  EXPECT_EQ(MaskIdNumber("210999198001010013"), "210999********0013");
  EXPECT_EQ(MaskIdNumber("110105491231002"), "110105*****1002");  // old 15-digit number
  EXPECT_EQ(MaskIdNumber("12345678901"), "123456*8901");
  EXPECT_EQ(MaskIdNumber("1234567890"), "**********");  // nothing would be hidden
  EXPECT_EQ(MaskIdNumber("123"), "***");
  EXPECT_EQ(MaskIdNumber(""), "");
}

TEST(MaskingTest, PhoneKeepsFirstThreeAndLastFour) {
  EXPECT_EQ(MaskPhone("13900001234"), "139****1234");
  EXPECT_EQ(MaskPhone("0418-3456789"), "041*****6789");
  EXPECT_EQ(MaskPhone("1234567"), "*******");
  EXPECT_EQ(MaskPhone("12345"), "*****");
}

TEST(MaskingTest, AddressKeepsTheRegionOnly) {
  EXPECT_EQ(MaskAddress("辽宁省阜新市高新区示例小区1号楼"), "辽宁省阜新市****");
  EXPECT_EQ(MaskAddress("示例路8号"), "示例****");  // at most half is shown
  EXPECT_EQ(MaskAddress("某"), "****");
  EXPECT_EQ(MaskAddress(""), "");
}

TEST(MaskingTest, MaskPetitionerMasksEveryField) {
  v1::Petitioner p;
  p.set_name("王某某");
  p.set_id_number("210999198001010021");
  p.set_phone("13900000001");
  p.set_address("辽宁省阜新市高新区示例小区2号楼3单元");
  v1::Petitioner m = MaskPetitioner(p);
  EXPECT_EQ(m.name(), "王**");
  EXPECT_EQ(m.id_number(), "210999********0021");
  EXPECT_EQ(m.phone(), "139****0001");
  EXPECT_EQ(m.address(), "辽宁省阜新市****");
}

TEST(MaskingTest, EveryMaskLooksMasked) {
  for (const char* value : {"张", "张三丰", "21090219800101123X", "12345", "13800001234",
                            "辽宁省阜新市高新区某某路8号", "阜新"}) {
    EXPECT_TRUE(LooksMasked(MaskName(value))) << value;
    EXPECT_TRUE(LooksMasked(MaskIdNumber(value))) << value;
    EXPECT_TRUE(LooksMasked(MaskPhone(value))) << value;
    EXPECT_TRUE(LooksMasked(MaskAddress(value))) << value;
    EXPECT_FALSE(LooksMasked(value)) << value;
  }
  EXPECT_FALSE(LooksMasked(""));
}

}  // namespace
}  // namespace gaoxin::petition
