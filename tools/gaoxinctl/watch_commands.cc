#include "tools/gaoxinctl/watch_commands.h"

#include <iostream>
#include <map>
#include <thread>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/watch/resume_loop.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, stage);

ABSL_FLAG(int64_t, since, 0, "watch: resume after this revision (0 = from now)");
ABSL_FLAG(bool, progress, false, "watch: also print progress messages");
ABSL_FLAG(int32_t, dashboard_year, 2023, "dashboard: the year to summarise");

namespace gaoxin::ctl {
namespace {

std::string StageText(leads::v1::Stage s) {
  return EnumShortName(leads::v1::Stage_descriptor(), s, "STAGE_");
}
std::string KindText(common::v1::ChangeKind k) {
  return EnumShortName(common::v1::ChangeKind_descriptor(), k, "CHANGE_KIND_");
}

int WatchLeads() {
  leads::v1::WatchLeadsRequest base;
  if (!absl::GetFlag(FLAGS_stage).empty()) {
    leads::v1::Stage s;
    if (!ParseEnum(absl::GetFlag(FLAGS_stage), "STAGE_", &s)) return Usage("unknown --stage");
    base.set_stage(s);
  }
  auto stub = leads::v1::LeadService::NewStub(MakeChannel(absl::GetFlag(FLAGS_leads_addr)));
  absl::Status s = watch::ResumeLoop(
      "leads",
      [&](int64_t* since) -> absl::Status {
        grpc::ClientContext ctx;
        PrepareContext(&ctx, absl::GetFlag(FLAGS_token), absl::InfiniteDuration());
        leads::v1::WatchLeadsRequest req = base;
        req.set_since_revision(*since);
        auto reader = stub->WatchLeads(&ctx, req);
        leads::v1::WatchLeadsResponse msg;
        while (reader->Read(&msg)) {
          for (const auto& c : msg.changes()) {
            if (absl::GetFlag(FLAGS_json)) {
              std::cout << ToJson(c) << std::flush;
            } else {
              std::cout << "rev " << c.revision() << "  " << KindText(c.kind()) << "  "
                        << c.lead().id() << "  " << StageText(c.lead().stage()) << "  "
                        << c.lead().name() << std::endl;
            }
          }
          if (msg.changes().empty() && absl::GetFlag(FLAGS_progress)) {
            std::cout << "progress: up to revision " << msg.revision() << std::endl;
          }
          *since = msg.revision();
        }
        return FromGrpcStatus(reader->Finish());
      },
      absl::GetFlag(FLAGS_since), [] { return false; });
  return ReportError(s);
}

// The latest text of each dashboard panel, redrawn together.
class Screen {
 public:
  void Set(const std::string& panel, std::string text) {
    absl::MutexLock lock(&mu_);
    panels_[panel] = std::move(text);
    std::cout << "\x1b[2J\x1b[H" << "gaoxin dashboard  " << absl::FormatTime("%H:%M:%S", absl::Now(), absl::LocalTimeZone())
              << "  (Ctrl-C to quit)\n\n";
    for (const auto& [name, body] : panels_) std::cout << body << "\n";
    std::cout << std::flush;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::string> panels_;
};

std::string LeadsPanel(const leads::v1::YearSummary& s) {
  return absl::StrCat(
      "[1 leads] ", s.year(), " (revision ", s.revision(), ")\n",
      "  signed ", s.signed_count(), " projects, ", Yi(s.signed_amount()), "\n",
      "  funds arrived ", Yi(s.funds_arrived()), " (", s.funds_arrived_change().display_percent(),
      "% on ", Yi(s.funds_arrived_previous_year()), ")\n",
      "  new starts >= 5000万: ", s.major_new_starts_count(), ", planned ",
      Yi(s.major_new_starts_planned_investment()), "\n",
      "  idle assets revitalised: ", s.idle_assets_revitalized_count(), ", ",
      s.idle_assets_revitalized_land_m2(), " m2\n",
      "  batches: new ", s.batches().new_builds().count(), " / continued ",
      s.batches().continued_builds().count(), " / completed ", s.batches().completions().count(),
      " / reserve ", s.batches().reserve().count(), "\n");
}

}  // namespace

int RunWatch(const Args& args) {
  constexpr char kUsage[] =
      "gaoxinctl watch leads [--since=REV] [--stage=S] [--progress] [--json]";
  if (args.size() != 2) return Usage(kUsage);
  if (args[1] == "leads") return WatchLeads();
  return Usage(kUsage);
}

int RunDashboard(const Args& args) {
  Screen screen;
  const int year = absl::GetFlag(FLAGS_dashboard_year);
  std::vector<std::thread> panels;
  panels.emplace_back([&] {
    auto stub = leads::v1::LeadService::NewStub(MakeChannel(absl::GetFlag(FLAGS_leads_addr)));
    absl::Status s = watch::ResumeLoop(
        "leads",
        [&](int64_t* since) -> absl::Status {
          grpc::ClientContext ctx;
          PrepareContext(&ctx, absl::GetFlag(FLAGS_token), absl::InfiniteDuration());
          leads::v1::StreamYearSummaryRequest req;
          req.set_year(year);
          auto reader = stub->StreamYearSummary(&ctx, req);
          leads::v1::YearSummary summary;
          while (reader->Read(&summary)) {
            screen.Set("1 leads", LeadsPanel(summary));
            *since = summary.revision();
          }
          absl::Status end = FromGrpcStatus(reader->Finish());
          if (!end.ok()) screen.Set("1 leads", "[1 leads] reconnecting: " + end.ToString() + "\n");
          return end;
        },
        0, [] { return false; });
    screen.Set("1 leads", "[1 leads] stopped: " + s.ToString() + "\n");
  });
  for (auto& t : panels) t.join();
  return 0;
}

}  // namespace gaoxin::ctl
