// Petition scenarios, against a running petition_server (--target=127.0.0.1:50053, a token with
// petition.writer, petition.reader and petition.pii: registering a case with its petitioner needs
// petition.pii, and each create then also appends its audit record):
//   create_case          CreateCase with a unique request_id and ID number per call (a durable
//                        commit each, with the repeat lookup by keyed hash and four AES-GCM seals)
//   list_overdue_cases   ListCases(overdue_only, page_size 50), each client paging through the
//                        overdue cases and starting over; the setup first creates
//                        --petition_preload cases (default 100,000) with received dates spread
//                        over the last 60 days, so about three in four are overdue.
#include <atomic>

#include "absl/flags/flag.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/date.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"
#include "tools/gaoxin_load/scenarios.h"

ABSL_FLAG(int32_t, petition_preload, 100000,
          "list_overdue_cases: cases to create before listing (0 = use what the server holds)");

namespace gaoxin::load {
namespace {

namespace pv1 = petition::v1;
using pv1::PetitionService;

// A valid resident ID number (GB 11643 check character) unique per n < 10^6 per birth-date span.
std::string SampleIdNumber(int64_t n) {
  const absl::CivilDay birth = absl::CivilDay(1950, 1, 1) + n / 1000;
  const std::string first17 =
      absl::StrFormat("210999%04d%02d%02d%03d", birth.year(), birth.month(), birth.day(), n % 1000);
  static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

pv1::CreateCaseRequest SampleCreateCaseRequest(const std::string& request_id, int64_t n) {
  static const char* const kCategories[] = {"回迁房办证", "企业拖欠养老保险", "劳动争议",
                                            "征地拆迁",   "楼盘交楼",         "其他"};
  static const char* const kDepartments[] = {"社会事业局", "规划建设局", "经济发展局"};
  pv1::CreateCaseRequest req;
  pv1::Case* c = req.mutable_case_();
  c->set_channel(static_cast<pv1::Channel>(1 + n % 5));
  *c->mutable_received_date() = FromCivilDay(TodayInZone(absl::Now()) - n % 60);
  c->mutable_petitioner()->set_name("压测某某");
  c->mutable_petitioner()->set_id_number(SampleIdNumber(n));
  c->mutable_petitioner()->set_phone(absl::StrFormat("139%08d", n % 100000000));
  c->mutable_petitioner()->set_address("辽宁省阜新市高新区压测街道示例小区");
  c->set_petitioner_count(1 + n % 7);
  c->set_category(kCategories[n % 6]);
  c->set_subject(absl::StrCat("压测事项 ", n));
  c->set_content("gaoxin_load");
  c->set_department(kDepartments[n % 3]);
  req.set_request_id(request_id);
  return req;
}

class CreateCaseCaller final : public Caller {
 public:
  CreateCaseCaller(std::shared_ptr<grpc::Channel> channel, std::string prefix, int64_t base)
      : stub_(PetitionService::NewStub(std::move(channel))),
        prefix_(std::move(prefix)),
        base_(base) {}
  void Start(grpc::ClientContext* ctx, DoneFn done) override {
    const int64_t n = seq_++;
    request_ = SampleCreateCaseRequest(absl::StrCat(prefix_, n), base_ + n);
    response_.Clear();
    stub_->async()->CreateCase(ctx, &request_, &response_, std::move(done));
  }

 private:
  std::unique_ptr<PetitionService::Stub> stub_;
  const std::string prefix_;
  const int64_t base_;
  int64_t seq_ = 0;
  pv1::CreateCaseRequest request_;
  pv1::Case response_;
};

class CreateCaseScenario final : public Scenario {
 public:
  CreateCaseScenario() {
    absl::BitGen gen;
    run_ = absl::Uniform<uint32_t>(gen);
  }
  std::string name() const override { return "create_case"; }
  std::unique_ptr<Caller> NewCaller(const Env&, int index,
                                    std::shared_ptr<grpc::Channel> channel) override {
    // ID numbers 10^6 + index * 10^5 + seq: apart from the preload's and from other clients'.
    return std::make_unique<CreateCaseCaller>(std::move(channel),
                                              absl::StrFormat("load-case-%08x-%d-", run_, index),
                                              1000000 + int64_t{index} * 100000);
  }

 private:
  uint32_t run_ = 0;
};

class ListOverdueCaller final : public Caller {
 public:
  explicit ListOverdueCaller(std::shared_ptr<grpc::Channel> channel)
      : stub_(PetitionService::NewStub(std::move(channel))) {}
  void Start(grpc::ClientContext* ctx, DoneFn done) override {
    request_.set_overdue_only(true);
    request_.set_page_size(50);
    request_.set_page_token(response_.next_page_token());  // "" after the last page: start over
    response_.Clear();
    stub_->async()->ListCases(
        ctx, &request_, &response_, [this, done = std::move(done)](grpc::Status s) {
          if (s.ok() && response_.cases_size() == 0) {
            s = grpc::Status(grpc::StatusCode::NOT_FOUND, "no overdue cases listed");
          }
          done(s);
        });
  }

 private:
  std::unique_ptr<PetitionService::Stub> stub_;
  pv1::ListCasesRequest request_;
  pv1::ListCasesResponse response_;
};

class ListOverdueScenario final : public Scenario {
 public:
  std::string name() const override { return "list_overdue_cases"; }

  absl::Status Setup(const Env& env) override {
    const int n = std::max(0, absl::GetFlag(FLAGS_petition_preload));
    if (n == 0) return absl::OkStatus();
    absl::BitGen gen;
    const std::string prefix =
        absl::StrFormat("load-preload-case-%08x-", absl::Uniform<uint32_t>(gen));
    auto stub = PetitionService::NewStub(env.channels[0]);
    struct PerCall {
      pv1::CreateCaseRequest request;
      pv1::Case response;
    };
    std::vector<PerCall> calls(n);
    const absl::Time start = absl::Now();
    absl::Status s = RunCalls(env, n, 64, [&](int i, grpc::ClientContext* ctx, DoneFn done) {
      calls[i].request = SampleCreateCaseRequest(absl::StrCat(prefix, i), i);
      stub->async()->CreateCase(ctx, &calls[i].request, &calls[i].response, std::move(done));
    });
    std::printf("list_overdue_cases setup: %d cases created in %.1f s\n", n,
                absl::ToDoubleSeconds(absl::Now() - start));
    return s;
  }

  std::unique_ptr<Caller> NewCaller(const Env&, int,
                                    std::shared_ptr<grpc::Channel> channel) override {
    return std::make_unique<ListOverdueCaller>(std::move(channel));
  }
};

}  // namespace

std::unique_ptr<Scenario> NewCreateCaseScenario() { return std::make_unique<CreateCaseScenario>(); }
std::unique_ptr<Scenario> NewListOverdueCasesScenario() {
  return std::make_unique<ListOverdueScenario>();
}

}  // namespace gaoxin::load
