// Enterprise scenarios, against a running enterprise_server (token with enterprise.writer):
//
//   industry_structure  GetIndustryStructure for the last of --enterprise_years years over
//                       --enterprise_count above-scale enterprises, each with a monthly report for
//                       every month of those years (default 1,000 × 10 years = 120,000 reports,
//                       filed by the setup through ImportMonthlyReports; idempotent, so a second
//                       run reuses them). Target: ≤ 50 ms per answer.
//   import_100k         One call = one ImportMonthlyReports stream of --enterprise_import_rows rows
//                       (default 100,000: the same enterprises, 100 months each, 2005-01..2013-04),
//                       every call with new figures so each row files a new revision. Run with
//                       --concurrency=1 --warmup_s=0; the latency is the import's duration.
//                       Target: ≤ 10 s (the call deadline, --call_timeout_ms, enforces it).
//
//   gaoxin_load --target=127.0.0.1:50052 --token=$TOKEN --scenario=industry_structure
//   gaoxin_load --target=127.0.0.1:50052 --token=$TOKEN --scenario=import_100k --concurrency=1 \
//       --warmup_s=0 --duration_s=30
#include <atomic>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/date.h"
#include "common/money.h"
#include "common/uscc.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "tools/gaoxin_load/scenarios.h"

ABSL_FLAG(int32_t, enterprise_count, 1000, "industry_structure/import_100k: enterprises");
ABSL_FLAG(int32_t, enterprise_years, 10,
          "industry_structure: years of monthly reports per enterprise, ending last year");
ABSL_FLAG(int32_t, enterprise_import_rows, 100000, "import_100k: rows per import call");

namespace gaoxin::load {
namespace {

using enterprise::v1::EnterpriseService;
namespace ev1 = enterprise::v1;

constexpr common::v1::IndustryChain kChains[] = {
    common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING, common::v1::INDUSTRY_CHAIN_GREEN_FOOD,
    common::v1::INDUSTRY_CHAIN_CAPACITORS, common::v1::INDUSTRY_CHAIN_NEW_MATERIALS,
    common::v1::INDUSTRY_CHAIN_NEW_ENERGY};

// Deterministic, valid, and apart from the demo data's codes (which use "MA0").
std::string LoadUscc(int n) {
  const std::string first17 = absl::StrFormat("91210900LD%07d", n);
  return first17 + *ComputeUsccCheckChar(first17);
}

int LastYear() { return static_cast<int>(TodayInZone(absl::Now()).year()) - 1; }

// Creates the enterprises (idempotent by request_id). Returns their ids in order.
absl::StatusOr<std::vector<std::string>> EnsureEnterprises(const Env& env, int count) {
  auto stub = EnterpriseService::NewStub(env.channels[0]);
  struct PerCall {
    ev1::CreateEnterpriseRequest request;
    ev1::Enterprise response;
  };
  std::vector<PerCall> calls(count);
  absl::Status s = RunCalls(env, count, 32, [&](int i, grpc::ClientContext* ctx, DoneFn done) {
    ev1::Enterprise* e = calls[i].request.mutable_enterprise();
    e->set_uscc(LoadUscc(i));
    e->set_name(absl::StrCat("负载测试企业", i));
    e->set_industry_chain(kChains[i % 5]);
    e->set_above_scale(true);
    *e->mutable_above_scale_date() = MakeDate(2000, 1, 1);
    e->set_key_enterprise(i % 4 == 0);
    calls[i].request.set_request_id(absl::StrCat("load-enterprise-", i));
    stub->async()->CreateEnterprise(ctx, &calls[i].request, &calls[i].response, std::move(done));
  });
  if (!s.ok()) return s;
  std::vector<std::string> ids;
  for (const auto& c : calls) ids.push_back(c.response.id());
  return ids;
}

// The report row `i` of an import over `ids` × periods starting at `first`, `months` each.
ev1::ImportMonthlyReportsRequest Row(const std::vector<std::string>& ids, absl::CivilMonth first,
                                     int months, int64_t i, int64_t salt) {
  ev1::ImportMonthlyReportsRequest req;
  const int e = static_cast<int>(i / months);
  const absl::CivilMonth p = first + static_cast<int>(i % months);
  req.set_row_number(static_cast<int>(i + 1));
  ev1::MonthlyReport* r = req.mutable_report();
  r->set_enterprise_id(ids[e]);
  r->set_period(absl::StrFormat("%04d-%02d", p.year(), p.month()));
  // 2–12 million yuan a month with some cents, varied by enterprise, month and salt.
  const int64_t yuan = 2000000 + (e * 7919 + (i % months) * 104729 + salt * 13) % 10000000;
  *r->mutable_output_value() = FromNanos(Nanos(yuan) * kNanosPerUnit + 370000000);
  *r->mutable_revenue() = Yuan(yuan - yuan / 10);
  *r->mutable_taxes() = Yuan(yuan / 25);
  r->set_employees(50 + e % 400);
  r->set_energy_use_kgce(10000 + yuan / 1000);
  return req;
}

// Files rows [0, total) over one blocking stream (setup only).
absl::Status ImportBlocking(const Env& env, const std::vector<std::string>& ids,
                            absl::CivilMonth first, int months) {
  auto stub = EnterpriseService::NewStub(env.channels[0]);
  grpc::ClientContext ctx;
  PrepareContext(&ctx, env.token, absl::Minutes(5));
  ev1::ImportMonthlyReportsResponse resp;
  auto writer = stub->ImportMonthlyReports(&ctx, &resp);
  const int64_t total = static_cast<int64_t>(ids.size()) * months;
  for (int64_t i = 0; i < total; ++i) {
    if (!writer->Write(Row(ids, first, months, i, 0))) break;
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok()) return absl::InternalError(absl::StrCat("setup import: ", s.error_message()));
  if (resp.rows_rejected() > 0) {
    return absl::InternalError(absl::StrCat("setup import rejected ", resp.rows_rejected(),
                                            " rows: ", resp.errors(0).message()));
  }
  return absl::OkStatus();
}

class StructureCaller final : public Caller {
 public:
  StructureCaller(std::shared_ptr<grpc::Channel> channel, int year)
      : stub_(EnterpriseService::NewStub(std::move(channel))) {
    request_.set_year(year);
  }
  void Start(grpc::ClientContext* ctx, DoneFn done) override {
    response_.Clear();
    stub_->async()->GetIndustryStructure(ctx, &request_, &response_, std::move(done));
  }

 private:
  std::unique_ptr<EnterpriseService::Stub> stub_;
  ev1::GetIndustryStructureRequest request_;
  ev1::IndustryStructure response_;
};

class IndustryStructureScenario final : public Scenario {
 public:
  std::string name() const override { return "industry_structure"; }

  absl::Status Setup(const Env& env) override {
    const int years = std::max(1, absl::GetFlag(FLAGS_enterprise_years));
    auto ids = EnsureEnterprises(env, std::max(1, absl::GetFlag(FLAGS_enterprise_count)));
    if (!ids.ok()) return ids.status();
    year_ = LastYear();
    const absl::Time start = absl::Now();
    absl::Status s = ImportBlocking(env, *ids, absl::CivilMonth(year_ - years + 1, 1), 12 * years);
    std::printf(
        "  setup: %zu enterprises × %d months filed in %s\n", ids->size(), 12 * years,
        absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1))).c_str());
    return s;
  }

  std::unique_ptr<Caller> NewCaller(const Env& env, int index,
                                    std::shared_ptr<grpc::Channel> channel) override {
    return std::make_unique<StructureCaller>(std::move(channel), year_);
  }

 private:
  int year_ = 0;
};

// One ImportMonthlyReports stream, driven by the callback API (one write in flight); deletes
// itself when done.
class ImportCall final : public grpc::ClientWriteReactor<ev1::ImportMonthlyReportsRequest> {
 public:
  ImportCall(EnterpriseService::Stub* stub, grpc::ClientContext* ctx,
             const std::vector<std::string>* ids, int64_t rows, int64_t salt, DoneFn done)
      : ids_(ids), rows_(rows), salt_(salt), done_(std::move(done)) {
    stub->async()->ImportMonthlyReports(ctx, &response_, this);
    NextWrite();
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    if (ok) NextWrite();  // else the call failed; OnDone reports it
  }

  void OnDone(const grpc::Status& s) override {
    grpc::Status status = s;
    if (s.ok() && (response_.rows_accepted() != rows_ || response_.rows_rejected() != 0)) {
      status = grpc::Status(grpc::StatusCode::INTERNAL,
                            absl::StrCat("accepted ", response_.rows_accepted(), " of ", rows_));
    }
    DoneFn done = std::move(done_);
    delete this;
    done(status);
  }

 private:
  void NextWrite() {
    const int months = static_cast<int>(rows_ / static_cast<int64_t>(ids_->size()));
    if (next_ >= rows_) {
      StartWritesDone();
      return;
    }
    request_ = Row(*ids_, absl::CivilMonth(2005, 1), months, next_++, salt_);
    StartWrite(&request_);
  }

  const std::vector<std::string>* ids_;
  const int64_t rows_;
  const int64_t salt_;
  int64_t next_ = 0;
  DoneFn done_;
  ev1::ImportMonthlyReportsRequest request_;
  ev1::ImportMonthlyReportsResponse response_;
};

class ImportCaller final : public Caller {
 public:
  ImportCaller(std::shared_ptr<grpc::Channel> channel, const std::vector<std::string>* ids,
               int64_t rows, std::atomic<int64_t>* salt)
      : stub_(EnterpriseService::NewStub(std::move(channel))),
        ids_(ids),
        rows_(rows),
        salt_(salt) {}

  void Start(grpc::ClientContext* ctx, DoneFn done) override {
    new ImportCall(stub_.get(), ctx, ids_, rows_, salt_->fetch_add(1) + 1, std::move(done));
  }

 private:
  std::unique_ptr<EnterpriseService::Stub> stub_;
  const std::vector<std::string>* ids_;
  const int64_t rows_;
  std::atomic<int64_t>* salt_;
};

class Import100kScenario final : public Scenario {
 public:
  std::string name() const override { return "import_100k"; }

  absl::Status Setup(const Env& env) override {
    auto ids = EnsureEnterprises(env, std::max(1, absl::GetFlag(FLAGS_enterprise_count)));
    if (!ids.ok()) return ids.status();
    ids_ = *std::move(ids);
    const int64_t wanted = std::max(1, absl::GetFlag(FLAGS_enterprise_import_rows));
    // Whole months per enterprise.
    rows_ = std::max<int64_t>(1, wanted / static_cast<int64_t>(ids_.size())) *
            static_cast<int64_t>(ids_.size());
    salt_.store(absl::ToUnixSeconds(absl::Now()));  // new figures on every run, too
    return absl::OkStatus();
  }

  std::unique_ptr<Caller> NewCaller(const Env& env, int index,
                                    std::shared_ptr<grpc::Channel> channel) override {
    return std::make_unique<ImportCaller>(std::move(channel), &ids_, rows_, &salt_);
  }

 private:
  std::vector<std::string> ids_;
  int64_t rows_ = 0;
  std::atomic<int64_t> salt_{0};
};

}  // namespace

std::unique_ptr<Scenario> NewIndustryStructureScenario() {
  return std::make_unique<IndustryStructureScenario>();
}

std::unique_ptr<Scenario> NewImport100kScenario() { return std::make_unique<Import100kScenario>(); }

}  // namespace gaoxin::load
