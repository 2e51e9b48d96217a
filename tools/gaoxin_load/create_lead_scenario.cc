// create_lead: CreateLead with a unique request_id per call, so every call inserts a lead (plus its
// change event, year index and idempotency record) and waits for a durable commit.
#include <atomic>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "tools/gaoxin_load/scenarios.h"

namespace gaoxin::load {

// A realistic new lead (shared with get_lead's setup).
leads::v1::CreateLeadRequest SampleCreateLeadRequest(const std::string& request_id, int n) {
  leads::v1::CreateLeadRequest req;
  leads::v1::Lead* lead = req.mutable_lead();
  lead->set_name(absl::StrCat("压测项目 ", n));
  lead->mutable_investor()->set_name("压测投资有限公司");
  lead->set_industry_chain(static_cast<common::v1::IndustryChain>(1 + n % 3));
  lead->set_sub_sector("液压");
  lead->set_source(static_cast<leads::v1::LeadSource>(1 + n % 2));
  lead->mutable_planned_investment()->set_units(100000000 + n);
  lead->set_land_area_m2(20000);
  lead->set_note("gaoxin_load");
  req.set_request_id(request_id);
  return req;
}

namespace {

using leads::v1::LeadService;

class CreateLeadCaller final : public Caller {
 public:
  CreateLeadCaller(std::shared_ptr<grpc::Channel> channel, std::string prefix)
      : stub_(LeadService::NewStub(std::move(channel))), prefix_(std::move(prefix)) {}
  void Start(grpc::ClientContext* ctx, DoneFn done) override {
    const int64_t n = seq_++;
    request_ = SampleCreateLeadRequest(absl::StrCat(prefix_, n), static_cast<int>(n));
    response_.Clear();
    stub_->async()->CreateLead(ctx, &request_, &response_, std::move(done));
  }

 private:
  std::unique_ptr<LeadService::Stub> stub_;
  const std::string prefix_;
  int64_t seq_ = 0;
  leads::v1::CreateLeadRequest request_;
  leads::v1::Lead response_;
};

class CreateLeadScenario final : public Scenario {
 public:
  CreateLeadScenario() {
    absl::BitGen gen;
    run_id_ = absl::StrFormat("%08x", absl::Uniform<uint32_t>(gen));
  }
  std::string name() const override { return "create_lead"; }
  std::unique_ptr<Caller> NewCaller(const Env&, int index,
                                    std::shared_ptr<grpc::Channel> channel) override {
    // request_id = load-<run>-<client>-<seq>: unique per call, so no call is a replay.
    return std::make_unique<CreateLeadCaller>(std::move(channel),
                                              absl::StrCat("load-", run_id_, "-", index, "-"));
  }

 private:
  std::string run_id_;
};

}  // namespace

std::unique_ptr<Scenario> NewCreateLeadScenario() { return std::make_unique<CreateLeadScenario>(); }

}  // namespace gaoxin::load
