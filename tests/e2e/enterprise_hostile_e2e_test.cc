// End-to-end, as an adversary: the real enterprise_server fed hostile requests derived from its
// descriptors (tests/support/hostile.h) and random bytes. Every answer canonical, text-rule
// breaches named by field, the server healthy, nothing stored.
#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/hostile.h"
#include "tests/support/server_under_test.h"

namespace gaoxin::enterprise {
namespace {

constexpr char kWriter[] = "hostile-enterprise-writer";

class EnterpriseHostileE2eTest : public ::testing::Test {
 protected:
  EnterpriseHostileE2eTest()
      : server_(SERVER_PATH, "gaoxin.enterprise.v1.EnterpriseService",
                {{kWriter, "writer", "enterprise.writer,enterprise.reader,auditor"}}) {}
  void SetUp() override { ASSERT_TRUE(server_.Start()) << server_.log(); }

  int EnterpriseCount() {
    auto stub = v1::EnterpriseService::NewStub(server_.channel());
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(10));
    v1::ListEnterprisesRequest req;
    req.set_page_size(1000);
    v1::ListEnterprisesResponse resp;
    EXPECT_TRUE(stub->ListEnterprises(&ctx, req, &resp).ok());
    return resp.enterprises_size();
  }

  static const google::protobuf::ServiceDescriptor* Service() {
    return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
        "gaoxin.enterprise.v1.EnterpriseService");
  }

  testing::ServerUnderTest server_;
};

TEST_F(EnterpriseHostileE2eTest, EveryFieldOfEveryMethodWithHostileValues) {
  const testing::SweepReport report = testing::SweepHostileValues(server_, Service(), kWriter);
  EXPECT_GT(report.calls, 500);
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
  EXPECT_LE(EnterpriseCount(), report.accepted) << "a refused request created an enterprise";
}

TEST_F(EnterpriseHostileE2eTest, RandomBytesAsEveryMethodsRequest) {
  const testing::SweepReport report = testing::SweepRandomBytes(server_, Service(), kWriter, 60);
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
}

// Whitespace in enterprise_uscc was answered UNAVAILABLE "retry later".
TEST_F(EnterpriseHostileE2eTest, WhitespaceInAUsccIsInvalidArgument) {
  auto stub = v1::EnterpriseService::NewStub(server_.channel());
  grpc::ClientContext ctx;
  PrepareContext(&ctx, kWriter, absl::Seconds(10));
  v1::GetEnterpriseRequest req;
  req.set_uscc(" 91210900MA0XXXXXX1");
  v1::Enterprise out;
  grpc::Status s = stub->GetEnterprise(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
}

}  // namespace
}  // namespace gaoxin::enterprise
