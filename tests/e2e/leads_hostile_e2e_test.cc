// End-to-end, as an adversary: the real leads_server fed hostile requests. Every method of the
// proto, every field of its request (nested ones too), hostile values from the descriptors
// (tests/support/hostile.h), random bytes, and the request_id and page-token attacks that once
// killed or fooled the server. The server must answer each with a canonical code, name the field
// where a text rule is broken, stay healthy, and store nothing it refused.
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "common/text.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/hostile.h"
#include "tests/support/server_under_test.h"

namespace gaoxin::leads {
namespace {

using testing::CallRaw;
using testing::HostileCases;

constexpr char kWriter[] = "hostile-writer-token";
constexpr char kOtherWriter[] = "hostile-other-writer-token";

class LeadsHostileE2eTest : public ::testing::Test {
 protected:
  LeadsHostileE2eTest()
      : server_(SERVER_PATH, "gaoxin.leads.v1.LeadService",
                {{kWriter, "writer", "leads.writer,leads.reader,auditor"},
                 {kOtherWriter, "other", "leads.writer,leads.reader"}}) {}

  void SetUp() override {
    ASSERT_TRUE(server_.Start()) << server_.log();
    stub_ = v1::LeadService::NewStub(server_.channel());
  }

  static v1::CreateLeadRequest ValidCreate(const std::string& name) {
    v1::CreateLeadRequest req;
    req.mutable_lead()->set_name(name);
    req.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
    req.mutable_lead()->set_source(v1::LEAD_SOURCE_CHAIN_BUREAU);
    *req.mutable_lead()->mutable_planned_investment() = Yuan(180000000);
    *req.mutable_effective_date() = MakeDate(2023, 1, 5);
    return req;
  }

  absl::StatusOr<v1::Lead> Create(const v1::CreateLeadRequest& req,
                                  const std::string& token = kWriter) {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, token, absl::Seconds(10));
    v1::Lead lead;
    grpc::Status s = stub_->CreateLead(&ctx, req, &lead);
    if (!s.ok()) return FromGrpcStatus(s);
    return lead;
  }

  int64_t Revision() {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(10));
    v1::ListLeadsResponse resp;
    EXPECT_TRUE(stub_->ListLeads(&ctx, v1::ListLeadsRequest(), &resp).ok());
    return resp.revision();
  }

  int LeadCount() {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(10));
    v1::ListLeadsRequest req;
    req.set_page_size(1000);
    v1::ListLeadsResponse resp;
    EXPECT_TRUE(stub_->ListLeads(&ctx, req, &resp).ok());
    return resp.leads_size();
  }

  const google::protobuf::ServiceDescriptor* Service() {
    return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
        "gaoxin.leads.v1.LeadService");
  }

  testing::ServerUnderTest server_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
};

// Once, any request_id that was not a legal header value was echoed into the trailers and gRPC
// aborted the process, often after committing the write.
TEST_F(LeadsHostileE2eTest, RequestIdsThatAreNotHeaderValuesAreRefusedAndTheServerLives) {
  const std::vector<std::string> ids = {
      "请求-1",  std::string("a\0b", 3), "a\tb", "a\r\nb", "a\x7f",
      "\x1b[2J", std::string(101, 'x')};
  for (const std::string& id : ids) {
    v1::CreateLeadRequest req = ValidCreate("hostile");
    req.set_request_id(id);
    auto created = Create(req);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << Excerpt(id);
    EXPECT_TRUE(testing::NamesField(created.status(), "request_id")) << created.status();
    ASSERT_TRUE(server_.Healthy()) << "after request_id " << Excerpt(id) << "\n" << server_.log();
  }
  EXPECT_EQ(LeadCount(), 0) << "a refused create stored a lead";
}

// AIP-155: a request_id names one request. Reused with other content, or by another caller, it
// is a client's mistake to report, not a reason to hand back somebody else's lead.
TEST_F(LeadsHostileE2eTest, RequestIdReuseWithOtherContentOrCallerIsRefused) {
  v1::CreateLeadRequest req = ValidCreate("first");
  req.set_request_id("6f1c1f7e-3d7a-4b7e-9a51-0d6c2b7f1a01");
  auto first = Create(req);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = Create(req);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id(), first->id()) << "a true retry returns the original";

  v1::CreateLeadRequest other = req;
  other.mutable_lead()->set_name("second");
  auto changed = Create(other);
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kInvalidArgument) << changed.status();
  EXPECT_TRUE(testing::NamesField(changed.status(), "request_id"));

  auto stolen = Create(req, kOtherWriter);
  EXPECT_EQ(stolen.status().code(), absl::StatusCode::kInvalidArgument) << stolen.status();
  EXPECT_EQ(LeadCount(), 1);
}

TEST_F(LeadsHostileE2eTest, PageTokensAreTamperEvidentAndBoundToEveryFilter) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Create(ValidCreate(absl::StrCat("p", i))).ok());
  v1::ListLeadsRequest req;
  req.set_page_size(1);
  req.set_year(2023);
  v1::ListLeadsResponse page;
  {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(10));
    ASSERT_TRUE(stub_->ListLeads(&ctx, req, &page).ok());
  }
  ASSERT_FALSE(page.next_page_token().empty());
  auto list = [&](const v1::ListLeadsRequest& r) {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(10));
    v1::ListLeadsResponse resp;
    return FromGrpcStatus(stub_->ListLeads(&ctx, r, &resp));
  };
  v1::ListLeadsRequest next = req;
  next.set_page_token(page.next_page_token());
  EXPECT_TRUE(list(next).ok());
  // A filter the handler never thought of still changes the fingerprint: here, the stage.
  v1::ListLeadsRequest other_filter = next;
  other_filter.set_stage(v1::STAGE_SIGNED);
  EXPECT_TRUE(testing::NamesField(list(other_filter), "page_token"));
  // An edited token.
  v1::ListLeadsRequest edited = next;
  std::string token = page.next_page_token();
  token[token.size() / 3] = token[token.size() / 3] == 'A' ? 'B' : 'A';
  edited.set_page_token(token);
  EXPECT_TRUE(testing::NamesField(list(edited), "page_token"));
}

// Every method, every field, every hostile value: canonical codes, named fields, bounded
// trailers, a healthy server, nothing stored.
TEST_F(LeadsHostileE2eTest, EveryFieldOfEveryMethodWithHostileValues) {
  const int64_t revision_before = Revision();
  const testing::SweepReport report = testing::SweepHostileValues(server_, Service(), kWriter);
  EXPECT_GT(report.calls, 1000);
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
  // Refused writes store nothing: the revision moves at most once per accepted call.
  EXPECT_LE(Revision() - revision_before, report.accepted);
  // Some hostile values are fine names ("请求-1"): those leads exist, and nothing else does.
  EXPECT_LE(LeadCount(), report.accepted);
}

// Random bytes as the body of every method: no crash, no hang, canonical codes.
TEST_F(LeadsHostileE2eTest, RandomBytesAsEveryMethodsRequest) {
  const testing::SweepReport report = testing::SweepRandomBytes(server_, Service(), kWriter, 60);
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
}

// Invalid UTF-8 once came back as UNIMPLEMENTED with an empty message.
TEST_F(LeadsHostileE2eTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  v1::CreateLeadRequest req = ValidCreate("x");
  req.mutable_lead()->set_name("bad\xc3\x28");
  std::string bytes;
  req.SerializePartialToString(&bytes);
  const testing::RawResult r =
      CallRaw(server_.channel(), Service()->FindMethodByName("CreateLead"), bytes, kWriter);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument) << r.status;
  EXPECT_TRUE(testing::NamesField(r.status, "lead.name")) << r.status;
}

// A 1 MB id once became a 1 MB message and 2 MB of trailers.
TEST_F(LeadsHostileE2eTest, ErrorsEchoOnlyABoundedPrefixOfTheInput) {
  v1::GetLeadRequest req;
  req.set_id("lead-" + std::string(1 << 20, 'f'));
  grpc::ClientContext ctx;
  PrepareContext(&ctx, kWriter, absl::Seconds(10));
  v1::Lead lead;
  absl::Status s = FromGrpcStatus(stub_->GetLead(&ctx, req, &lead));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s.message().substr(0, 200);
  EXPECT_LT(s.message().size(), 1024u);
}

}  // namespace
}  // namespace gaoxin::leads
