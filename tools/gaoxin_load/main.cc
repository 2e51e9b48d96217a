// gaoxin_load: closed-loop load for gaoxin services, with the echo RPC on the same bootstrap as
// the baseline.
//
// Against a running server (started with --serve_echo for the echo scenario):
//   gaoxin_load --target=127.0.0.1:50051 --token=$TOKEN --scenario=echo,get_lead
//       --concurrency=64 --duration_s=10 --warmup_s=2
// Self-contained: starts leads_server on a free loopback port with a temporary database, runs
// echo, get_lead and create_lead with RPC logging on and off, and prints the comparison:
//   gaoxin_load --spawn_server=build/services/leads/leads_server
// Watch fan-out (2,000 WatchLeads streams, 200 changes/s; latency, exactness, server memory):
//   gaoxin_load --spawn_server=build/services/leads/leads_server --scenario=watch_leads
//       --spawn_log_rpcs=false --watchers=2000 --watch_rate=200 --duration_s=20
// On PostgreSQL, two replicas behind round-robin (tools/gaoxin_load/bench_stores.sh runs the
// SQLite / PostgreSQL x1 / x2 comparison in one go):
//   gaoxin_load --spawn_server=build/services/leads/leads_server --spawn_replicas=2
//       --spawn_db=postgresql://gaoxin_test@127.0.0.1:55432/gaoxin_test
//       --spawn_db_password_file=var/postgres/password
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/config.h"
#include "common/transport.h"
#include "tools/gaoxin_load/driver.h"
#include "tools/gaoxin_load/scenarios.h"
#include "tools/gaoxin_load/spawn.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "server address (loopback unless --allow_remote)");
ABSL_FLAG(std::string, token, "", "bearer token (needs the scenario's roles)");
ABSL_FLAG(std::string, scenario, "echo,get_lead,create_lead",
          "comma-separated scenarios: echo, get_lead, create_lead, watch_leads");
ABSL_FLAG(int32_t, concurrency, 64, "simulated clients, each with one call in flight");
ABSL_FLAG(int32_t, channels, 2, "HTTP/2 connections the clients are spread over");
ABSL_FLAG(double, duration_s, 10, "measurement window per scenario, seconds (at most 600)");
ABSL_FLAG(double, warmup_s, 2, "warm-up per scenario, seconds; its calls are not counted");
ABSL_FLAG(int32_t, call_timeout_ms, 10000, "deadline of every call");
ABSL_FLAG(bool, allow_remote, false, "allow a --target that is not on the loopback interface");
ABSL_FLAG(std::string, spawn_server, "",
          "path to leads_server: start it on a free loopback port with a temporary database "
          "(one fresh server per scenario) and print the comparison");
ABSL_FLAG(std::string, spawn_log_rpcs, "both",
          "with --spawn_server: run the spawned server with --log_rpcs=true, false, or both");
ABSL_FLAG(std::string, spawn_server_args, "",
          "with --spawn_server: extra server flags, comma-separated (e.g. --watch_poll_ms=50)");
ABSL_FLAG(int32_t, watchers, 2000, "watch_leads: concurrent WatchLeads streams");
ABSL_FLAG(int32_t, watch_streams_per_channel, 90,
          "watch_leads: streams per HTTP/2 connection (connections = watchers / this, rounded up)");
ABSL_FLAG(double, watch_rate, 200, "watch_leads: leads created per second while watching");
ABSL_FLAG(double, watch_drain_s, 10,
          "watch_leads: after the last write, how long to wait for the last deliveries");
ABSL_FLAG(bool, keep_temp, false, "with --spawn_server: keep the temporary directory (db, logs)");
ABSL_FLAG(std::string, spawn_db, "",
          "with --spawn_server: empty = a SQLite file per scenario; a postgresql:// URI = that "
          "database, a fresh schema per scenario");
ABSL_FLAG(std::string, spawn_db_password_file, "",
          "with --spawn_db=postgresql://...: the password file the servers read");
ABSL_FLAG(int32_t, spawn_replicas, 1,
          "with --spawn_server: replicas per scenario on the same store; calls are spread "
          "round-robin over them");

namespace gaoxin::load {
namespace {

constexpr char kUsage[] =
    "gaoxin_load: closed-loop gRPC load with percentiles.\n"
    "  gaoxin_load --target=127.0.0.1:50051 --token=T --scenario=get_lead --concurrency=64\n"
    "  gaoxin_load --spawn_server=path/to/leads_server";

using Factory = std::unique_ptr<Scenario> (*)();
// Every scenario the tool knows, by command-line name.
const std::map<std::string, Factory>& Scenarios() {
  static const auto* const kScenarios = new std::map<std::string, Factory>{
      {"echo", &NewEchoScenario},
      {"get_lead", &NewGetLeadScenario},
      {"create_lead", &NewCreateLeadScenario},
      {"industry_structure", &NewIndustryStructureScenario},
      {"import_100k", &NewImport100kScenario},
      {"create_case", &NewCreateCaseScenario},
      {"list_overdue_cases", &NewListOverdueCasesScenario},
  };
  return *kScenarios;
}

int Fail(absl::string_view message) {
  std::fprintf(stderr, "gaoxin_load: %s\n", std::string(message).c_str());
  return 2;
}

bool IsLoopback(absl::string_view target) {
  for (absl::string_view p : {"127.0.0.1:", "localhost:", "[::1]:", "ipv4:127.0.0.1:"}) {
    if (absl::StartsWith(target, p)) return true;
  }
  return false;
}

LoadOptions OptionsFromFlags() {
  LoadOptions o;
  o.concurrency = absl::GetFlag(FLAGS_concurrency);
  o.warmup = absl::Seconds(std::clamp(absl::GetFlag(FLAGS_warmup_s), 0.0, 600.0));
  o.duration = absl::Seconds(std::clamp(absl::GetFlag(FLAGS_duration_s), 0.1, 600.0));
  return o;
}

std::vector<std::string> ScenarioNames() {
  return absl::StrSplit(absl::GetFlag(FLAGS_scenario), ',', absl::SkipEmpty());
}

const LoadResult* Find(const std::vector<LoadResult>& results, absl::string_view scenario,
                       absl::string_view label) {
  for (const auto& r : results) {
    if (r.scenario == scenario && r.label == label) return &r;
  }
  return nullptr;
}

void PrintComparison(const std::vector<LoadResult>& results,
                     const std::vector<std::string>& labels) {
  std::printf("\ncomparison\n");
  for (const std::string& label : labels) {
    const LoadResult* echo = Find(results, "echo", label);
    const LoadResult* get = Find(results, "get_lead", label);
    const LoadResult* create = Find(results, "create_lead", label);
    const std::string tag = label.empty() ? "" : absl::StrCat(" [", label, "]");
    // Targets (docs/BENCHMARKS.md): SQLite GetLead >= 50% of echo and CreateLead >= 10,000/s;
    // PostgreSQL (issue 9) GetLead >= 40% of echo and durable CreateLead >= 5,000/s.
    const bool pg = absl::StartsWith(label, "pg");
    const double get_target = pg ? 40 : 50;
    const double create_target = pg ? 5000 : 10000;
    if (echo != nullptr && get != nullptr && echo->qps() > 0) {
      const double pct = 100.0 * get->qps() / echo->qps();
      std::printf("  GetLead QPS = %.1f%% of echo QPS (%.0f / %.0f)%s: target >= %.0f%% %s\n", pct,
                  get->qps(), echo->qps(), tag.c_str(), get_target,
                  pct >= get_target ? "MET" : "MISSED");
    }
    if (create != nullptr) {
      std::printf("  CreateLead %.0f/s at %d clients%s: target >= %.0f/s %s\n", create->qps(),
                  create->concurrency, tag.c_str(), create_target,
                  create->concurrency >= 64 && create->qps() >= create_target ? "MET" : "MISSED");
    }
    for (const LoadResult* r : {echo, get, create}) {
      if (r != nullptr && (r->error_count() > 0 || r->errors_outside_window > 0)) {
        std::printf("  note: %s%s had errors; see above\n", r->scenario.c_str(), tag.c_str());
      }
    }
  }
}

constexpr char kWatchLeads[] = "watch_leads";

WatchLeadsOptions WatchOptionsFromFlags() {
  WatchLeadsOptions o;
  o.watchers = absl::GetFlag(FLAGS_watchers);
  o.streams_per_channel = absl::GetFlag(FLAGS_watch_streams_per_channel);
  o.rate = absl::GetFlag(FLAGS_watch_rate);
  o.warmup = absl::Seconds(std::clamp(absl::GetFlag(FLAGS_warmup_s), 0.0, 600.0));
  o.duration = absl::Seconds(std::clamp(absl::GetFlag(FLAGS_duration_s), 0.1, 600.0));
  o.drain = absl::Seconds(std::clamp(absl::GetFlag(FLAGS_watch_drain_s), 0.0, 600.0));
  return o;
}

int RunAgainstTarget() {
  const std::string target = absl::GetFlag(FLAGS_target);
  if (!IsLoopback(target) && !absl::GetFlag(FLAGS_allow_remote)) {
    return Fail("--target is not a loopback address; pass --allow_remote to load another host");
  }
  Env env;
  env.target = target;
  env.token = absl::GetFlag(FLAGS_token);
  env.call_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_call_timeout_ms));
  env.channels = MakeChannels(target, std::max(1, absl::GetFlag(FLAGS_channels)));
  std::vector<LoadResult> results;
  PrintHeader();
  for (const std::string& name : ScenarioNames()) {
    if (name == kWatchLeads) {
      WatchLeadsResult w;
      absl::Status s = RunWatchLeads(env, WatchOptionsFromFlags(), &w);
      PrintWatchLeadsResult(w);
      if (!s.ok()) return Fail(s.ToString());
      continue;
    }
    auto scenario = Scenarios().at(name)();
    LoadResult r;
    if (absl::Status s = RunLoad(*scenario, env, OptionsFromFlags(), &r); !s.ok()) {
      return Fail(s.ToString());
    }
    PrintResult(r);
    results.push_back(std::move(r));
  }
  PrintComparison(results, {""});
  return 0;
}

int RunSpawned() {
  const std::string binary = absl::GetFlag(FLAGS_spawn_server);
  if (access(binary.c_str(), X_OK) != 0) return Fail(absl::StrCat(binary, " is not executable"));
  std::vector<std::string> modes;
  const std::string m = absl::GetFlag(FLAGS_spawn_log_rpcs);
  if (m == "both") {
    modes = {"true", "false"};
  } else if (m == "true" || m == "false") {
    modes = {m};
  } else {
    return Fail("--spawn_log_rpcs must be true, false or both");
  }

  // A real token with both roles, so the measured path includes authentication, and the write
  // audit's key (every server refuses to start without one): random, this run only.
  auto credentials =
      MakeSpawnCredentials("", "gaoxin_load", "gaoxin-load", "leads.reader,leads.writer");
  if (!credentials.ok()) return Fail(credentials.status().ToString());
  const std::string& dir = credentials->dir;
  const std::string& token = credentials->token;
  const std::string& tokens_file = credentials->tokens_file;
  const std::string& audit_key_file = credentials->audit_key_file;

  std::vector<LoadResult> results;
  std::vector<std::string> labels;
  int exit_code = 0;
  std::printf("spawned %s; temporary files in %s\n", binary.c_str(), dir.c_str());
  PrintHeader();
  int run = 0;
  const std::string spawn_db = absl::GetFlag(FLAGS_spawn_db);
  const bool postgres = absl::StartsWith(spawn_db, "postgresql://");
  const int replicas = std::clamp(absl::GetFlag(FLAGS_spawn_replicas), 1, 8);
  const std::string store_label =
      absl::StrCat(postgres ? "pg" : "sqlite", replicas > 1 ? absl::StrCat(" x", replicas) : "");
  for (const std::string& mode : modes) {
    const std::string label = absl::StrCat(store_label, " log_rpcs=", mode);
    labels.push_back(label);
    for (const std::string& name : ScenarioNames()) {
      ++run;
      // A fresh store per scenario (a SQLite file, or a PostgreSQL schema): no scenario inherits
      // another's data or state, and the commit count belongs to this scenario alone.
      std::vector<std::string> server_args = {"--serve_echo", "--tokens_file=" + tokens_file,
                                              "--audit_key_file=" + audit_key_file,
                                              "--log_rpcs=" + mode, "--redis="};
      if (postgres) {
        server_args.push_back("--db=" + spawn_db);
        server_args.push_back(absl::StrCat("--db_schema=load_", getpid(), "_", run));
        server_args.push_back("--db_password_file=" + absl::GetFlag(FLAGS_spawn_db_password_file));
      } else {
        server_args.push_back(absl::StrCat("--db=", dir, "/leads-", run, ".db"));
      }
      for (absl::string_view a :
           absl::StrSplit(absl::GetFlag(FLAGS_spawn_server_args), ',', absl::SkipEmpty())) {
        server_args.emplace_back(a);
      }
      // Loopback on one machine: plaintext unless --spawn_server_args gives the server a
      // certificate (then the load tool's own --tls_* flags must match it).
      if (!absl::StrContains(absl::GetFlag(FLAGS_spawn_server_args), "--tls_cert_file")) {
        server_args.push_back("--insecure_plaintext");
      }
      std::vector<std::unique_ptr<ServerProcess>> servers;
      std::string addresses;
      for (int i = 0; i < replicas && exit_code == 0; ++i) {
        const std::string log = absl::StrCat(dir, "/server-", run, "-", i, ".log");
        auto server = ServerProcess::Start(binary, server_args, log, absl::Seconds(15));
        if (!server.ok()) {
          exit_code = Fail(server.status().ToString());
          break;
        }
        absl::StrAppend(&addresses, addresses.empty() ? "" : ",", "127.0.0.1:", (*server)->port());
        servers.push_back(*std::move(server));
      }
      if (exit_code != 0) break;
      auto stop_all = [&servers] {
        for (auto& s : servers) s->Stop(absl::Seconds(15));
      };
      Env env;
      env.target = replicas == 1 ? addresses : "ipv4:" + addresses;
      env.token = token;
      env.call_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_call_timeout_ms));
      env.channels = MakeChannels(env.target, std::max(1, absl::GetFlag(FLAGS_channels)));
      LoadOptions options = OptionsFromFlags();
      std::vector<ServerProcess*> procs;
      for (auto& s : servers) procs.push_back(s.get());
      options.server_cpu_seconds = [procs] {
        double total = 0;
        for (ServerProcess* p : procs) total += p->CpuSeconds();
        return total;
      };
      if (name == kWatchLeads) {
        WatchLeadsOptions wo = WatchOptionsFromFlags();
        wo.server_cpu_seconds = options.server_cpu_seconds;
        wo.server_rss_kb = [procs] {
          int64_t total = 0;
          for (ServerProcess* p : procs) total += p->RssKb();
          return total;
        };
        WatchLeadsResult w;
        w.label = absl::StrCat(label, absl::GetFlag(FLAGS_spawn_server_args).empty() ? "" : " +",
                               absl::GetFlag(FLAGS_spawn_server_args));
        absl::Status s = RunWatchLeads(env, wo, &w);
        env.channels.clear();
        stop_all();
        PrintWatchLeadsResult(w);
        if (!s.ok()) {
          exit_code = Fail(s.ToString());
          break;
        }
        continue;
      }
      auto scenario = Scenarios().at(name)();
      LoadResult r;
      r.label = label;
      absl::Status s = RunLoad(*scenario, env, options, &r);
      env.channels.clear();
      stop_all();
      if (!s.ok()) {
        exit_code = Fail(s.ToString());
        break;
      }
      int64_t commits = 0;
      bool counted = true;
      for (auto& server : servers) {
        const std::string server_log = server->ReadLog();
        auto ready = LastLoggedInt(server_log, "db_ready", "commits");
        auto done = LastLoggedInt(server_log, "db_stats", "commits");
        if (ready && done && *done >= *ready) {
          commits += *done - *ready;
        } else {
          counted = false;
        }
      }
      if (name == "create_lead" && counted && commits > 0) {
        r.extra = absl::StrFormat(
            "store: %d commits for %d CreateLead calls started (warm-up + window + drain): "
            "%.1f units per commit",
            commits, r.started, static_cast<double>(r.started) / commits);
      }
      PrintResult(r);
      results.push_back(std::move(r));
    }
    if (exit_code != 0) break;
  }
  if (exit_code == 0) PrintComparison(results, labels);
  if (!absl::GetFlag(FLAGS_keep_temp)) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return exit_code;
}

}  // namespace
}  // namespace gaoxin::load

int main(int argc, char** argv) {
  std::vector<char*> positional = gaoxin::InitCliConfig(argc, argv, gaoxin::load::kUsage);
  if (positional.size() > 1) return gaoxin::load::Fail(gaoxin::load::kUsage);
  for (const std::string& name : gaoxin::load::ScenarioNames()) {
    if (name != gaoxin::load::kWatchLeads && gaoxin::load::Scenarios().count(name) == 0) {
      return gaoxin::load::Fail(absl::StrCat("unknown scenario '", name, "'"));
    }
  }
  if (!absl::GetFlag(FLAGS_spawn_server).empty()) {
    // What RunSpawned gives the servers it starts (see there), unless TLS is asked for.
    if (!absl::StrContains(absl::GetFlag(FLAGS_spawn_server_args), "--tls_cert_file")) {
      absl::SetFlag(&FLAGS_insecure_plaintext, true);
    }
  }
  if (absl::Status s = gaoxin::ConfigureClientTransportFromFlags(); !s.ok()) {
    return gaoxin::load::Fail(std::string(s.message()));
  }
  if (!absl::GetFlag(FLAGS_spawn_server).empty()) return gaoxin::load::RunSpawned();
  return gaoxin::load::RunAgainstTarget();
}
