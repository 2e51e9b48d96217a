// The scenarios gaoxin_load knows, one file each (<name>_scenario.cc). To add one: write the file,
// declare its factory here, add it to kScenarios in main.cc and to CMakeLists.txt. watch_leads is
// not a closed loop and has its own runner, dispatched by name in main.cc.
#ifndef GAOXIN_TOOLS_GAOXIN_LOAD_SCENARIOS_H_
#define GAOXIN_TOOLS_GAOXIN_LOAD_SCENARIOS_H_

#include <array>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gaoxin/leads/v1/leads.pb.h"
#include "tools/gaoxin_load/driver.h"

namespace gaoxin::load {

// gaoxin.testing.v1.EchoService/Echo: the bootstrap's own cost (needs --serve_echo).
std::unique_ptr<Scenario> NewEchoScenario();
// LeadService/GetLead on random ids among leads the setup creates (--get_lead_preload).
std::unique_ptr<Scenario> NewGetLeadScenario();
// LeadService/CreateLead, each call with its own request_id (a durable commit each).
std::unique_ptr<Scenario> NewCreateLeadScenario();
// PetitionService/CreateCase, unique request_id and ID number per call (petition_scenarios.cc).
std::unique_ptr<Scenario> NewCreateCaseScenario();
// PetitionService/ListCases(overdue_only) paging, over --petition_preload cases made in setup.
std::unique_ptr<Scenario> NewListOverdueCasesScenario();

// LeadService/WatchLeads fan-out: not a closed loop, so it has its own runner (see
// watch_leads_scenario.cc): `watchers` streams, a writer creating leads at `rate` per second, and
// per-change delivery latency, exactness (missing / duplicate / out of order) and server memory.
struct WatchLeadsOptions {
  int watchers = 2000;
  // Streams per HTTP/2 connection (connections = ceil(watchers / this)).
  int streams_per_channel = 90;
  double rate = 200;                         // changes per second
  absl::Duration warmup = absl::Seconds(2);  // changes sent, latencies not counted
  absl::Duration duration = absl::Seconds(20);
  absl::Duration open_timeout = absl::Seconds(60);
  // After the writer stops: how long to wait for the last deliveries.
  absl::Duration drain = absl::Seconds(10);
  // A spawned server's VmRSS in KB and CPU seconds; unset against a running server.
  std::function<int64_t()> server_rss_kb;
  std::function<double()> server_cpu_seconds;
};

struct WatchLeadsResult {
  std::string label;
  int watchers = 0;
  int channels = 0;
  double rate = 0;
  double open_s = 0;    // until every stream had its first message
  double writer_s = 0;  // warm-up + window
  int opened = 0;
  int64_t sent = 0, skipped = 0, writes_ok = 0, writes_failed = 0;
  Histogram commit_latency;  // CreateLead round trips
  // expected = writes_ok x watchers; every seen change counts once in `received`.
  int64_t expected = 0, received = 0, missing = 0, duplicates = 0, out_of_order = 0;
  int64_t unconfirmed = 0;  // delivered although its CreateLead did not return OK (not an error)
  int64_t foreign = 0;      // changes not written by this run (another client's)
  int64_t messages = 0;
  int64_t streams_failed = 0;  // ended before the tool cancelled them
  std::array<int64_t, 17> stream_errors{};
  Histogram latency;  // per delivery, changes sent after the warm-up
  int64_t rss_before_kb = -1, rss_open_kb = -1, rss_end_kb = -1;
  double client_cpu = 0, server_cpu = -1;  // cores over warm-up + window
  double per_watcher_open_kb() const {
    return watchers > 0 ? static_cast<double>(rss_open_kb - rss_before_kb) / watchers : 0;
  }
  double per_watcher_end_kb() const {
    return watchers > 0 ? static_cast<double>(rss_end_kb - rss_before_kb) / watchers : 0;
  }
  int64_t error_count() const { return missing + duplicates + out_of_order + streams_failed; }
};

absl::Status RunWatchLeads(const Env& env, const WatchLeadsOptions& options,
                           WatchLeadsResult* result);
void PrintWatchLeadsResult(const WatchLeadsResult& r);

// EnterpriseService/GetIndustryStructure over --enterprise_count enterprises × --enterprise_years
// years of monthly reports (enterprise_scenarios.cc).
std::unique_ptr<Scenario> NewIndustryStructureScenario();
// EnterpriseService/ImportMonthlyReports: one call = one stream of --enterprise_import_rows rows.
std::unique_ptr<Scenario> NewImport100kScenario();

// A valid CreateLeadRequest for lead number `n` (create_lead and get_lead's setup share it).
leads::v1::CreateLeadRequest SampleCreateLeadRequest(const std::string& request_id, int n);

}  // namespace gaoxin::load

#endif  // GAOXIN_TOOLS_GAOXIN_LOAD_SCENARIOS_H_
