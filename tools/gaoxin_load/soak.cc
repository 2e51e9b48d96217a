// gaoxin_soak: the whole suite (leads, enterprise, petition, and redis-server when given) under a
// steady mixed load for a given time, sampled every minute; fails on growth that does not level
// off.
//
//   gaoxin_soak --bin_dir=build --minutes=30 --redis_server=/usr/bin/redis-server
//       --out=docs/soak-30min.csv
//
// The load, all at once and for the whole run: lead creates and reads, petition case creates and
// overdue listings, the enterprise industry structure and monthly-report imports (gaoxin_load's
// scenarios, closed loop, a few clients each), plus watchers (WatchLeads) and dashboards
// (StreamYearSummary, StreamIndustryStructure) that connect, stay a random while and leave.
//
// Every minute, per server: resident memory, open file descriptors, threads, the SQLite WAL's
// size; per scenario: calls, errors, p50 and p99 latency. At the end the verdict: for each
// server, the median memory of the last third of the run may not exceed the middle third's by
// more than a small allowance, nor the most descriptors and threads (growth that levels off
// passes, a leak does not); the WAL stays bounded; no call failed except as overload
// (RESOURCE_EXHAUSTED); streams ended only at their deadline or by the server's connection age.
// Failed calls and stream ends are listed by code.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/config.h"
#include "common/transport.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "tools/gaoxin_load/driver.h"
#include "tools/gaoxin_load/scenarios.h"
#include "tools/gaoxin_load/spawn.h"

ABSL_DECLARE_FLAG(int32_t, petition_preload);
ABSL_DECLARE_FLAG(int32_t, enterprise_count);
ABSL_DECLARE_FLAG(int32_t, enterprise_years);
ABSL_DECLARE_FLAG(int32_t, enterprise_import_rows);

ABSL_FLAG(std::string, bin_dir, "build", "the build folder (services/<name>/<name>_server)");
ABSL_FLAG(double, minutes, 30, "how long the load runs");
ABSL_FLAG(std::string, redis_server, "",
          "redis-server binary; empty = the suite runs without Redis");
ABSL_FLAG(std::string, out, "", "also write the per-minute samples to this CSV file");
ABSL_FLAG(int32_t, churning_watchers, 20, "WatchLeads streams that come and go");
ABSL_FLAG(int32_t, dashboards, 4, "summary/structure streams that come and go");
ABSL_FLAG(bool, server_log_rpcs, false,
          "run the servers with --log_rpcs (a line per call, to match a failed call with its "
          "server side; costs throughput)");
ABSL_FLAG(std::string, work_dir, "", "folder for the stores, logs and keys (default: new)");

namespace gaoxin::load {
namespace {

constexpr char kUsage[] =
    "gaoxin_soak --bin_dir=build [--minutes=30] [--redis_server=/usr/bin/redis-server]\n"
    "  [--out=samples.csv]\n"
    "Runs the three services under a steady mixed load; samples memory, descriptors, threads,\n"
    "WAL size and latency every minute; fails on growth that does not level off.";

int Fail(const std::string& message) {
  std::fprintf(stderr, "gaoxin_soak: %s\n", message.c_str());
  return 2;
}

int64_t CountFds(pid_t pid) {
  DIR* d = opendir(absl::StrCat("/proc/", pid, "/fd").c_str());
  if (d == nullptr) return -1;
  int64_t n = 0;
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n - 2;  // . and ..
}

int64_t CountThreads(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) {
      int64_t n = -1;
      (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(8)), &n);
      return n;
    }
  }
  return -1;
}

int64_t FileBytes(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

// Runs `inner`'s setup only the first time: the soak reruns each scenario every minute.
class SetupOnce final : public Scenario {
 public:
  explicit SetupOnce(std::unique_ptr<Scenario> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return inner_->name(); }
  absl::Status Setup(const Env& env) override {
    if (done_) return absl::OkStatus();
    done_ = true;
    return inner_->Setup(env);
  }
  std::unique_ptr<Caller> NewCaller(const Env& env, int index,
                                    std::shared_ptr<grpc::Channel> channel) override {
    return inner_->NewCaller(env, index, std::move(channel));
  }

 private:
  std::unique_ptr<Scenario> inner_;
  bool done_ = false;
};

struct Service {
  std::string name;
  std::unique_ptr<ServerProcess> process;
  std::string address;
  std::string db;
};

struct Sample {
  int minute = 0;
  struct PerServer {
    int64_t rss_kb = 0, fds = 0, threads = 0, wal_bytes = 0;
  };
  std::vector<PerServer> servers;
  std::vector<LoadResult> loads;
  int64_t streams_opened = 0;
};

// How the churning streams ended, by status code.
struct StreamEnds {
  std::array<std::atomic<int64_t>, 17> by_code{};
  int64_t total() const {
    int64_t n = 0;
    for (const auto& c : by_code) n += c.load();
    return n;
  }
};

// A stream that connects, stays a random 1 to 20 seconds and leaves, over and over. Ending at
// its deadline is how it leaves; UNAVAILABLE is the server ending it (every
// --max_connection_age_ms, 5 minutes by default, the connection is closed and clients
// reconnect and resume); anything else is a failure.
void ChurnStreams(const std::atomic<bool>& stop, StreamEnds* ends,
                  const std::function<grpc::Status(absl::Duration)>& open) {
  absl::BitGen gen;
  while (!stop.load()) {
    const absl::Duration stay = absl::Milliseconds(absl::Uniform(gen, 1000, 20000));
    grpc::Status s = open(stay);
    const int code = std::clamp(static_cast<int>(s.error_code()), 0, 16);
    ends->by_code[code].fetch_add(1);
    if (code != static_cast<int>(grpc::StatusCode::DEADLINE_EXCEEDED)) {
      absl::SleepFor(absl::Milliseconds(200));
    }
  }
}

template <typename Reader, typename Message>
grpc::Status ReadAll(Reader reader, Message* msg) {
  while (reader->Read(msg)) {
  }
  return reader->Finish();
}

// A redis-server on a free loopback port, persistence off; and its address.
absl::StatusOr<std::pair<std::unique_ptr<ServerProcess>, std::string>> StartRedis(
    const std::string& binary, const std::string& log) {
  const int port = FreeLoopbackPort();
  auto redis = ServerProcess::Launch(
      binary,
      {"--port", absl::StrCat(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"},
      log);
  if (!redis.ok()) return redis.status();
  if (!WaitForTcp(port, absl::Seconds(10))) {
    return absl::UnavailableError(absl::StrCat("redis-server did not listen on ", port));
  }
  return std::make_pair(*std::move(redis), absl::StrCat("127.0.0.1:", port));
}

int Run() {
  const std::string bin = absl::GetFlag(FLAGS_bin_dir);
  auto credentials = MakeSpawnCredentials(
      absl::GetFlag(FLAGS_work_dir), "soak", "gaoxin-soak",
      "leads.reader,leads.writer,enterprise.reader,enterprise.writer,petition.reader,"
      "petition.writer,petition.pii,auditor");
  if (!credentials.ok()) return Fail(credentials.status().ToString());
  const std::string& dir = credentials->dir;
  const std::string& token = credentials->token;
  {
    // 32 bytes each: the PII key and the page-token key.
    std::ofstream pii(dir + "/pii.key", std::ios::binary);
    pii << RandomHex(2).substr(0, 32);
    std::ofstream page(dir + "/page-token.key", std::ios::binary);
    page << RandomHex(2).substr(0, 32);
  }
  // Service-to-service calls (enterprise -> leads, petition -> enterprise) use the same token.
  setenv("GAOXIN_LEADS_TOKEN", token.c_str(), 1);
  setenv("GAOXIN_ENTERPRISE_TOKEN", token.c_str(), 1);

  std::unique_ptr<ServerProcess> redis;
  std::string redis_address;
  if (const std::string redis_bin = absl::GetFlag(FLAGS_redis_server); !redis_bin.empty()) {
    auto started = StartRedis(redis_bin, dir + "/redis.log");
    if (!started.ok()) return Fail(started.status().ToString());
    redis = std::move(started->first);
    redis_address = started->second;
  }
  std::vector<std::string> common = {
      "--tokens_file=" + credentials->tokens_file,
      "--audit_key_file=" + credentials->audit_key_file,
      "--page_token_key_file=" + dir + "/page-token.key",
      "--insecure_plaintext",
      absl::GetFlag(FLAGS_server_log_rpcs) ? "--log_rpcs=true" : "--log_rpcs=false",
      "--redis=" + redis_address};
  std::vector<Service> services(3);
  const char* names[] = {"leads", "enterprise", "petition"};
  for (int i = 0; i < 3; ++i) {
    Service& svc = services[i];
    svc.name = names[i];
    svc.db = absl::StrCat(dir, "/", svc.name, ".db");
    std::vector<std::string> args = common;
    args.push_back("--db=" + svc.db);
    if (svc.name == "enterprise") args.push_back("--leads_addr=" + services[0].address);
    if (svc.name == "petition") {
      args.push_back("--pii_key_file=" + dir + "/pii.key");
      args.push_back("--enterprise_addr=" + services[1].address);
    }
    auto started =
        ServerProcess::Start(absl::StrCat(bin, "/services/", svc.name, "/", svc.name, "_server"),
                             args, absl::StrCat(dir, "/", svc.name, ".log"), absl::Seconds(30));
    if (!started.ok()) return Fail(absl::StrCat(svc.name, ": ", started.status().ToString()));
    svc.process = *std::move(started);
    svc.address = absl::StrCat("127.0.0.1:", svc.process->port());
  }

  auto env_for = [&](const Service& svc) {
    Env env;
    env.target = svc.address;
    env.token = token;
    env.call_timeout = absl::Seconds(10);
    env.channels = MakeChannels(env.target, 1);
    return env;
  };
  struct Load {
    std::unique_ptr<Scenario> scenario;
    Env env;
    int concurrency;
  };
  std::vector<Load> loads;
  loads.push_back({std::make_unique<SetupOnce>(NewCreateLeadScenario()), env_for(services[0]), 2});
  loads.push_back({std::make_unique<SetupOnce>(NewGetLeadScenario()), env_for(services[0]), 2});
  loads.push_back(
      {std::make_unique<SetupOnce>(NewIndustryStructureScenario()), env_for(services[1]), 1});
  loads.push_back({std::make_unique<SetupOnce>(NewImport100kScenario()), env_for(services[1]), 1});
  loads.push_back({std::make_unique<SetupOnce>(NewCreateCaseScenario()), env_for(services[2]), 1});
  loads.push_back(
      {std::make_unique<SetupOnce>(NewListOverdueCasesScenario()), env_for(services[2]), 1});
  for (auto& l : loads) {
    if (absl::Status s = l.scenario->Setup(l.env); !s.ok()) {
      return Fail(absl::StrCat(l.scenario->name(), " setup: ", s.ToString()));
    }
  }

  std::atomic<bool> stop{false};
  StreamEnds stream_ends;
  std::vector<std::thread> streams;
  auto leads_channel = MakeChannel(services[0].address);
  auto enterprise_channel = MakeChannel(services[1].address);
  for (int i = 0; i < absl::GetFlag(FLAGS_churning_watchers); ++i) {
    streams.emplace_back([&] {
      auto stub = leads::v1::LeadService::NewStub(leads_channel);
      ChurnStreams(stop, &stream_ends, [&](absl::Duration stay) {
        grpc::ClientContext ctx;
        PrepareContext(&ctx, token, stay);
        leads::v1::WatchLeadsRequest req;
        leads::v1::WatchLeadsResponse msg;
        return ReadAll(stub->WatchLeads(&ctx, req), &msg);
      });
    });
  }
  for (int i = 0; i < absl::GetFlag(FLAGS_dashboards); ++i) {
    streams.emplace_back([&, i] {
      auto leads_stub = leads::v1::LeadService::NewStub(leads_channel);
      auto enterprise_stub = enterprise::v1::EnterpriseService::NewStub(enterprise_channel);
      ChurnStreams(stop, &stream_ends, [&](absl::Duration stay) {
        grpc::ClientContext ctx;
        PrepareContext(&ctx, token, stay);
        if (i % 2 == 0) {
          leads::v1::StreamYearSummaryRequest req;
          req.set_year(2023);
          leads::v1::YearSummary msg;
          return ReadAll(leads_stub->StreamYearSummary(&ctx, req), &msg);
        }
        enterprise::v1::StreamIndustryStructureRequest req;
        req.set_year(2023);
        enterprise::v1::IndustryStructure msg;
        return ReadAll(enterprise_stub->StreamIndustryStructure(&ctx, req), &msg);
      });
    });
  }

  const int minutes = std::max(1, static_cast<int>(absl::GetFlag(FLAGS_minutes) + 0.5));
  std::vector<Sample> samples;
  FILE* csv = nullptr;
  if (const std::string out = absl::GetFlag(FLAGS_out); !out.empty()) {
    csv = std::fopen(out.c_str(), "w");
    if (csv == nullptr) return Fail("cannot write " + out);
    std::fprintf(csv, "minute");
    for (const auto& svc : services) {
      std::fprintf(csv, ",%s_rss_kb,%s_fds,%s_threads,%s_wal_bytes", svc.name.c_str(),
                   svc.name.c_str(), svc.name.c_str(), svc.name.c_str());
    }
    for (const auto& l : loads) {
      const std::string n = l.scenario->name();
      std::fprintf(csv, ",%s_calls,%s_errors,%s_p50_ms,%s_p99_ms", n.c_str(), n.c_str(), n.c_str(),
                   n.c_str());
    }
    std::fprintf(csv, ",streams_opened\n");
  }
  std::printf("gaoxin_soak: %d minutes; files in %s\n", minutes, dir.c_str());
  std::printf("%6s", "minute");
  for (const auto& svc : services) std::printf(" | %-10s rss_MB fds thr wal_MB", svc.name.c_str());
  std::printf(" | calls errors p99_ms(max over scenarios)\n");
  int64_t total_errors = 0, total_calls = 0;
  for (int minute = 1; minute <= minutes; ++minute) {
    Sample sample;
    sample.minute = minute;
    sample.loads.resize(loads.size());
    std::vector<std::thread> runners;
    for (size_t i = 0; i < loads.size(); ++i) {
      runners.emplace_back([&, i] {
        LoadOptions options;
        options.concurrency = loads[i].concurrency;
        options.warmup = absl::ZeroDuration();
        options.duration = absl::Seconds(60);
        options.on_failure = [&, i, minute](const grpc::Status& status, absl::Time started,
                                            absl::Duration took) {
          static absl::Mutex print_mu(absl::kConstInit);
          absl::MutexLock lock(&print_mu);
          std::printf("FAILED minute=%d %s %s started=%s took_ms=%lld: %s\n", minute,
                      loads[i].scenario->name().c_str(),
                      StatusCodeName(static_cast<int>(status.error_code())).c_str(),
                      absl::FormatTime("%H:%M:%E3S", started, absl::UTCTimeZone()).c_str(),
                      static_cast<long long>(absl::ToInt64Milliseconds(took)),
                      status.error_message().c_str());
          std::fflush(stdout);
        };
        if (absl::Status s = RunLoad(*loads[i].scenario, loads[i].env, options, &sample.loads[i]);
            !s.ok()) {
          std::fprintf(stderr, "%s: %s\n", loads[i].scenario->name().c_str(), s.ToString().c_str());
          sample.loads[i].errors[static_cast<int>(grpc::StatusCode::UNKNOWN)] += 1;
        }
      });
    }
    for (auto& t : runners) t.join();
    for (const auto& svc : services) {
      Sample::PerServer p;
      p.rss_kb = svc.process->RssKb();
      p.fds = CountFds(svc.process->pid());
      p.threads = CountThreads(svc.process->pid());
      p.wal_bytes = FileBytes(svc.db + "-wal");
      sample.servers.push_back(p);
    }
    sample.streams_opened = stream_ends.total();
    int64_t calls = 0, errors = 0;
    double p99 = 0;
    for (const auto& r : sample.loads) {
      calls += r.ok;
      for (int code = 0; code < static_cast<int>(r.errors.size()); ++code) {
        if (code != static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED))
          errors += r.errors[code];
      }
      p99 = std::max(p99, r.latency.Quantile(0.99) / 1e6);
    }
    total_calls += calls;
    total_errors += errors;
    std::printf("%6d", minute);
    for (const auto& p : sample.servers) {
      std::printf(" | %10s %6.1f %3lld %3lld %6.1f", "", p.rss_kb / 1024.0,
                  static_cast<long long>(p.fds), static_cast<long long>(p.threads),
                  p.wal_bytes / 1048576.0);
    }
    std::printf(" | %lld %lld %.1f\n", static_cast<long long>(calls),
                static_cast<long long>(errors), p99);
    std::fflush(stdout);
    if (csv != nullptr) {
      std::fprintf(csv, "%d", minute);
      for (const auto& p : sample.servers) {
        std::fprintf(csv, ",%lld,%lld,%lld,%lld", static_cast<long long>(p.rss_kb),
                     static_cast<long long>(p.fds), static_cast<long long>(p.threads),
                     static_cast<long long>(p.wal_bytes));
      }
      for (const auto& r : sample.loads) {
        std::fprintf(csv, ",%lld,%lld,%.2f,%.2f", static_cast<long long>(r.ok),
                     static_cast<long long>(r.error_count()), r.latency.Quantile(0.5) / 1e6,
                     r.latency.Quantile(0.99) / 1e6);
      }
      std::fprintf(csv, ",%lld\n", static_cast<long long>(sample.streams_opened));
      std::fflush(csv);
    }
    samples.push_back(std::move(sample));
  }
  stop.store(true);
  for (auto& t : streams) t.join();
  if (csv != nullptr) std::fclose(csv);

  // The verdict. Thirds of the run: the middle one is "after warming up", the last one must not
  // be above it by more than the allowance.
  std::vector<std::string> problems;
  const size_t n = samples.size();
  if (n >= 3) {
    const size_t a = n / 3, b = 2 * n / 3;
    for (size_t s = 0; s < services.size(); ++s) {
      auto max_of = [&](size_t from, size_t to, auto field) {
        int64_t m = 0;
        for (size_t i = from; i < to; ++i) m = std::max(m, field(samples[i].servers[s]));
        return m;
      };
      auto rss = [](const Sample::PerServer& p) { return p.rss_kb; };
      auto fds = [](const Sample::PerServer& p) { return p.fds; };
      auto threads = [](const Sample::PerServer& p) { return p.threads; };
      auto wal = [](const Sample::PerServer& p) { return p.wal_bytes; };
      // Medians, not maxima: a minute with a large import lifts RSS for a while and the allocator
      // gives it back (one sample of 189 MB between 125 MB ones); a leak lifts every sample.
      auto median_of = [&](size_t from, size_t to, auto field) {
        std::vector<int64_t> v;
        for (size_t i = from; i < to; ++i) v.push_back(field(samples[i].servers[s]));
        std::sort(v.begin(), v.end());
        return v.empty() ? 0 : v[v.size() / 2];
      };
      const int64_t rss_mid = median_of(a, b, rss), rss_end = median_of(b, n, rss);
      // 10% or 16 MB: allocator caches and a busier minute move RSS that much without a leak.
      if (rss_end > rss_mid + std::max<int64_t>(rss_mid / 10, 16 * 1024)) {
        problems.push_back(absl::StrCat(services[s].name, ": memory still growing, ", rss_mid,
                                        " KB -> ", rss_end, " KB"));
      }
      // Churning streams hold a few descriptors and threads at any moment.
      if (max_of(b, n, fds) > max_of(a, b, fds) + 16) {
        problems.push_back(absl::StrCat(services[s].name, ": file descriptors still growing, ",
                                        max_of(a, b, fds), " -> ", max_of(b, n, fds)));
      }
      if (max_of(b, n, threads) > max_of(a, b, threads) + 8) {
        problems.push_back(absl::StrCat(services[s].name, ": threads still growing, ",
                                        max_of(a, b, threads), " -> ", max_of(b, n, threads)));
      }
      if (max_of(0, n, wal) > (256 << 20)) {
        problems.push_back(
            absl::StrCat(services[s].name, ": WAL above 256 MB (", max_of(0, n, wal), " bytes)"));
      }
    }
  } else {
    problems.push_back("fewer than 3 minutes: too short to tell growth from warm-up");
  }
  if (total_errors > 0) {
    problems.push_back(absl::StrCat(total_errors, " calls failed (of ", total_calls, ")"));
  }
  // Failed calls by scenario and code, over the whole run.
  for (size_t i = 0; i < loads.size(); ++i) {
    std::array<int64_t, 17> codes{};
    for (const auto& sample : samples) {
      for (size_t c = 0; c < codes.size(); ++c) codes[c] += sample.loads[i].errors[c];
    }
    for (size_t c = 0; c < codes.size(); ++c) {
      if (codes[c] > 0) {
        std::printf("errors %s %s: %lld\n", loads[i].scenario->name().c_str(),
                    StatusCodeName(static_cast<int>(c)).c_str(), static_cast<long long>(codes[c]));
      }
    }
  }
  int64_t stream_failures = 0;
  for (size_t c = 0; c < stream_ends.by_code.size(); ++c) {
    const int64_t count = stream_ends.by_code[c].load();
    if (count == 0) continue;
    std::printf("streams ended %s: %lld\n", StatusCodeName(static_cast<int>(c)).c_str(),
                static_cast<long long>(count));
    if (c != static_cast<size_t>(grpc::StatusCode::DEADLINE_EXCEEDED) &&
        c != static_cast<size_t>(grpc::StatusCode::UNAVAILABLE)) {
      stream_failures += count;
    }
  }
  if (stream_failures > 0) {
    problems.push_back(absl::StrCat(stream_failures, " of ", stream_ends.total(),
                                    " churning streams ended other than at their deadline or by "
                                    "the server's connection age"));
  }
  for (auto& svc : services) svc.process->Stop(absl::Seconds(15));
  if (redis != nullptr) redis->Stop(absl::Seconds(5));
  for (const auto& p : problems) std::printf("PROBLEM %s\n", p.c_str());
  std::printf("calls=%lld errors=%lld streams_opened=%lld\n%s\n",
              static_cast<long long>(total_calls), static_cast<long long>(total_errors),
              static_cast<long long>(stream_ends.total()), problems.empty() ? "PASS" : "FAIL");
  return problems.empty() ? 0 : 1;
}

}  // namespace
}  // namespace gaoxin::load

int main(int argc, char** argv) {
  // Soak-sized setups unless the command line says otherwise: the preloads of gaoxin_load's
  // benchmarks take minutes.
  absl::SetFlag(&FLAGS_petition_preload, 2000);
  absl::SetFlag(&FLAGS_enterprise_count, 100);
  absl::SetFlag(&FLAGS_enterprise_years, 2);
  absl::SetFlag(&FLAGS_enterprise_import_rows, 2400);
  std::vector<char*> positional = gaoxin::InitCliConfig(argc, argv, gaoxin::load::kUsage);
  if (positional.size() > 1) return gaoxin::load::Fail(gaoxin::load::kUsage);
  absl::SetFlag(&FLAGS_insecure_plaintext, true);
  if (absl::Status s = gaoxin::ConfigureClientTransportFromFlags(); !s.ok()) {
    return gaoxin::load::Fail(std::string(s.message()));
  }
  return gaoxin::load::Run();
}
