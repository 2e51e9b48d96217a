// watch_leads: N concurrent WatchLeads streams (grpc::ClientReadReactor, so no thread per stream)
// spread over a few HTTP/2 connections, while a paced writer creates leads at a fixed rate. Each
// lead's note carries the writer's send time, so every watcher measures delivery latency
// (receive time - send time) for every change, and checks that it gets each change exactly once
// and in revision order. With a spawned server, its resident memory is read before the watchers
// open, once they are all open, and at the end.
//
// The writer is open-loop: lead k is sent at start + k / rate whether or not earlier ones have
// committed (at most kMaxWritesInFlight outstanding; a send that would exceed it is skipped and
// reported). Latencies count only changes sent after the warm-up; delivery checks count all.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "tools/gaoxin_load/scenarios.h"

namespace gaoxin::load {
namespace {

using leads::v1::LeadService;
using leads::v1::WatchLeadsRequest;
using Clock = std::chrono::steady_clock;

constexpr int kMaxWritesInFlight = 2000;
constexpr int kShards = 16;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// State shared by the writer and every watcher.
struct Shared {
  std::string marker;  // "wl <run id> " starts the note of every lead this run writes
  int64_t max_changes = 0;
  std::atomic<int64_t> window_start_ns{std::numeric_limits<int64_t>::max()};
  std::atomic<int> first_messages{0};
  std::atomic<int64_t> received_ours{0};
  std::atomic<int> done{0};
  std::atomic<bool> cancelling{false};
  struct Shard {
    absl::Mutex mu;
    Histogram latency ABSL_GUARDED_BY(mu);
  };
  std::array<Shard, kShards> shards;
};

// The parts of a WatchLeadsResponse the watcher checks.
struct Change {
  int64_t revision = 0;
  std::string note;
};

// Reads WatchLeadsResponse.revision and, per change, LeadChange.revision and lead.note straight
// from the wire, skipping everything else. 2,000 watchers x 200 changes/s is 400,000 changes/s
// for one client process on the same 2 cores as the server: decoding every Lead in full made the
// client, not the server, the bottleneck.
bool ParseResponse(const grpc::ByteBuffer& buffer, int64_t* revision,
                   std::vector<Change>* changes) {
  using google::protobuf::internal::WireFormatLite;
  grpc::ByteBuffer copy(buffer);
  grpc::ProtoBufferReader reader(&copy);
  google::protobuf::io::CodedInputStream in(&reader);
  changes->clear();
  while (uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    if (field == 2 && WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v = 0;
      if (!in.ReadVarint64(&v)) return false;
      *revision = static_cast<int64_t>(v);
    } else if (field == 1 &&
               WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t len = 0;
      if (!in.ReadVarint32(&len)) return false;
      const auto change_limit = in.PushLimit(static_cast<int>(len));
      Change& c = changes->emplace_back();
      while (uint32_t t = in.ReadTag()) {
        const int f = WireFormatLite::GetTagFieldNumber(t);
        if (f == 1 && WireFormatLite::GetTagWireType(t) == WireFormatLite::WIRETYPE_VARINT) {
          uint64_t v = 0;
          if (!in.ReadVarint64(&v)) return false;
          c.revision = static_cast<int64_t>(v);
        } else if (f == 3 &&
                   WireFormatLite::GetTagWireType(t) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
          uint32_t lead_len = 0;
          if (!in.ReadVarint32(&lead_len)) return false;
          const auto lead_limit = in.PushLimit(static_cast<int>(lead_len));
          while (uint32_t lt = in.ReadTag()) {
            if (WireFormatLite::GetTagFieldNumber(lt) == leads::v1::Lead::kNoteFieldNumber &&
                WireFormatLite::GetTagWireType(lt) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
              if (!WireFormatLite::ReadString(&in, &c.note)) return false;
            } else if (!WireFormatLite::SkipField(&in, lt)) {
              return false;
            }
          }
          in.PopLimit(lead_limit);
        } else if (!WireFormatLite::SkipField(&in, t)) {
          return false;
        }
      }
      in.PopLimit(change_limit);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

// One WatchLeads stream through the generic API (raw bytes, parsed by ParseResponse). A
// server-streaming call is, on the wire, a bidi call whose client sends one message and closes.
class Watcher final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  Watcher(Shared* shared, int index) : shared_(shared), index_(index) {
    seen_.assign(static_cast<size_t>(shared->max_changes), false);
  }

  void Begin(grpc::GenericStub* stub, const Env& env, absl::Duration deadline) {
    PrepareContext(&ctx_, env.token, deadline);
    WatchLeadsRequest request;
    request.set_since_revision(0);  // from now
    bool own = false;
    (void)grpc::GenericSerialize<grpc::ProtoBufferWriter, WatchLeadsRequest>(request, &request_,
                                                                             &own);
    stub->PrepareBidiStreamingCall(&ctx_, "/gaoxin.leads.v1.LeadService/WatchLeads",
                                   grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&response_);
    StartCall();
  }
  void Cancel() { ctx_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows with the status
    const int64_t now = NowNanos();
    if (!got_first_) {
      got_first_ = true;
      shared_->first_messages.fetch_add(1);
    }
    const int64_t window_start = shared_->window_start_ns.load(std::memory_order_relaxed);
    int64_t ours = 0;
    lat_.clear();
    int64_t revision = 0;
    if (!ParseResponse(response_, &revision, &changes_)) {
      ++unparsable_;
      changes_.clear();
    }
    for (const Change& change : changes_) {
      if (change.revision <= last_revision_) {
        ++out_of_order_;
      }
      last_revision_ = std::max(last_revision_, change.revision);
      absl::string_view note = change.note;
      if (!absl::ConsumePrefix(&note, shared_->marker)) {
        ++foreign_;
        continue;
      }
      // note = "<seq> <send ns>"
      std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(note, ' ');
      int64_t seq = -1, sent = 0;
      if (!absl::SimpleAtoi(parts.first, &seq) || !absl::SimpleAtoi(parts.second, &sent) ||
          seq < 0 || seq >= shared_->max_changes) {
        ++foreign_;
        continue;
      }
      ++ours;
      if (seen_[seq]) {
        ++duplicates_;
        continue;
      }
      seen_[seq] = true;
      if (sent >= window_start) lat_.push_back(now - sent);
    }
    if (revision < last_revision_) ++out_of_order_;
    last_revision_ = std::max(last_revision_, revision);
    ++messages_;
    if (!lat_.empty()) {
      auto& shard = shared_->shards[index_ % kShards];
      absl::MutexLock lock(&shard.mu);
      for (int64_t ns : lat_) shard.latency.Add(ns);
    }
    if (ours > 0) shared_->received_ours.fetch_add(ours);
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& s) override {
    status_ = s;
    ended_early_ = !shared_->cancelling.load();
    shared_->done.fetch_add(1);
  }

  // Read only after OnDone.
  const std::vector<bool>& seen() const { return seen_; }
  const grpc::Status& status() const { return status_; }
  bool ended_early() const { return ended_early_; }
  int64_t duplicates() const { return duplicates_; }
  int64_t out_of_order() const { return out_of_order_; }
  int64_t foreign() const { return foreign_; }
  int64_t unparsable() const { return unparsable_; }
  int64_t messages() const { return messages_; }

 private:
  Shared* shared_;
  const int index_;
  grpc::ClientContext ctx_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::vector<Change> changes_;
  std::vector<bool> seen_;
  std::vector<int64_t> lat_;
  bool got_first_ = false;
  int64_t last_revision_ = 0;
  int64_t duplicates_ = 0;
  int64_t out_of_order_ = 0;
  int64_t foreign_ = 0;
  int64_t unparsable_ = 0;
  int64_t messages_ = 0;
  grpc::Status status_;
  bool ended_early_ = false;
};

// The paced writer: CreateLead number k at start + k / rate.
class Writer {
 public:
  Writer(const Env& env, std::shared_ptr<grpc::Channel> channel, const Shared* shared,
         std::string run_id)
      : env_(env),
        stub_(LeadService::NewStub(std::move(channel))),
        shared_(shared),
        run_id_(std::move(run_id)),
        committed_(static_cast<size_t>(shared->max_changes)) {
    for (auto& c : committed_) c.store(0);
  }

  // Sends for `duration` at `rate` per second; returns once every call has finished (bounded by
  // the call deadline).
  void Run(double rate, absl::Duration duration) {
    const auto start = Clock::now();
    const auto end = start + absl::ToChronoNanoseconds(duration);
    const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate));
    for (int64_t k = 0; k < shared_->max_changes; ++k) {
      const auto at = start + k * period;
      if (at >= end) break;
      std::this_thread::sleep_until(at);
      if (in_flight_.load() >= kMaxWritesInFlight) {
        ++skipped_;
        continue;
      }
      Send(k);
    }
    const auto give_up =
        Clock::now() + absl::ToChronoNanoseconds(env_.call_timeout) + std::chrono::seconds(2);
    while (in_flight_.load() > 0 && Clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  int64_t sent() const { return sent_; }
  int64_t skipped() const { return skipped_; }
  int64_t ok() const { return ok_.load(); }
  int64_t failed() const { return failed_.load(); }
  int in_flight() const { return in_flight_.load(); }
  // 1 = CreateLead returned OK, 2 = failed, 0 = never sent or unanswered.
  int state(int64_t seq) const { return committed_[seq].load(); }
  Histogram commit_latency() {
    absl::MutexLock lock(&mu_);
    return commit_latency_;
  }

 private:
  struct Call {
    grpc::ClientContext ctx;
    leads::v1::CreateLeadRequest request;
    leads::v1::Lead response;
    int64_t t0 = 0;
  };

  void Send(int64_t k) {
    auto call = std::make_shared<Call>();
    PrepareCall(env_, &call->ctx);
    call->request =
        SampleCreateLeadRequest(absl::StrCat("watch-", run_id_, "-", k), static_cast<int>(k));
    call->t0 = NowNanos();
    call->request.mutable_lead()->set_note(absl::StrCat(shared_->marker, k, " ", call->t0));
    ++sent_;
    in_flight_.fetch_add(1);
    stub_->async()->CreateLead(&call->ctx, &call->request, &call->response,
                               [this, call, k](grpc::Status s) {
                                 const int64_t t1 = NowNanos();
                                 committed_[k].store(s.ok() ? 1 : 2);
                                 if (s.ok()) {
                                   ok_.fetch_add(1);
                                   absl::MutexLock lock(&mu_);
                                   commit_latency_.Add(t1 - call->t0);
                                 } else {
                                   failed_.fetch_add(1);
                                 }
                                 in_flight_.fetch_sub(1);
                               });
  }

  const Env& env_;
  std::unique_ptr<LeadService::Stub> stub_;
  const Shared* shared_;
  const std::string run_id_;
  std::vector<std::atomic<int>> committed_;
  int64_t sent_ = 0;
  int64_t skipped_ = 0;
  std::atomic<int64_t> ok_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int> in_flight_{0};
  absl::Mutex mu_;
  Histogram commit_latency_ ABSL_GUARDED_BY(mu_);
};

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

absl::Status RunWatchLeads(const Env& env, const WatchLeadsOptions& options,
                           WatchLeadsResult* result) {
  if (options.watchers < 1) return absl::InvalidArgumentError("--watchers must be >= 1");
  if (options.rate <= 0) return absl::InvalidArgumentError("--watch_rate must be > 0");
  const int per_channel = std::max(1, options.streams_per_channel);
  const int channel_count = (options.watchers + per_channel - 1) / per_channel;
  result->watchers = options.watchers;
  result->channels = channel_count;
  result->rate = options.rate;
  auto rss = [&]() -> int64_t { return options.server_rss_kb ? options.server_rss_kb() : -1; };

  Shared shared;
  absl::BitGen gen;
  const std::string run_id = absl::StrFormat("%08x", absl::Uniform<uint32_t>(gen));
  shared.marker = absl::StrCat("wl ", run_id, " ");
  const absl::Duration total = options.warmup + options.duration;
  shared.max_changes = static_cast<int64_t>(options.rate * absl::ToDoubleSeconds(total)) + 2;

  // The writer warms the write path up before any watcher exists, so "before" includes it.
  auto writer_channel = MakeChannels(env.target, 1).front();
  Writer writer(env, writer_channel, &shared, run_id);
  {
    leads::v1::CreateLeadRequest req =
        SampleCreateLeadRequest(absl::StrCat("watch-", run_id, "-w"), 0);
    leads::v1::Lead resp;
    grpc::ClientContext ctx;
    PrepareCall(env, &ctx);
    grpc::Status s = LeadService::NewStub(writer_channel)->CreateLead(&ctx, req, &resp);
    if (!s.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                          absl::StrCat("watch_leads setup CreateLead: ", s.error_message()));
    }
  }
  absl::SleepFor(absl::Milliseconds(500));
  result->rss_before_kb = rss();

  // Open every stream and wait for each one's first (progress) message.
  const auto channels = MakeChannels(env.target, channel_count);
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (const auto& c : channels) stubs.push_back(std::make_unique<grpc::GenericStub>(c));
  const absl::Duration stream_deadline =
      options.open_timeout + total + options.drain + absl::Seconds(30);
  std::vector<std::unique_ptr<Watcher>> watchers;
  const auto open_start = Clock::now();
  for (int i = 0; i < options.watchers; ++i) {
    watchers.push_back(std::make_unique<Watcher>(&shared, i));
    watchers.back()->Begin(stubs[i / per_channel].get(), env, stream_deadline);
  }
  absl::Status status;
  const auto open_give_up = open_start + absl::ToChronoNanoseconds(options.open_timeout);
  while (shared.first_messages.load() + shared.done.load() < options.watchers &&
         Clock::now() < open_give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  result->open_s = std::chrono::duration<double>(Clock::now() - open_start).count();
  result->opened = shared.first_messages.load();
  if (result->opened < options.watchers) {
    status = absl::DeadlineExceededError(
        absl::StrCat("watch_leads: only ", result->opened, " of ", options.watchers,
                     " streams received their first message within ",
                     absl::FormatDuration(options.open_timeout)));
  }

  if (status.ok()) {
    // Let the streams settle (allocator, flow-control windows) before reading memory.
    absl::SleepFor(absl::Seconds(1));
    result->rss_open_kb = rss();

    const double client_cpu0 = ProcessCpuSeconds();
    const double server_cpu0 = options.server_cpu_seconds ? options.server_cpu_seconds() : -1;
    shared.window_start_ns.store(NowNanos() + absl::ToInt64Nanoseconds(options.warmup));
    writer.Run(options.rate, total);
    result->writer_s = absl::ToDoubleSeconds(total);
    // Wait (bounded) until every watcher has every change the writer got an OK for.
    const int64_t expected = writer.ok() * options.watchers;
    const auto drain_give_up = Clock::now() + absl::ToChronoNanoseconds(options.drain);
    while (shared.received_ours.load() < expected && Clock::now() < drain_give_up &&
           shared.done.load() < options.watchers) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    const double elapsed = absl::ToDoubleSeconds(total);
    result->client_cpu = (ProcessCpuSeconds() - client_cpu0) / elapsed;
    if (options.server_cpu_seconds) {
      result->server_cpu = (options.server_cpu_seconds() - server_cpu0) / elapsed;
    }
    result->rss_end_kb = rss();
  }

  // End every stream and wait (bounded) for each OnDone.
  shared.cancelling.store(true);
  for (auto& w : watchers) w->Cancel();
  const auto done_give_up = Clock::now() + std::chrono::seconds(30);
  while (shared.done.load() < options.watchers && Clock::now() < done_give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  if (shared.done.load() < options.watchers) {
    // Reactors still referenced by gRPC: cannot free them safely.
    std::fprintf(stderr, "gaoxin_load: %d watch streams did not end\n",
                 options.watchers - shared.done.load());
    std::_Exit(3);
  }

  result->sent = writer.sent();
  result->skipped = writer.skipped();
  result->writes_ok = writer.ok();
  result->writes_failed = writer.failed();
  result->commit_latency = writer.commit_latency();
  for (auto& shard : shared.shards) {
    absl::MutexLock lock(&shard.mu);
    result->latency.Merge(shard.latency);
  }
  result->expected = writer.ok() * options.watchers;
  for (const auto& w : watchers) {
    const auto& seen = w->seen();
    for (int64_t k = 0; k < shared.max_changes; ++k) {
      const int state = writer.state(k);
      if (seen[k]) {
        ++result->received;
        if (state != 1) ++result->unconfirmed;  // committed although the call failed or timed out
      } else if (state == 1) {
        ++result->missing;
      }
    }
    result->duplicates += w->duplicates();
    result->out_of_order += w->out_of_order() + w->unparsable();
    result->foreign += w->foreign();
    result->messages += w->messages();
    if (w->ended_early()) {
      ++result->streams_failed;
      ++result->stream_errors[std::clamp(static_cast<int>(w->status().error_code()), 0, 16)];
    }
  }
  return status;
}

void PrintWatchLeadsResult(const WatchLeadsResult& r) {
  auto ms = [](int64_t ns) { return ns / 1e6; };
  auto mb = [](int64_t kb) {
    return kb < 0 ? std::string("-") : absl::StrFormat("%.1f", kb / 1024.0);
  };
  std::printf(
      "watch_leads %s: %d watchers on %d connections (all open after %.2f s), %.0f changes/s "
      "for %.0f s\n",
      r.label.c_str(), r.watchers, r.channels, r.open_s, r.rate, r.writer_s);
  std::printf(
      "  writes: sent %lld, ok %lld, failed %lld, skipped %lld; CreateLead p50 %.1f ms p99 %.1f "
      "ms\n",
      static_cast<long long>(r.sent), static_cast<long long>(r.writes_ok),
      static_cast<long long>(r.writes_failed), static_cast<long long>(r.skipped),
      ms(r.commit_latency.Quantile(0.5)), ms(r.commit_latency.Quantile(0.99)));
  std::printf(
      "  deliveries: expected %lld, received %lld, missing %lld, duplicates %lld, out of order/bad "
      "%lld, unconfirmed %lld, foreign %lld; %lld messages (%.1f changes each)\n",
      static_cast<long long>(r.expected), static_cast<long long>(r.received),
      static_cast<long long>(r.missing), static_cast<long long>(r.duplicates),
      static_cast<long long>(r.out_of_order), static_cast<long long>(r.unconfirmed),
      static_cast<long long>(r.foreign), static_cast<long long>(r.messages),
      r.messages > 0 ? static_cast<double>(r.received) / r.messages : 0.0);
  std::printf(
      "  delivery latency (%lld after warm-up): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f "
      "ms\n",
      static_cast<long long>(r.latency.count()), ms(r.latency.Quantile(0.5)),
      ms(r.latency.Quantile(0.9)), ms(r.latency.Quantile(0.99)), ms(r.latency.max_nanos()));
  std::printf("  server RSS MB: before %s, all open %s, end %s", mb(r.rss_before_kb).c_str(),
              mb(r.rss_open_kb).c_str(), mb(r.rss_end_kb).c_str());
  if (r.rss_before_kb >= 0 && r.rss_open_kb >= 0) {
    std::printf("; per watcher: %.1f KB open, %.1f KB end", r.per_watcher_open_kb(),
                r.per_watcher_end_kb());
  }
  std::printf("\n  cores used: client %.2f, server %s\n", r.client_cpu,
              r.server_cpu >= 0 ? absl::StrFormat("%.2f", r.server_cpu).c_str() : "-");
  std::string notes;
  for (int c = 1; c < 17; ++c) {
    if (r.stream_errors[c] > 0)
      absl::StrAppend(&notes, " ", StatusCodeName(c), "=", r.stream_errors[c]);
  }
  if (r.streams_failed > 0) {
    std::printf("  streams that ended before the run did: %lld:%s\n",
                static_cast<long long>(r.streams_failed), notes.c_str());
  }
  const double p99 = ms(r.latency.Quantile(0.99));
  std::printf("  target p99 <= 100 ms: %s (%.1f ms)\n",
              r.latency.count() > 0 && p99 <= 100 ? "MET" : "MISSED", p99);
  if (r.rss_before_kb >= 0 && r.rss_open_kb >= 0) {
    std::printf("  target <= 50 KB per watcher: %s (%.1f KB open, %.1f KB at the end)\n",
                std::max(r.per_watcher_open_kb(), r.per_watcher_end_kb()) <= 50 ? "MET" : "MISSED",
                r.per_watcher_open_kb(), r.per_watcher_end_kb());
  }
  if (r.error_count() > 0)
    std::printf("  ERRORS: see missing/duplicates/out of order/streams above\n");
  std::fflush(stdout);
}

}  // namespace gaoxin::load
