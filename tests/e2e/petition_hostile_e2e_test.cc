// End-to-end, as an adversary: the real petition_server fed hostile requests derived from its
// descriptors (tests/support/hostile.h) and random bytes, as a caller holding every role a
// petition method needs (admin for ResealPersonalData). Every answer canonical, text-rule breaches
// named by field, the server healthy.
#include "absl/strings/str_cat.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "gtest/gtest.h"
#include "tests/support/hostile.h"
#include "tests/support/server_under_test.h"

namespace gaoxin::petition {
namespace {

constexpr char kOfficer[] = "hostile-petition-officer";

class PetitionHostileE2eTest : public ::testing::Test {
 protected:
  PetitionHostileE2eTest()
      : server_(
            SERVER_PATH, "gaoxin.petition.v1.PetitionService",
            {{kOfficer, "officer", "petition.reader,petition.writer,petition.pii,auditor,admin"}},
            {"--pii_key_file=" + key_.File("pii.key")}) {}
  void SetUp() override {
    testing::WriteFile(key_.File("pii.key"), std::string(32, 'k'));
    ASSERT_TRUE(server_.Start()) << server_.log();
  }

  static const google::protobuf::ServiceDescriptor* Service() {
    // Through a generated message, so the linker keeps the proto's descriptors.
    return v1::Case::descriptor()->file()->FindServiceByName("PetitionService");
  }

  testing::TempDir key_;
  testing::ServerUnderTest server_;
};

TEST_F(PetitionHostileE2eTest, EveryFieldOfEveryMethodWithHostileValues) {
  const testing::SweepReport report = testing::SweepHostileValues(server_, Service(), kOfficer);
  EXPECT_GT(report.calls, 500);
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
}

TEST_F(PetitionHostileE2eTest, RandomBytesAsEveryMethodsRequest) {
  const testing::SweepReport report = testing::SweepRandomBytes(server_, Service(), kOfficer, 60);
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
}

}  // namespace
}  // namespace gaoxin::petition
