// End-to-end: the petition service's writes and its audited reads of personal data in one
// tamper-evident chain, over mutual TLS. A case write's diff holds the petitioner's data only
// sealed (an auditor without petition.pii sees no plaintext), a rejected write leaves no record,
// the same --audit_key_file as --pii_key_file is refused, and gaoxinctl verifies the chain.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/date.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/audit_fixture.h"
#include "tests/support/petition_fixture.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::petition {
namespace {

namespace af = testing::audit_fixture;
namespace pf = testing::petition_fixture;

constexpr char kName[] = "皇甫审计";
constexpr char kAddress[] = "辽宁省阜新市高新区审计街道测试小区";

class PetitionAuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pf::WriteServerFiles(dir_);
    port_ = testing::FreePort();
    const std::vector<std::string> argv =
        testing::WithStore({SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port_),
                            "--tokens_file=" + dir_.File("tokens"),
                            "--pii_key_file=" + dir_.File("pii.key"), "--shutdown_grace_ms=3000"},
                           dir_, "petition");
    ASSERT_TRUE(
        testing::StartServing(&server_, argv, dir_.File("server.log"), address(), pf::kService));
    stub_ = v1::PetitionService::NewStub(MakeChannel(address()));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    return testing::TokenContext(token, absl::Seconds(20));
  }

  static v1::Case ValidCase(const std::string& id_number) {
    v1::Case c;
    c.set_channel(v1::CHANNEL_VISIT);
    *c.mutable_received_date() = FromCivilDay(TodayInZone(absl::Now()) - 3);
    c.mutable_petitioner()->set_name(kName);
    c.mutable_petitioner()->set_id_number(id_number);
    c.mutable_petitioner()->set_phone("13900001111");
    c.mutable_petitioner()->set_address(kAddress);
    c.set_petitioner_count(1);
    c.set_category("劳动争议");
    c.set_subject("拖欠工资");
    c.set_department("社会事业局");
    return c;
  }

  v1::ListAuditRecordsResponse List(const v1::ListAuditRecordsRequest& req = {}) {
    v1::ListAuditRecordsResponse resp;
    grpc::Status s = stub_->ListAuditRecords(Ctx(pf::kAuditorToken).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  testing::TempDir dir_;
  int port_ = 0;
  std::unique_ptr<testing::Subprocess> server_;
  std::unique_ptr<v1::PetitionService::Stub> stub_;
};

TEST_F(PetitionAuditE2eTest, WritesAndReadsShareTheChainWithPersonalDataSealed) {
  const std::string id_number = pf::ResidentId("21099919800101401");
  v1::CreateCaseRequest create;
  *create.mutable_case_() = ValidCase(id_number);
  v1::Case created;
  ASSERT_TRUE(stub_->CreateCase(Ctx(pf::kOfficerToken).get(), create, &created).ok());
  // Rejected: an ID number with a broken check character.
  v1::CreateCaseRequest bad = create;
  std::string bad_id = id_number;
  bad_id[16] = bad_id[16] == '0' ? '1' : '0';
  bad.mutable_case_()->mutable_petitioner()->set_id_number(bad_id);
  v1::Case out;
  EXPECT_EQ(stub_->CreateCase(Ctx(pf::kOfficerToken).get(), bad, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // A read in the clear, audited in the same chain.
  v1::GetCaseRequest get;
  get.set_id(created.id());
  ASSERT_TRUE(stub_->GetCase(Ctx(pf::kOfficerToken).get(), get, &out).ok());
  EXPECT_EQ(out.petitioner().name(), kName);

  const v1::ListAuditRecordsResponse resp = List();
  // The create (its write, and its answer in the clear) and the read.
  ASSERT_EQ(resp.records_size(), 3);
  EXPECT_EQ(resp.head_sequence(), 3);
  const audit::v1::AuditRecord& write = resp.records(0).entry();
  EXPECT_EQ(write.kind(), audit::v1::AUDIT_KIND_WRITE);
  EXPECT_EQ(write.principal(), "officer");
  EXPECT_EQ(write.method(), "/gaoxin.petition.v1.PetitionService/CreateCase");
  EXPECT_EQ(write.resource(), "cases/" + created.id());
  EXPECT_EQ(write.etag_after(), created.etag());
  EXPECT_EQ(resp.records(0).case_id(), created.id());
  bool sealed_name = false;
  bool sealed_address = false;
  for (const auto& c : write.changes()) {
    if (c.path() == "petitioner.name") sealed_name = absl::StartsWith(c.after(), "enc:v2:");
    if (c.path() == "petitioner.address") sealed_address = absl::StartsWith(c.after(), "enc:v2:");
    if (c.path() == "category") {
      EXPECT_EQ(c.after(), "劳动争议");
    }
  }
  EXPECT_TRUE(sealed_name);
  EXPECT_TRUE(sealed_address);
  EXPECT_EQ(resp.records(2).entry().kind(), audit::v1::AUDIT_KIND_READ);
  EXPECT_EQ(resp.records(2).method(), "GetCase");
  // The auditor (no petition.pii) gets no personal data in the clear anywhere in the answer.
  const std::string bytes = resp.SerializeAsString();
  EXPECT_EQ(bytes.find(kName), std::string::npos);
  EXPECT_EQ(bytes.find(id_number), std::string::npos);
  EXPECT_EQ(bytes.find(kAddress), std::string::npos);
  EXPECT_EQ(bytes.find("13900001111"), std::string::npos);
  EXPECT_EQ(bytes.find("拖欠工资"), std::string::npos);  // free text is sealed too

  // The shared filters and the older ones.
  v1::ListAuditRecordsRequest by_resource;
  by_resource.set_resource("cases/" + created.id());
  EXPECT_EQ(List(by_resource).records_size(), 3);
  v1::ListAuditRecordsRequest by_method;
  by_method.set_method("/gaoxin.petition.v1.PetitionService/GetCase");
  EXPECT_EQ(List(by_method).records_size(), 1);
  v1::ListAuditRecordsRequest by_actor;
  by_actor.set_actor("officer");
  EXPECT_EQ(List(by_actor).records_size(), 3);
  by_actor.set_principal("someone-else");
  EXPECT_EQ(List(by_actor).records_size(), 0);
  v1::ListAuditRecordsRequest reversed;
  reversed.mutable_start_time()->set_seconds(2000000000);
  reversed.mutable_end_time()->set_seconds(1000000000);
  v1::ListAuditRecordsResponse none;
  grpc::Status s = stub_->ListAuditRecords(Ctx(pf::kAuditorToken).get(), reversed, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("end_time"), std::string::npos) << s.error_message();
  // Not for the officer, who holds petition.pii but not auditor.
  EXPECT_EQ(stub_->ListAuditRecords(Ctx(pf::kOfficerToken).get(), {}, &none).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  const af::CtlResult verified =
      af::VerifyChain(dir_, "petition", "--petition_addr=" + address(),
                      testing::AuditKeyFile(dir_, "petition"), pf::kAuditorToken);
  EXPECT_EQ(verified.code, 0) << verified.output;
  EXPECT_NE(verified.output.find("3 records verified"), std::string::npos) << verified.output;
}

TEST_F(PetitionAuditE2eTest, TheAuditKeyIsNotThePiiKey) {
  std::vector<std::string> argv = {SERVER_PATH,
                                   absl::StrCat("--listen=127.0.0.1:", testing::FreePort()),
                                   "--db=" + dir_.File("other.db"),
                                   "--tokens_file=" + dir_.File("tokens"),
                                   "--pii_key_file=" + dir_.File("pii.key"),
                                   "--audit_key_file=" + dir_.File("pii.key")};
  testing::Subprocess same(argv, dir_.File("same.log"));
  EXPECT_EQ(same.Wait(absl::Seconds(15)), 1);
  EXPECT_NE(testing::ReadFileOrEmpty(dir_.File("same.log")).find("must not be the --pii_key_file"),
            std::string::npos)
      << testing::ReadFileOrEmpty(dir_.File("same.log"));
}

}  // namespace
}  // namespace gaoxin::petition
