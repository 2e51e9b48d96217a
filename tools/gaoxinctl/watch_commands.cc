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
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"

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

// Runs a Watch RPC with resume, printing each change with `print` (or its JSON with --json).
template <typename Stub, typename Request, typename Response, typename Change>
int WatchLoop(const std::string& what, Stub* stub,
              std::unique_ptr<grpc::ClientReader<Response>> (Stub::*method)(grpc::ClientContext*,
                                                                            const Request&),
              Request base,
              const google::protobuf::RepeatedPtrField<Change>& (Response::*changes)() const,
              std::function<std::string(const Change&)> print) {
  absl::Status s = watch::ResumeLoop(
      what,
      [&](int64_t* since) -> absl::Status {
        grpc::ClientContext ctx;
        PrepareContext(&ctx, absl::GetFlag(FLAGS_token), absl::InfiniteDuration());
        Request req = base;
        req.set_since_revision(*since);
        auto reader = (stub->*method)(&ctx, req);
        Response msg;
        while (reader->Read(&msg)) {
          for (const auto& c : (msg.*changes)()) {
            if (absl::GetFlag(FLAGS_json)) {
              std::cout << ToJson(c) << std::flush;
            } else {
              std::cout << print(c) << std::endl;
            }
          }
          if ((msg.*changes)().empty() && absl::GetFlag(FLAGS_progress)) {
            std::cout << "progress: up to revision " << msg.revision() << std::endl;
          }
          *since = msg.revision();
        }
        return FromGrpcStatus(reader->Finish());
      },
      absl::GetFlag(FLAGS_since), [] { return false; });
  return ReportError(s);
}

int WatchEnterprises() {
  auto stub =
      enterprise::v1::EnterpriseService::NewStub(MakeChannel(absl::GetFlag(FLAGS_enterprise_addr)));
  return WatchLoop<enterprise::v1::EnterpriseService::Stub, enterprise::v1::WatchEnterprisesRequest,
                   enterprise::v1::WatchEnterprisesResponse, enterprise::v1::EnterpriseChange>(
      "enterprises", stub.get(), &enterprise::v1::EnterpriseService::Stub::WatchEnterprises, {},
      &enterprise::v1::WatchEnterprisesResponse::changes,
      [](const enterprise::v1::EnterpriseChange& c) {
        return absl::StrCat("rev ", c.revision(), "  ", KindText(c.kind()), "  ",
                            c.enterprise().id(), "  ", c.enterprise().uscc(), "  ",
                            c.enterprise().name(), c.enterprise().above_scale() ? "  规上" : "");
      });
}

int WatchAlerts() {
  auto stub =
      enterprise::v1::EnterpriseService::NewStub(MakeChannel(absl::GetFlag(FLAGS_enterprise_addr)));
  return WatchLoop<enterprise::v1::EnterpriseService::Stub, enterprise::v1::WatchAlertsRequest,
                   enterprise::v1::WatchAlertsResponse, enterprise::v1::AlertChange>(
      "alerts", stub.get(), &enterprise::v1::EnterpriseService::Stub::WatchAlerts, {},
      &enterprise::v1::WatchAlertsResponse::changes, [](const enterprise::v1::AlertChange& c) {
        return absl::StrCat(
            "rev ", c.revision(), "  ", KindText(c.kind()), "  ", c.alert().id(), "  ",
            EnumShortName(enterprise::v1::AlertRule_descriptor(), c.alert().rule(), "ALERT_RULE_"),
            "  ",
            EnumShortName(enterprise::v1::AlertState_descriptor(), c.alert().state(),
                          "ALERT_STATE_"),
            "  ", c.alert().period(), "  ", c.alert().detail());
      });
}

int WatchCases() {
  auto stub =
      petition::v1::PetitionService::NewStub(MakeChannel(absl::GetFlag(FLAGS_petition_addr)));
  return WatchLoop<petition::v1::PetitionService::Stub, petition::v1::WatchCasesRequest,
                   petition::v1::WatchCasesResponse, petition::v1::CaseChange>(
      "cases", stub.get(), &petition::v1::PetitionService::Stub::WatchCases, {},
      &petition::v1::WatchCasesResponse::changes, [](const petition::v1::CaseChange& c) {
        const auto& pc = c.petition_case();
        return absl::StrCat(
            "rev ", c.revision(), "  ", KindText(c.kind()), "  ", pc.id(), "  ",
            EnumShortName(petition::v1::CaseStatus_descriptor(), pc.status(), "CASE_STATUS_"), "  ",
            pc.category(), "  ", pc.subject(), "  (", pc.petitioner().name(), ")");
      });
}

// The latest text of each dashboard panel, redrawn together.
class Screen {
 public:
  void Set(const std::string& panel, std::string text) {
    absl::MutexLock lock(&mu_);
    panels_[panel] = std::move(text);
    std::cout << "\x1b[2J\x1b[H"
              << "gaoxin dashboard  "
              << absl::FormatTime("%H:%M:%S", absl::Now(), absl::LocalTimeZone())
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
      "[1 leads] ", s.year(), " (revision ", s.revision(), ")\n", "  signed ", s.signed_count(),
      " projects, ", Yi(s.signed_amount()), "\n", "  funds arrived ", Yi(s.funds_arrived()), " (",
      s.funds_arrived_change().display_percent(), "% on ", Yi(s.funds_arrived_previous_year()),
      ")\n", "  new starts >= 5000万: ", s.major_new_starts_count(), ", planned ",
      Yi(s.major_new_starts_planned_investment()), "\n",
      "  idle assets revitalised: ", s.idle_assets_revitalized_count(), ", ",
      s.idle_assets_revitalized_land_m2(), " m2\n", "  batches: new ",
      s.batches().new_builds().count(), " / continued ", s.batches().continued_builds().count(),
      " / completed ", s.batches().completions().count(), " / reserve ",
      s.batches().reserve().count(), "\n");
}

std::string EnterprisePanel(const enterprise::v1::IndustryStructure& s) {
  std::string out = absl::StrCat("[2 enterprise] industry structure ", s.year(), " through month ",
                                 s.through_month(), " (revision ", s.revision(), ")\n");
  for (const auto& c : s.chains()) {
    absl::StrAppend(&out, "  ",
                    EnumShortName(common::v1::IndustryChain_descriptor(), c.industry_chain(),
                                  "INDUSTRY_CHAIN_"),
                    ": ", Yi(c.figures().output_value()), " = ",
                    c.share_of_zone().display_percent(), "%, above scale ",
                    c.figures().above_scale_count(), ", over 1亿 ",
                    c.figures().over_100_million_count(), ", grew >= 10% ",
                    c.figures().grew_10_percent_count(), "\n");
  }
  absl::StrAppend(&out, "  zone total: ", Yi(s.zone_total().output_value()), " (",
                  s.zone_total().yoy_change().display_percent(), "% year on year)\n");
  return out;
}

std::string LedgerPanel(const petition::v1::LedgerStats& s) {
  return absl::StrCat("[3 petition] ", s.ledger_name(), " (revision ", s.revision(), ")\n", "  ",
                      s.totals().resolved_and_reported(), " of ", s.totals().total(),
                      " cases resolved and reported (",
                      s.totals().resolution_rate().display_percent(), "%), open ",
                      s.totals().open(), ", overdue ", s.totals().overdue(), "\n");
}

}  // namespace

int RunWatch(const Args& args) {
  constexpr char kUsage[] =
      "gaoxinctl watch leads|enterprises|alerts|cases [--since=REV] [--stage=S] [--progress] "
      "[--json]";
  if (args.size() != 2) return Usage(kUsage);
  if (args[1] == "leads") return WatchLeads();
  if (args[1] == "enterprises") return WatchEnterprises();
  if (args[1] == "alerts") return WatchAlerts();
  if (args[1] == "cases") return WatchCases();
  return Usage(kUsage);
}

namespace {

// Keeps one dashboard panel fed from a summary stream: `open` starts the stream on `ctx`,
// `render` turns a summary into the panel's text. Reconnects on its own; the stream's summaries
// are complete each time, so it always reopens "from now".
template <typename Summary>
void RunPanel(
    Screen* screen, const std::string& panel, const std::string& label,
    std::function<std::unique_ptr<grpc::ClientReader<Summary>>(grpc::ClientContext*)> open,
    std::function<std::string(const Summary&)> render) {
  absl::Status s = watch::ResumeLoop(
      panel,
      [&](int64_t* since) -> absl::Status {
        grpc::ClientContext ctx;
        PrepareContext(&ctx, absl::GetFlag(FLAGS_token), absl::InfiniteDuration());
        auto reader = open(&ctx);
        Summary summary;
        while (reader->Read(&summary)) {
          screen->Set(panel, render(summary));
          *since = summary.revision();
        }
        absl::Status end = FromGrpcStatus(reader->Finish());
        if (!end.ok()) screen->Set(panel, "[" + label + "] reconnecting: " + end.ToString() + "\n");
        return end;
      },
      0, [] { return false; });
  screen->Set(panel, "[" + label + "] stopped: " + s.ToString() + "\n");
}

}  // namespace

int RunDashboard(const Args& args) {
  Screen screen;
  const int year = absl::GetFlag(FLAGS_dashboard_year);
  auto leads_stub = leads::v1::LeadService::NewStub(MakeChannel(absl::GetFlag(FLAGS_leads_addr)));
  auto enterprise_stub =
      enterprise::v1::EnterpriseService::NewStub(MakeChannel(absl::GetFlag(FLAGS_enterprise_addr)));
  auto petition_stub =
      petition::v1::PetitionService::NewStub(MakeChannel(absl::GetFlag(FLAGS_petition_addr)));
  std::vector<std::thread> panels;
  panels.emplace_back([&] {
    RunPanel<leads::v1::YearSummary>(
        &screen, "1 leads", "1 leads",
        [&](grpc::ClientContext* ctx) {
          leads::v1::StreamYearSummaryRequest req;
          req.set_year(year);
          return leads_stub->StreamYearSummary(ctx, req);
        },
        LeadsPanel);
  });
  panels.emplace_back([&] {
    RunPanel<enterprise::v1::IndustryStructure>(
        &screen, "2 enterprise", "2 enterprise",
        [&](grpc::ClientContext* ctx) {
          enterprise::v1::StreamIndustryStructureRequest req;
          req.set_year(year);
          return enterprise_stub->StreamIndustryStructure(ctx, req);
        },
        EnterprisePanel);
  });
  // One panel per petition ledger of the year.
  petition::v1::ListLedgersRequest list;
  list.set_year(year);
  petition::v1::ListLedgersResponse ledgers;
  grpc::ClientContext list_ctx;
  Prepare(&list_ctx);
  grpc::Status listed = petition_stub->ListLedgers(&list_ctx, list, &ledgers);
  if (!listed.ok()) {
    screen.Set("3 petition", "[3 petition] unavailable: " + listed.error_message() + "\n");
  }
  for (const auto& ledger : ledgers.ledgers()) {
    panels.emplace_back([&, ledger_id = ledger.id()] {
      RunPanel<petition::v1::LedgerStats>(
          &screen, "3 petition " + ledger_id, "3 petition",
          [&](grpc::ClientContext* ctx) {
            petition::v1::StreamLedgerStatsRequest req;
            req.set_ledger_id(ledger_id);
            return petition_stub->StreamLedgerStats(ctx, req);
          },
          LedgerPanel);
    });
  }
  for (auto& t : panels) t.join();
  return 0;
}

}  // namespace gaoxin::ctl
