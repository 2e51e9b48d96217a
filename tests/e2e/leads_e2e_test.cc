// End-to-end: the real leads_server binary, called over gRPC, with a real redis-server.
#include <atomic>
#include <limits>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::leads {
namespace {

using testing::RedisServer;
using testing::Subprocess;
using testing::TempDir;

constexpr char kService[] = "gaoxin.leads.v1.LeadService";
constexpr char kWriterToken[] = "writer-token-1";
constexpr char kReaderToken[] = "reader-token-1";
constexpr char kOtherToken[] = "enterprise-token-1";

class LeadsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteTokensFile(dir_.File("tokens"),
                             {{kWriterToken, "writer", "leads.writer,leads.reader"},
                              {kReaderToken, "reader", "leads.reader"},
                              {kOtherToken, "other", "enterprise.reader"}});
    ASSERT_TRUE(redis_.Start());
    port_ = testing::FreePort();
    StartServer();
  }

  void StartServer() {
    const std::vector<std::string> argv = testing::WithStore(
        {SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port_), "--redis=" + redis_.address(),
         "--tokens_file=" + dir_.File("tokens"), "--shutdown_grace_ms=3000"},
        dir_, "leads");
    ASSERT_TRUE(
        testing::StartServing(&server_, argv, dir_.File("server.log"), address(), kService));
    stub_ = v1::LeadService::NewStub(MakeChannel(address()));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = kWriterToken) {
    return testing::TokenContext(token, absl::Seconds(10));
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

  absl::StatusOr<v1::Lead> Create(const v1::CreateLeadRequest& req) {
    v1::Lead lead;
    grpc::Status s = stub_->CreateLead(Ctx().get(), req, &lead);
    if (!s.ok()) return FromGrpcStatus(s);
    return lead;
  }

  absl::StatusOr<v1::Lead> Transition(const std::string& id, v1::Stage to, common::v1::Date date) {
    v1::TransitionLeadRequest req;
    req.set_id(id);
    req.set_to_stage(to);
    *req.mutable_effective_date() = date;
    if (to == v1::STAGE_SIGNED) *req.mutable_signed_amount() = Yuan(180000000);
    v1::Lead lead;
    grpc::Status s = stub_->TransitionLead(Ctx().get(), req, &lead);
    if (!s.ok()) return FromGrpcStatus(s);
    return lead;
  }

  int CountLeads() {
    v1::ListLeadsRequest req;
    req.set_page_size(1000);
    v1::ListLeadsResponse resp;
    EXPECT_TRUE(stub_->ListLeads(Ctx().get(), req, &resp).ok());
    return resp.leads_size();
  }

  TempDir dir_;
  RedisServer redis_;
  int port_ = 0;
  std::unique_ptr<Subprocess> server_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
};

TEST_F(LeadsE2eTest, CreateGetAndListWithPaging) {
  std::set<std::string> created;
  for (int i = 0; i < 7; ++i) {
    auto lead = Create(ValidCreate(absl::StrCat("项目", i)));
    ASSERT_TRUE(lead.ok()) << lead.status();
    EXPECT_EQ(lead->stage(), v1::STAGE_RESERVE);
    EXPECT_EQ(lead->history_size(), 1);
    EXPECT_EQ(lead->history(0).actor(), "writer");
    created.insert(lead->id());
  }
  v1::Lead got;
  auto get_ctx = Ctx(kReaderToken);
  ASSERT_TRUE(stub_
                  ->GetLead(
                      get_ctx.get(),
                      [&] {
                        v1::GetLeadRequest r;
                        r.set_id(*created.begin());
                        return r;
                      }(),
                      &got)
                  .ok());
  EXPECT_EQ(got.id(), *created.begin());
  // Get responses carry the store revision they reflect as metadata: 7 creates so far, after
  // the empty store's revision 1.
  auto header = get_ctx->GetServerInitialMetadata().find("x-gaoxin-revision");
  ASSERT_NE(header, get_ctx->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(header->second.data(), header->second.size()), "8");

  v1::ListLeadsRequest req;
  req.set_page_size(3);
  std::set<std::string> listed;
  int pages = 0;
  do {
    v1::ListLeadsResponse resp;
    ASSERT_TRUE(stub_->ListLeads(Ctx(kReaderToken).get(), req, &resp).ok());
    for (const auto& l : resp.leads()) EXPECT_TRUE(listed.insert(l.id()).second);
    EXPECT_GT(resp.revision(), 0);
    req.set_page_token(resp.next_page_token());
    ++pages;
  } while (!req.page_token().empty());
  EXPECT_EQ(listed, created);
  EXPECT_EQ(pages, 3);

  // A token replayed with other filters is refused, naming page_token.
  v1::ListLeadsRequest first;
  first.set_page_size(3);
  v1::ListLeadsResponse resp;
  ASSERT_TRUE(stub_->ListLeads(Ctx().get(), first, &resp).ok());
  first.set_page_token(resp.next_page_token());
  first.set_stage(v1::STAGE_SIGNED);
  grpc::Status s = stub_->ListLeads(Ctx().get(), first, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("page_token"), std::string::npos);
}

TEST_F(LeadsE2eTest, AuthenticationAndRoles) {
  v1::GetLeadRequest get;
  get.set_id("lead-0000000000000001");
  v1::Lead lead;
  grpc::ClientContext none;
  EXPECT_EQ(stub_->GetLead(&none, get, &lead).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->GetLead(Ctx("not-a-token").get(), get, &lead).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->GetLead(Ctx(kOtherToken).get(), get, &lead).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->CreateLead(Ctx(kReaderToken).get(), ValidCreate("x"), &lead).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountLeads(), 0);
}

TEST_F(LeadsE2eTest, ReflectionIsOpenWithoutAToken) {
  grpc::GenericStub stub(MakeChannel(address()));
  grpc::ClientContext ctx;
  grpc::CompletionQueue cq;
  auto call =
      stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  // ServerReflectionRequest { list_services: "" } (field 7), encoded by hand.
  std::string request("\x3a\x00", 2);
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer in;
  call->Read(&in, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  std::vector<grpc::Slice> slices;
  in.Dump(&slices);
  std::string bytes;
  for (auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_NE(bytes.find(kService), std::string::npos);
  ctx.TryCancel();
  grpc::Status finished;
  call->Finish(&finished, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_F(LeadsE2eTest, RetriedCreateWithRequestIdReturnsTheSameLead) {
  v1::CreateLeadRequest req = ValidCreate("锦喆制衣项目");
  req.set_request_id("6f1c1d1e-0000-4000-8000-000000000001");
  auto a = Create(req);
  auto b = Create(req);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->id(), b->id());
  EXPECT_EQ(CountLeads(), 1);
}

TEST_F(LeadsE2eTest, StageRulesAreEnforcedWithTheirReasons) {
  auto lead = Create(ValidCreate("中阜食品项目"));
  ASSERT_TRUE(lead.ok());
  auto skipped = Transition(lead->id(), v1::STAGE_SIGNED, MakeDate(2023, 2, 1));
  EXPECT_EQ(skipped.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(skipped.status()), "STAGE_SKIPPED");
  ASSERT_TRUE(Transition(lead->id(), v1::STAGE_NEGOTIATING, MakeDate(2023, 2, 1)).ok());
  auto early = Transition(lead->id(), v1::STAGE_SIGNED, MakeDate(2023, 1, 1));
  EXPECT_EQ(ErrorReason(early.status()), "DATE_BEFORE_PREVIOUS_STAGE");
  auto signed_lead = Transition(lead->id(), v1::STAGE_SIGNED, MakeDate(2023, 3, 1));
  ASSERT_TRUE(signed_lead.ok()) << signed_lead.status();
  EXPECT_EQ(signed_lead->signed_amount().units(), 180000000);
  EXPECT_EQ(signed_lead->history_size(), 3);

  v1::TransitionLeadRequest drop;
  drop.set_id(lead->id());
  drop.set_to_stage(v1::STAGE_DROPPED);
  *drop.mutable_effective_date() = MakeDate(2023, 4, 1);
  v1::Lead out;
  grpc::Status s = stub_->TransitionLead(Ctx().get(), drop, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("reason"), std::string::npos);
}

TEST_F(LeadsE2eTest, StaleEtagIsAborted) {
  auto lead = Create(ValidCreate("亿家兴项目"));
  ASSERT_TRUE(lead.ok());
  v1::UpdateLeadRequest first;
  first.mutable_lead()->set_id(lead->id());
  first.mutable_lead()->set_note("first edit");
  first.mutable_lead()->set_etag(lead->etag());
  first.mutable_update_mask()->add_paths("note");
  v1::Lead updated;
  ASSERT_TRUE(stub_->UpdateLead(Ctx().get(), first, &updated).ok());
  EXPECT_EQ(updated.note(), "first edit");
  v1::UpdateLeadRequest second = first;
  second.mutable_lead()->set_note("lost update");
  grpc::Status s = stub_->UpdateLead(Ctx().get(), second, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  // Server-owned fields cannot be updated.
  v1::UpdateLeadRequest stage;
  stage.mutable_lead()->set_id(lead->id());
  stage.mutable_lead()->set_stage(v1::STAGE_ABOVE_SCALE);
  stage.mutable_update_mask()->add_paths("stage");
  s = stub_->UpdateLead(Ctx().get(), stage, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("update_mask"), std::string::npos);
}

// Every field a client sets, broken one at a time: INVALID_ARGUMENT naming that field, and
// nothing stored.
TEST_F(LeadsE2eTest, BadInputOfEveryFieldIsRejectedAndStoresNothing) {
  struct Case {
    std::string field;
    std::function<void(v1::CreateLeadRequest*)> breaks;
  };
  std::vector<Case> cases = {
      {"lead.name", [](auto* r) { r->mutable_lead()->clear_name(); }},
      {"lead.name", [](auto* r) { r->mutable_lead()->set_name(std::string(300, 'x')); }},
      {"lead.investor.uscc",
       [](auto* r) { r->mutable_lead()->mutable_investor()->set_uscc("91210900MA0U9K5H2X"); }},
      {"lead.investor.name",
       [](auto* r) { r->mutable_lead()->mutable_investor()->set_name(std::string(300, 'x')); }},
      {"lead.industry_chain",
       [](auto* r) {
         r->mutable_lead()->set_industry_chain(static_cast<common::v1::IndustryChain>(42));
       }},
      {"lead.source",
       [](auto* r) { r->mutable_lead()->set_source(static_cast<v1::LeadSource>(42)); }},
      {"lead.sub_sector",
       [](auto* r) { r->mutable_lead()->set_sub_sector(std::string(200, 'x')); }},
      {"lead.planned_investment",
       [](auto* r) { *r->mutable_lead()->mutable_planned_investment() = Yuan(-1); }},
      {"lead.planned_investment.currency_code",
       [](auto* r) { r->mutable_lead()->mutable_planned_investment()->set_currency_code("USD"); }},
      {"lead.planned_investment.nanos",
       [](auto* r) { r->mutable_lead()->mutable_planned_investment()->set_nanos(-5); }},
      {"lead.signed_amount",
       [](auto* r) { *r->mutable_lead()->mutable_signed_amount() = Yuan(-1); }},
      {"lead.land_area_m2", [](auto* r) { r->mutable_lead()->set_land_area_m2(-1); }},
      {"lead.note", [](auto* r) { r->mutable_lead()->set_note(std::string(5000, 'x')); }},
      {"lead.stage", [](auto* r) { r->mutable_lead()->set_stage(v1::STAGE_SIGNED); }},
      {"lead.agent_id", [](auto* r) { r->mutable_lead()->set_agent_id("nobody"); }},
      {"effective_date", [](auto* r) { *r->mutable_effective_date() = MakeDate(2023, 2, 30); }},
      {"effective_date", [](auto* r) { *r->mutable_effective_date() = MakeDate(2199, 1, 1); }},
      {"request_id", [](auto* r) { r->set_request_id(std::string(101, 'r')); }},
  };
  for (const auto& c : cases) {
    v1::CreateLeadRequest req = ValidCreate("good");
    c.breaks(&req);
    auto result = Create(req);
    ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    bool named = false;
    for (const auto& [field, description] : FieldViolationsOf(result.status())) {
      if (field == c.field) named = true;
    }
    EXPECT_TRUE(named) << c.field << ": " << result.status();
  }
  EXPECT_EQ(CountLeads(), 0);

  // The same for the other writes: bad ids, dates and amounts.
  auto lead = Create(ValidCreate("good"));
  ASSERT_TRUE(lead.ok());
  v1::RecordFundingRequest funding;
  funding.mutable_funding()->set_lead_id(lead->id());
  *funding.mutable_funding()->mutable_amount() = Yuan(-3);
  v1::Funding f;
  grpc::Status s = stub_->RecordFunding(Ctx().get(), funding, &f);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("funding.amount"), std::string::npos);
  EXPECT_NE(s.error_message().find("funding.arrival_date"), std::string::npos);
  v1::ListFundingsResponse fundings;
  ASSERT_TRUE(stub_->ListFundings(Ctx().get(), v1::ListFundingsRequest(), &fundings).ok());
  EXPECT_EQ(fundings.fundings_size(), 0);

  v1::GetLeadRequest bad_id;
  bad_id.set_id("'; DROP TABLE leads; --");
  v1::Lead out;
  s = stub_->GetLead(Ctx().get(), bad_id, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CountLeads(), 1);
}

TEST_F(LeadsE2eTest, DataSurvivesARestart) {
  auto lead = Create(ValidCreate("梓睿食品项目"));
  ASSERT_TRUE(lead.ok());
  ASSERT_TRUE(Transition(lead->id(), v1::STAGE_NEGOTIATING, MakeDate(2023, 1, 20)).ok());
  EXPECT_EQ(server_->Terminate(), 0);
  StartServer();
  v1::GetLeadRequest get;
  get.set_id(lead->id());
  v1::Lead got;
  ASSERT_TRUE(stub_->GetLead(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.stage(), v1::STAGE_NEGOTIATING);
  EXPECT_EQ(got.history_size(), 2);
}

TEST_F(LeadsE2eTest, EveryAcknowledgedCreateSurvivesKillNine) {
  absl::Mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      auto stub = v1::LeadService::NewStub(MakeChannel(address()));
      for (int i = 0; !stop.load() && i < 100000; ++i) {
        v1::Lead lead;
        grpc::ClientContext ctx;
        PrepareContext(&ctx, kWriterToken, absl::Seconds(5));
        if (stub->CreateLead(&ctx, ValidCreate(absl::StrCat("c", t, "-", i)), &lead).ok()) {
          absl::MutexLock lock(&mu);
          acknowledged.push_back(lead.id());
        }
      }
    });
  }
  // Kill mid-load, once writes are flowing: a fixed sleep was too short under ASan with other
  // tests on the same cores (0 acknowledged after 700 ms).
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (absl::Now() < give_up) {
    {
      absl::MutexLock lock(&mu);
      if (acknowledged.size() >= 50) break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  absl::SleepFor(absl::Milliseconds(200));
  server_->Kill();
  stop.store(true);
  for (auto& c : clients) c.join();
  ASSERT_GT(acknowledged.size(), 10u);
  StartServer();
  int missing = 0;
  for (const auto& id : acknowledged) {
    v1::GetLeadRequest get;
    get.set_id(id);
    v1::Lead got;
    if (!stub_->GetLead(Ctx().get(), get, &got).ok()) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged creates";
}

TEST_F(LeadsE2eTest, RedisOutageChangesNothingAClientSees) {
  auto lead = Create(ValidCreate("北星液压扩能项目"));
  ASSERT_TRUE(lead.ok());
  ASSERT_TRUE(Transition(lead->id(), v1::STAGE_NEGOTIATING, MakeDate(2023, 1, 10)).ok());
  v1::GetYearSummaryRequest req;
  req.set_year(2023);
  v1::YearSummary before, cached, during, after;
  ASSERT_TRUE(stub_->GetYearSummary(Ctx().get(), req, &before).ok());
  ASSERT_TRUE(stub_->GetYearSummary(Ctx().get(), req, &cached).ok());
  EXPECT_EQ(before.SerializeAsString(), cached.SerializeAsString());

  redis_.Stop();
  ASSERT_TRUE(stub_->GetYearSummary(Ctx().get(), req, &during).ok());
  EXPECT_EQ(before.SerializeAsString(), during.SerializeAsString());
  // Writes go on and are visible at once.
  ASSERT_TRUE(Transition(lead->id(), v1::STAGE_SIGNED, MakeDate(2023, 2, 10)).ok());
  ASSERT_TRUE(stub_->GetYearSummary(Ctx().get(), req, &during).ok());
  EXPECT_EQ(during.signed_count(), 1);

  ASSERT_TRUE(redis_.Start());
  absl::SleepFor(absl::Milliseconds(1100));  // past the client's reconnect back-off
  ASSERT_TRUE(Transition(lead->id(), v1::STAGE_CONSTRUCTION, MakeDate(2023, 3, 10)).ok());
  ASSERT_TRUE(stub_->GetYearSummary(Ctx().get(), req, &after).ok());
  EXPECT_EQ(after.signed_count(), 1);
  EXPECT_EQ(after.major_new_starts_count(), 1);  // not a stale cached summary
}

TEST_F(LeadsE2eTest, SigtermDrainsAndExitsZero) {
  ASSERT_TRUE(Create(ValidCreate("x")).ok());
  absl::Time start = absl::Now();
  EXPECT_EQ(server_->Terminate(absl::Seconds(10)), 0);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  std::string log = testing::ReadFileOrEmpty(dir_.File("server.log"));
  EXPECT_NE(log.find("\"event\":\"server_draining\""), std::string::npos);
  EXPECT_NE(log.find("\"event\":\"server_stopped\""), std::string::npos);
  // One JSON line per RPC, with the principal.
  EXPECT_NE(log.find("\"method\":\"/gaoxin.leads.v1.LeadService/CreateLead\""), std::string::npos);
  EXPECT_NE(log.find("\"principal\":\"writer\""), std::string::npos);
}

TEST_F(LeadsE2eTest, RefusesToStartWithoutTokens) {
  Subprocess open({SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", testing::FreePort()),
                   "--db=" + dir_.File("other.db")},
                  dir_.File("open.log"));
  EXPECT_EQ(open.Wait(absl::Seconds(10)), 1);
  EXPECT_NE(testing::ReadFileOrEmpty(dir_.File("open.log")).find("allow_unauthenticated"),
            std::string::npos);
}

// The demo data, entered through the public API by gaoxinctl, reproduces the report's figures.
TEST_F(LeadsE2eTest, DemoDataReproducesTheReportsLeadsFigures) {
  setenv("GAOXIN_TOKEN", kWriterToken, 1);
  Subprocess load({GAOXINCTL_PATH, "demo", "load", "--leads_addr=" + address(),
                   std::string("--demo_dir=") + GAOXIN_SOURCE_DIR + "/deploy/demo", "--only=leads"},
                  dir_.File("load.log"));
  ASSERT_EQ(load.Wait(absl::Seconds(60)), 0) << testing::ReadFileOrEmpty(dir_.File("load.log"));
  v1::GetYearSummaryRequest req;
  req.set_year(2023);
  v1::YearSummary s;
  ASSERT_TRUE(stub_->GetYearSummary(Ctx().get(), req, &s).ok());
  EXPECT_EQ(s.signed_count(), 10);
  EXPECT_EQ(ToNanos(s.signed_amount()), Nanos(6930000000LL) * kNanosPerUnit);
  EXPECT_EQ(ToNanos(s.funds_arrived()), Nanos(3035000000LL) * kNanosPerUnit);
  EXPECT_EQ(ToNanos(s.funds_arrived_previous_year()), Nanos(2688000000LL) * kNanosPerUnit);
  EXPECT_EQ(s.funds_arrived_change().numerator(), "347");
  EXPECT_EQ(s.funds_arrived_change().denominator(), "2688");
  EXPECT_EQ(s.major_new_starts_count(), 10);
  EXPECT_EQ(ToNanos(s.major_new_starts_planned_investment()), Nanos(1563000000LL) * kNanosPerUnit);
  EXPECT_EQ(s.idle_assets_revitalized_count(), 7);
  EXPECT_EQ(s.idle_assets_revitalized_land_m2(), 157000);

  // Loading twice changes nothing.
  const int leads_before = CountLeads();
  Subprocess again(
      {GAOXINCTL_PATH, "demo", "load", "--leads_addr=" + address(),
       std::string("--demo_dir=") + GAOXIN_SOURCE_DIR + "/deploy/demo", "--only=leads"},
      dir_.File("load2.log"));
  ASSERT_EQ(again.Wait(absl::Seconds(60)), 0);
  EXPECT_EQ(CountLeads(), leads_before);
  v1::YearSummary twice;
  ASSERT_TRUE(stub_->GetYearSummary(Ctx().get(), req, &twice).ok());
  EXPECT_EQ(twice.signed_count(), 10);
  EXPECT_EQ(twice.idle_assets_revitalized_count(), 7);
}

// Field names of an INVALID_ARGUMENT status's BadRequest.
std::vector<std::string> ViolatedFields(const grpc::Status& s) {
  std::vector<std::string> out;
  for (const auto& [field, description] : FieldViolationsOf(FromGrpcStatus(s))) {
    out.push_back(field);
  }
  return out;
}

// 2^63-1 used to be accepted as an amount or an area and then wrapped the summary's sums.
TEST_F(LeadsE2eTest, AmountsAndAreasOfTwoToTheSixtyThreeAreRefusedNamingTheField) {
  constexpr int64_t kHuge = std::numeric_limits<int64_t>::max();
  v1::CreateLeadRequest create = ValidCreate("huge");
  create.mutable_lead()->mutable_planned_investment()->set_units(kHuge);
  create.mutable_lead()->set_land_area_m2(kHuge);
  auto lead = Create(create);
  ASSERT_EQ(lead.status().code(), absl::StatusCode::kInvalidArgument) << lead.status();
  std::vector<std::string> fields;
  for (const auto& [field, description] : FieldViolationsOf(lead.status())) {
    fields.push_back(field);
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"lead.planned_investment", "lead.land_area_m2"}));

  lead = Create(ValidCreate("ok"));
  ASSERT_TRUE(lead.ok()) << lead.status();
  v1::RecordFundingRequest funding;
  funding.mutable_funding()->set_lead_id(lead->id());
  funding.mutable_funding()->mutable_amount()->set_units(kHuge);
  *funding.mutable_funding()->mutable_arrival_date() = MakeDate(2023, 6, 1);
  v1::Funding f;
  grpc::Status s = stub_->RecordFunding(Ctx().get(), funding, &f);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"funding.amount"});

  v1::CreateIdleAssetRequest asset;
  asset.mutable_idle_asset()->set_name("原金钻机械厂区");
  asset.mutable_idle_asset()->set_land_area_m2(kHuge);
  asset.mutable_idle_asset()->set_building_area_m2(kHuge);
  v1::IdleAsset created;
  s = stub_->CreateIdleAsset(Ctx().get(), asset, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s),
            (std::vector<std::string>{"idle_asset.land_area_m2", "idle_asset.building_area_m2"}));

  asset.mutable_idle_asset()->set_land_area_m2(1000);
  asset.mutable_idle_asset()->set_building_area_m2(1000);
  ASSERT_TRUE(stub_->CreateIdleAsset(Ctx().get(), asset, &created).ok());
  v1::RevitalizeIdleAssetRequest revitalize;
  revitalize.set_id(created.id());
  revitalize.set_method(v1::REVITALIZATION_METHOD_LEASE);
  *revitalize.mutable_date() = MakeDate(2023, 3, 1);
  revitalize.set_land_area_m2(kHuge);
  revitalize.set_building_area_m2(kHuge);
  v1::IdleAsset revitalized;
  s = stub_->RevitalizeIdleAsset(Ctx().get(), revitalize, &revitalized);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), (std::vector<std::string>{"land_area_m2", "building_area_m2"}));
}

// Whatever the server accepts as the largest amount and area, a summary over many of them is
// exact: it neither wraps nor saturates.
TEST_F(LeadsE2eTest, SummaryOverManyMaximalValuesDoesNotWrap) {
  constexpr int kAssets = 5;
  constexpr int kFundings = 5;
  auto lead = Create(ValidCreate("大项目"));
  ASSERT_TRUE(lead.ok()) << lead.status();
  // Try 2^63-1 first; once refused, the declared maxima (10^10 m2, 10^13 yuan).
  Nanos expected_funds = 0;
  for (int i = 0; i < kFundings; ++i) {
    v1::RecordFundingRequest req;
    req.mutable_funding()->set_lead_id(lead->id());
    *req.mutable_funding()->mutable_arrival_date() = MakeDate(2023, 6, 1);
    req.mutable_funding()->mutable_amount()->set_units(std::numeric_limits<int64_t>::max());
    v1::Funding f;
    if (!stub_->RecordFunding(Ctx().get(), req, &f).ok()) {
      *req.mutable_funding()->mutable_amount() = Yuan(10000000000000);
      ASSERT_TRUE(stub_->RecordFunding(Ctx().get(), req, &f).ok());
    }
    expected_funds += ToNanos(f.amount());
  }
  int64_t max_area = std::numeric_limits<int64_t>::max();
  absl::int128 expected_land = 0;
  for (int i = 0; i < kAssets; ++i) {
    v1::CreateIdleAssetRequest req;
    req.mutable_idle_asset()->set_name(absl::StrCat("闲置厂区", i));
    req.mutable_idle_asset()->set_land_area_m2(max_area);
    v1::IdleAsset asset;
    if (!stub_->CreateIdleAsset(Ctx().get(), req, &asset).ok()) {
      max_area = 10000000000;
      req.mutable_idle_asset()->set_land_area_m2(max_area);
      ASSERT_TRUE(stub_->CreateIdleAsset(Ctx().get(), req, &asset).ok());
    }
    v1::RevitalizeIdleAssetRequest revitalize;
    revitalize.set_id(asset.id());
    revitalize.set_method(v1::REVITALIZATION_METHOD_AUCTION);
    *revitalize.mutable_date() = MakeDate(2023, 3, 1);
    v1::IdleAsset done;
    ASSERT_TRUE(stub_->RevitalizeIdleAsset(Ctx().get(), revitalize, &done).ok());
    expected_land += done.land_area_m2();
  }
  v1::GetYearSummaryRequest req;
  req.set_year(2023);
  v1::YearSummary s;
  grpc::Status status = stub_->GetYearSummary(Ctx().get(), req, &s);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(s.idle_assets_revitalized_count(), kAssets);
  EXPECT_EQ(absl::int128(s.idle_assets_revitalized_land_m2()), expected_land);
  EXPECT_EQ(ToNanos(s.funds_arrived()), expected_funds);
  EXPECT_GT(s.funds_arrived().nanos(), -kNanosPerUnit);
  EXPECT_LT(s.funds_arrived().nanos(), kNanosPerUnit);
}

// The summary carries counts only; the leads behind every batch come from ListLeads with `batch`
// and `year`, page by page, and are exactly the ones the summary counted.
TEST_F(LeadsE2eTest, EveryBatchOfTheSummaryIsListable) {
  auto reserve = Create(ValidCreate("储备项目"));  // RESERVE since 2023-01-05
  ASSERT_TRUE(reserve.ok());
  auto new_build = Create(ValidCreate("新建项目"));
  ASSERT_TRUE(new_build.ok());
  ASSERT_TRUE(Transition(new_build->id(), v1::STAGE_NEGOTIATING, MakeDate(2023, 1, 6)).ok());
  ASSERT_TRUE(Transition(new_build->id(), v1::STAGE_SIGNED, MakeDate(2023, 2, 1)).ok());
  ASSERT_TRUE(Transition(new_build->id(), v1::STAGE_CONSTRUCTION, MakeDate(2023, 3, 1)).ok());
  v1::CreateLeadRequest old_create = ValidCreate("续建项目");
  *old_create.mutable_effective_date() = MakeDate(2021, 1, 1);
  auto continued = Create(old_create);
  ASSERT_TRUE(continued.ok());
  ASSERT_TRUE(Transition(continued->id(), v1::STAGE_NEGOTIATING, MakeDate(2021, 2, 1)).ok());
  ASSERT_TRUE(Transition(continued->id(), v1::STAGE_SIGNED, MakeDate(2021, 3, 1)).ok());
  ASSERT_TRUE(Transition(continued->id(), v1::STAGE_CONSTRUCTION, MakeDate(2022, 4, 1)).ok());
  ASSERT_TRUE(Transition(continued->id(), v1::STAGE_COMPLETED, MakeDate(2023, 9, 1)).ok());

  auto list = [&](v1::Batch batch) {
    std::set<std::string> ids;
    v1::ListLeadsRequest req;
    req.set_batch(batch);
    req.set_year(2023);
    req.set_page_size(1);
    do {
      v1::ListLeadsResponse resp;
      grpc::Status s = stub_->ListLeads(Ctx(kReaderToken).get(), req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& lead : resp.leads()) ids.insert(lead.id());
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    return ids;
  };
  v1::GetYearSummaryRequest req;
  req.set_year(2023);
  v1::YearSummary summary;
  ASSERT_TRUE(stub_->GetYearSummary(Ctx().get(), req, &summary).ok());
  const auto& b = summary.batches();
  const std::set<std::string> new_builds = list(v1::BATCH_NEW_BUILDS);
  EXPECT_EQ(new_builds, std::set<std::string>{new_build->id()});
  EXPECT_EQ(static_cast<int64_t>(new_builds.size()), b.new_builds().count());
  const std::set<std::string> continued_builds = list(v1::BATCH_CONTINUED_BUILDS);
  EXPECT_EQ(continued_builds, std::set<std::string>{continued->id()});
  EXPECT_EQ(static_cast<int64_t>(continued_builds.size()), b.continued_builds().count());
  const std::set<std::string> completions = list(v1::BATCH_COMPLETIONS);
  EXPECT_EQ(completions, std::set<std::string>{continued->id()});
  EXPECT_EQ(static_cast<int64_t>(completions.size()), b.completions().count());
  const std::set<std::string> reserves = list(v1::BATCH_RESERVE);
  EXPECT_EQ(reserves, std::set<std::string>{reserve->id()});
  EXPECT_EQ(static_cast<int64_t>(reserves.size()), b.reserve().count());

  // A batch is of a year; an unknown batch is refused.
  v1::ListLeadsRequest no_year;
  no_year.set_batch(v1::BATCH_RESERVE);
  v1::ListLeadsResponse resp;
  grpc::Status s = stub_->ListLeads(Ctx().get(), no_year, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"year"});
  no_year.set_batch(static_cast<v1::Batch>(99));
  s = stub_->ListLeads(Ctx().get(), no_year, &resp);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"batch"});
}

}  // namespace
}  // namespace gaoxin::leads
