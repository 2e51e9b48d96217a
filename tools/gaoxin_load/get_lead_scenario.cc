// get_lead: GetLead on ids picked at random among --get_lead_preload leads created in the setup
// (so every read is a hit that goes to SQLite; the service has no read cache).
#include <random>

#include "absl/flags/flag.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "tools/gaoxin_load/scenarios.h"

ABSL_FLAG(int32_t, get_lead_preload, 1000, "get_lead: leads to create before reading them");

namespace gaoxin::load {
namespace {

using leads::v1::LeadService;

class GetLeadCaller final : public Caller {
 public:
  GetLeadCaller(std::shared_ptr<grpc::Channel> channel, const std::vector<std::string>* ids,
                uint64_t seed)
      : stub_(LeadService::NewStub(std::move(channel))), ids_(ids), rng_(seed) {}
  void Start(grpc::ClientContext* ctx, DoneFn done) override {
    request_.set_id((*ids_)[rng_() % ids_->size()]);
    response_.Clear();
    stub_->async()->GetLead(ctx, &request_, &response_, std::move(done));
  }

 private:
  std::unique_ptr<LeadService::Stub> stub_;
  const std::vector<std::string>* ids_;
  std::mt19937_64 rng_;
  leads::v1::GetLeadRequest request_;
  leads::v1::Lead response_;
};

class GetLeadScenario final : public Scenario {
 public:
  std::string name() const override { return "get_lead"; }

  absl::Status Setup(const Env& env) override {
    const int n = std::max(1, absl::GetFlag(FLAGS_get_lead_preload));
    absl::BitGen gen;
    const std::string prefix = absl::StrFormat("load-preload-%08x-", absl::Uniform<uint32_t>(gen));
    auto stub = LeadService::NewStub(env.channels[0]);
    struct PerCall {
      leads::v1::CreateLeadRequest request;
      leads::v1::Lead response;
    };
    std::vector<PerCall> calls(n);
    absl::Status s = RunCalls(env, n, 32, [&](int i, grpc::ClientContext* ctx, DoneFn done) {
      calls[i].request = SampleCreateLeadRequest(absl::StrCat(prefix, i), i);
      stub->async()->CreateLead(ctx, &calls[i].request, &calls[i].response, std::move(done));
    });
    if (!s.ok()) return s;
    ids_.clear();
    for (const PerCall& c : calls) ids_.push_back(c.response.id());
    return absl::OkStatus();
  }

  std::unique_ptr<Caller> NewCaller(const Env&, int index,
                                    std::shared_ptr<grpc::Channel> channel) override {
    return std::make_unique<GetLeadCaller>(std::move(channel), &ids_,
                                           0x9e3779b97f4a7c15ULL * (index + 1));
  }

 private:
  std::vector<std::string> ids_;
};

}  // namespace

std::unique_ptr<Scenario> NewGetLeadScenario() { return std::make_unique<GetLeadScenario>(); }

}  // namespace gaoxin::load
