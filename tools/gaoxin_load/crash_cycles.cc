// gaoxin_crashcycle: kills a leads_server with SIGKILL over and over while writers create leads
// and watchers follow them, and checks afterwards that nothing acknowledged was lost, nothing was
// stored twice, and every watcher saw exactly what the store holds.
//
//   gaoxin_crashcycle --server=build/services/leads/leads_server --cycles=1000
//   gaoxin_crashcycle --server=... --cycles=20 --db=postgresql://u@127.0.0.1:5432/db
//       --db_password_file=pw
//
// One cycle: start the server (on the same store, a new port), wait until it answers, run the
// writers and watchers for --load_ms, then SIGKILL it mid-load. Writers send each create with a
// request_id; a create whose reply never came (the kill) is sent again with the same id after the
// restart, so the store must hold it exactly once. Watchers resume from the last revision they
// received. At the end, on a last clean start: acknowledged creates missing (lost), leads stored
// twice (duplicates), and per watcher changes missing, repeated or out of order. Exit code 0 only
// when all of those are 0. Recovery time is from the kill to the first OK call after restart.
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/config.h"
#include "common/date.h"
#include "common/money.h"
#include "common/transport.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "tools/gaoxin_load/spawn.h"

ABSL_FLAG(std::string, server, "", "the leads_server binary");
ABSL_FLAG(int32_t, cycles, 10, "kill -9 cycles");
ABSL_FLAG(int32_t, writers, 8, "concurrent writers");
ABSL_FLAG(int32_t, watchers, 4, "concurrent watchers");
ABSL_FLAG(int32_t, load_ms, 400, "time under load before each kill");
// --db (empty: a SQLite file in the work folder) and --db_password_file are common/config.h's.
ABSL_FLAG(std::string, work_dir, "", "folder for the store, logs and credentials (default: new)");

namespace gaoxin::load {
namespace {

using leads::v1::LeadService;

constexpr char kUsage[] =
    "gaoxin_crashcycle --server=PATH/leads_server [--cycles=N] [--writers=N] [--watchers=N]\n"
    "  [--load_ms=MS] [--db=postgresql://...] [--db_password_file=FILE]\n"
    "Kills the server with SIGKILL N times under writers and watchers; checks that nothing\n"
    "acknowledged is lost or duplicated and that every watcher saw exactly what is stored.";

// What every side shares: the address of the server now up, or "" between a kill and a restart.
class Target {
 public:
  void Set(std::string address) {
    absl::MutexLock lock(&mu_);
    address_ = std::move(address);
    channel_ = address_.empty() ? nullptr : MakeChannel(address_);
  }
  std::shared_ptr<grpc::Channel> channel() {
    absl::MutexLock lock(&mu_);
    return channel_;
  }

 private:
  absl::Mutex mu_;
  std::string address_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<grpc::Channel> channel_ ABSL_GUARDED_BY(mu_);
};

leads::v1::CreateLeadRequest CreateRequest(const std::string& name) {
  leads::v1::CreateLeadRequest req;
  req.set_request_id(name);
  req.mutable_lead()->set_name(name);
  req.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
  req.mutable_lead()->set_source(leads::v1::LEAD_SOURCE_CHAIN_BUREAU);
  *req.mutable_lead()->mutable_planned_investment() = Yuan(180000000);
  *req.mutable_effective_date() = MakeDate(2023, 1, 5);
  return req;
}

// Creates leads one after another; a create without a reply is kept and sent again (same
// request_id) until it is answered.
class Writer {
 public:
  Writer(int index, Target* target, std::string token)
      : index_(index), target_(target), token_(std::move(token)) {}

  void RunUntil(const std::atomic<bool>& stop) {
    while (!stop.load()) {
      auto channel = target_->channel();
      if (channel == nullptr) {
        absl::SleepFor(absl::Milliseconds(5));
        continue;
      }
      if (pending_.empty()) pending_ = absl::StrCat("w", index_, "-", next_++);
      auto stub = LeadService::NewStub(channel);
      grpc::ClientContext ctx;
      PrepareContext(&ctx, token_, absl::Seconds(5));
      leads::v1::Lead lead;
      grpc::Status s = stub->CreateLead(&ctx, CreateRequest(pending_), &lead);
      if (s.ok()) {
        acknowledged_.push_back(pending_);
        pending_.clear();
      } else if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                 s.error_code() == grpc::StatusCode::CANCELLED ||
                 s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++retries_;
        absl::SleepFor(absl::Milliseconds(5));
      } else {
        errors_.push_back(absl::StrCat(pending_, ": ", s.error_code(), " ", s.error_message()));
        pending_.clear();
      }
    }
  }

  const std::vector<std::string>& acknowledged() const { return acknowledged_; }
  const std::vector<std::string>& errors() const { return errors_; }
  const std::string& pending() const { return pending_; }
  int64_t retries() const { return retries_; }

 private:
  const int index_;
  Target* target_;
  const std::string token_;
  int64_t next_ = 0;
  std::string pending_;
  std::vector<std::string> acknowledged_;
  std::vector<std::string> errors_;
  int64_t retries_ = 0;
};

// Follows every change from `since`, resuming from the last revision received.
class Watcher {
 public:
  Watcher(Target* target, std::string token, int64_t since)
      : target_(target), token_(std::move(token)), since_(since) {}

  void RunUntil(const std::atomic<bool>& stop) {
    while (!stop.load()) {
      auto channel = target_->channel();
      if (channel == nullptr) {
        absl::SleepFor(absl::Milliseconds(5));
        continue;
      }
      auto stub = LeadService::NewStub(channel);
      grpc::ClientContext ctx;
      PrepareContext(&ctx, token_, absl::Milliseconds(500));
      leads::v1::WatchLeadsRequest req;
      req.set_since_revision(since_);
      auto reader = stub->WatchLeads(&ctx, req);
      leads::v1::WatchLeadsResponse msg;
      while (reader->Read(&msg)) {
        for (const auto& change : msg.changes()) {
          if (change.revision() <= last_revision_) ++out_of_order_;
          last_revision_ = std::max(last_revision_, change.revision());
          if (!seen_.insert(change.lead().name()).second) ++repeated_;
        }
        since_ = std::max(since_, msg.revision());
      }
      grpc::Status s = reader->Finish();
      if (s.error_code() == grpc::StatusCode::OUT_OF_RANGE) {
        error_ = absl::StrCat("OUT_OF_RANGE from ", since_, ": ", s.error_message());
        return;
      }
    }
  }

  const std::set<std::string>& seen() const { return seen_; }
  int64_t repeated() const { return repeated_; }
  int64_t out_of_order() const { return out_of_order_; }
  const std::string& error() const { return error_; }

 private:
  Target* target_;
  const std::string token_;
  int64_t since_;
  int64_t last_revision_ = 0;
  std::set<std::string> seen_;
  int64_t repeated_ = 0;
  int64_t out_of_order_ = 0;
  std::string error_;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "gaoxin_crashcycle: %s\n", message.c_str());
  return 2;
}

// The first OK ListLeads against `address` (the store's revision), retrying until `timeout`.
absl::StatusOr<int64_t> WaitForAnswer(Target* target, const std::string& token,
                                      absl::Duration timeout) {
  const absl::Time until = absl::Now() + timeout;
  grpc::Status last;
  while (absl::Now() < until) {
    auto stub = LeadService::NewStub(target->channel());
    grpc::ClientContext ctx;
    PrepareContext(&ctx, token, absl::Seconds(2));
    leads::v1::ListLeadsRequest req;
    req.set_page_size(1);
    leads::v1::ListLeadsResponse resp;
    last = stub->ListLeads(&ctx, req, &resp);
    if (last.ok()) return resp.revision();
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::UnavailableError(absl::StrCat("no answer: ", last.error_message()));
}

// Every stored lead's name, with how often it is stored.
absl::StatusOr<std::map<std::string, int>> StoredNames(Target* target, const std::string& token) {
  std::map<std::string, int> names;
  leads::v1::ListLeadsRequest req;
  req.set_page_size(1000);
  auto stub = LeadService::NewStub(target->channel());
  while (true) {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, token, absl::Seconds(30));
    leads::v1::ListLeadsResponse resp;
    grpc::Status s = stub->ListLeads(&ctx, req, &resp);
    if (!s.ok()) return absl::UnavailableError(s.error_message());
    for (const auto& lead : resp.leads()) ++names[lead.name()];
    if (resp.next_page_token().empty()) return names;
    req.set_page_token(resp.next_page_token());
  }
}

int Run() {
  const std::string binary = absl::GetFlag(FLAGS_server);
  if (binary.empty() || access(binary.c_str(), X_OK) != 0) return Fail(kUsage);
  auto credentials = MakeSpawnCredentials(absl::GetFlag(FLAGS_work_dir), "crashcycle",
                                          "gaoxin-crashcycle", "leads.reader,leads.writer");
  if (!credentials.ok()) return Fail(credentials.status().ToString());
  const std::string& dir = credentials->dir;
  const std::string& token = credentials->token;
  absl::BitGen gen;  // the kill's jitter
  std::vector<std::string> args = {"--tokens_file=" + dir + "/tokens",
                                   "--audit_key_file=" + dir + "/audit.key",
                                   "--redis=", "--insecure_plaintext", "--log_rpcs=false"};
  const std::string db = absl::GetFlag(FLAGS_db);
  if (absl::StartsWith(db, "postgresql://")) {
    args.push_back("--db=" + db);
    args.push_back(absl::StrCat("--db_schema=crash_", getpid()));
    args.push_back("--db_password_file=" + absl::GetFlag(FLAGS_db_password_file));
  } else {
    args.push_back("--db=" + (db.empty() ? dir + "/leads.db" : db));
  }

  const int cycles = std::max(1, absl::GetFlag(FLAGS_cycles));
  Target target;
  std::vector<std::unique_ptr<Writer>> writers;
  for (int i = 0; i < std::max(1, absl::GetFlag(FLAGS_writers)); ++i) {
    writers.push_back(std::make_unique<Writer>(i, &target, token));
  }
  std::vector<std::unique_ptr<Watcher>> watchers;
  std::vector<absl::Duration> recoveries;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  // However Run returns (a failed restart included), the writers and watchers stop first.
  struct JoinAll {
    std::atomic<bool>* stop;
    std::vector<std::thread>* threads;
    ~JoinAll() {
      stop->store(true);
      for (auto& t : *threads) {
        if (t.joinable()) t.join();
      }
    }
  } join_all{&stop, &threads};
  std::printf("gaoxin_crashcycle: %d cycles, %zu writers, %d watchers, %d ms load; files in %s\n",
              cycles, writers.size(), absl::GetFlag(FLAGS_watchers), absl::GetFlag(FLAGS_load_ms),
              dir.c_str());
  absl::Time killed_at = absl::InfinitePast();
  std::unique_ptr<ServerProcess> running;  // the last one serves the final check
  for (int cycle = 0; cycle <= cycles; ++cycle) {
    const bool last = cycle == cycles;
    auto server =
        ServerProcess::Start(binary, args, absl::StrCat(dir, "/server.log"), absl::Seconds(30));
    if (!server.ok()) return Fail(absl::StrCat("cycle ", cycle, ": ", server.status().ToString()));
    running = *std::move(server);
    const std::string address = absl::StrCat("127.0.0.1:", running->port());
    target.Set(address);
    auto revision = WaitForAnswer(&target, token, absl::Seconds(30));
    if (!revision.ok()) {
      return Fail(absl::StrCat("cycle ", cycle, ": ", revision.status().ToString(), "\n",
                               running->ReadLog()));
    }
    if (cycle > 0) recoveries.push_back(absl::Now() - killed_at);
    if (cycle == 0) {
      // Watchers and writers start once, from the first revision, and run across every cycle.
      for (int i = 0; i < std::max(0, absl::GetFlag(FLAGS_watchers)); ++i) {
        watchers.push_back(std::make_unique<Watcher>(&target, token, *revision));
      }
      for (auto& w : watchers) threads.emplace_back([&w, &stop] { w->RunUntil(stop); });
      for (auto& w : writers) threads.emplace_back([&w, &stop] { w->RunUntil(stop); });
    }
    if (last) {
      // Let the writers' pending retries land, then stop everyone and let watchers catch up.
      absl::SleepFor(absl::Milliseconds(absl::GetFlag(FLAGS_load_ms)));
      stop.store(true);
      for (auto& t : threads) t.join();
      threads.clear();
      // Catch-up: each watcher reads on from its own revision for a moment, with no writes.
      for (auto& w : watchers) {
        std::atomic<bool> once{false};
        std::thread t([&] { w->RunUntil(once); });
        absl::SleepFor(absl::Milliseconds(700));
        once.store(true);
        t.join();
      }
      break;
    }
    // Jittered, so the kill lands at every point of a commit over the cycles.
    const int load_ms = absl::GetFlag(FLAGS_load_ms);
    absl::SleepFor(absl::Milliseconds(absl::Uniform(gen, load_ms / 2, load_ms * 3 / 2 + 1)));
    running->Kill();
    killed_at = absl::Now();
    target.Set("");
    if ((cycle + 1) % 50 == 0) std::printf("  %d cycles\n", cycle + 1);
  }

  // The pending creates of the last cycle were retried in it; one still pending was sent and
  // never answered: the store may or may not hold it (it is neither acknowledged nor lost).
  auto stored = StoredNames(&target, token);
  if (!stored.ok()) return Fail(stored.status().ToString());
  int64_t acknowledged = 0, lost = 0, duplicates = 0, errors = 0, retries = 0;
  std::set<std::string> acked_names;
  for (const auto& w : writers) {
    for (const auto& name : w->acknowledged()) {
      ++acknowledged;
      acked_names.insert(name);
      if (stored->count(name) == 0) {
        if (++lost <= 10) std::printf("LOST %s\n", name.c_str());
      }
    }
    for (const auto& e : w->errors()) {
      if (++errors <= 10) std::printf("ERROR %s\n", e.c_str());
    }
    retries += w->retries();
  }
  for (const auto& [name, count] : *stored) {
    if (count > 1 && ++duplicates <= 10) std::printf("DUPLICATE %s x%d\n", name.c_str(), count);
  }
  int64_t watcher_missing = 0, watcher_extra = 0, watcher_repeated = 0, watcher_disorder = 0;
  for (const auto& w : watchers) {
    if (!w->error().empty()) std::printf("WATCHER %s\n", w->error().c_str());
    for (const auto& [name, count] : *stored) {
      if (w->seen().count(name) == 0) ++watcher_missing;
    }
    for (const auto& name : w->seen()) {
      if (stored->count(name) == 0) ++watcher_extra;
    }
    watcher_repeated += w->repeated();
    watcher_disorder += w->out_of_order();
  }
  std::sort(recoveries.begin(), recoveries.end());
  auto pct = [&](double p) {
    if (recoveries.empty()) return 0.0;
    const size_t i = std::min(recoveries.size() - 1, static_cast<size_t>(p * recoveries.size()));
    return absl::ToDoubleMilliseconds(recoveries[i]);
  };
  std::printf(
      "cycles=%d acknowledged=%lld stored=%zu lost=%lld duplicates=%lld errors=%lld "
      "retried_sends=%lld\n"
      "watchers=%zu missing=%lld extra=%lld repeated=%lld out_of_order=%lld\n"
      "recovery_ms p50=%.0f p99=%.0f max=%.0f\n",
      cycles, static_cast<long long>(acknowledged), stored->size(), static_cast<long long>(lost),
      static_cast<long long>(duplicates), static_cast<long long>(errors),
      static_cast<long long>(retries), watchers.size(), static_cast<long long>(watcher_missing),
      static_cast<long long>(watcher_extra), static_cast<long long>(watcher_repeated),
      static_cast<long long>(watcher_disorder), pct(0.5), pct(0.99), pct(1.0));
  const bool ok = acknowledged > 0 && lost == 0 && duplicates == 0 && errors == 0 &&
                  watcher_missing == 0 && watcher_extra == 0 && watcher_repeated == 0 &&
                  watcher_disorder == 0;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace gaoxin::load

int main(int argc, char** argv) {
  std::vector<char*> positional = gaoxin::InitCliConfig(argc, argv, gaoxin::load::kUsage);
  if (positional.size() > 1) return gaoxin::load::Fail(gaoxin::load::kUsage);
  absl::SetFlag(&FLAGS_insecure_plaintext, true);
  if (absl::Status s = gaoxin::ConfigureClientTransportFromFlags(); !s.ok()) {
    return gaoxin::load::Fail(std::string(s.message()));
  }
  return gaoxin::load::Run();
}
