#include "tools/gaoxin_load/driver.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/transport.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace gaoxin::load {
namespace {

using Clock = std::chrono::steady_clock;

int BucketOf(int64_t v) {
  if (v < 0) v = 0;
  if (v < 128) return static_cast<int>(v);
  const int bits = 64 - __builtin_clzll(static_cast<uint64_t>(v));
  const int shift = bits - 7;
  return shift * 64 + static_cast<int>(v >> shift);
}

int64_t UpperEdge(int bucket) {
  if (bucket < 128) return bucket;
  const int shift = bucket / 64 - 1;
  const int64_t mantissa = bucket - shift * 64;
  return ((mantissa + 1) << shift) - 1;
}

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Completion callbacks may run inline inside Start() (e.g. a call that fails at once); past this
// depth the next call is handed to the driver thread instead, so the stack stays bounded.
constexpr int kMaxInlineDepth = 8;
thread_local int inline_depth = 0;

struct Run;

struct Slot {
  Run* run = nullptr;
  std::unique_ptr<Caller> caller;
  std::unique_ptr<grpc::ClientContext> ctx;
  Clock::time_point t0;
  // Touched only by this slot's own completions, which never overlap.
  Histogram latency;
  int64_t ok = 0;
  std::array<int64_t, 17> errors{};
  int64_t errors_outside = 0;
  int64_t started = 0;
};

struct Run {
  const Env* env = nullptr;
  const LoadOptions* options = nullptr;
  Clock::time_point warm_end;
  Clock::time_point end;
  std::atomic<int> active{0};
  absl::Mutex mu;
  std::deque<Slot*> deferred ABSL_GUARDED_BY(mu);
};

void Issue(Slot* slot);

void OnDone(Slot* slot, const grpc::Status& status) {
  const auto t1 = Clock::now();
  Run* run = slot->run;
  const bool in_window = t1 >= run->warm_end && t1 < run->end;
  if (status.ok()) {
    if (in_window) {
      ++slot->ok;
      slot->latency.Add(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - slot->t0).count());
    }
  } else {
    const int code = std::clamp(static_cast<int>(status.error_code()), 0, 16);
    if (in_window) {
      ++slot->errors[code];
      if (run->options->on_failure) {
        const absl::Duration took = absl::FromChrono(t1 - slot->t0);
        run->options->on_failure(status, absl::Now() - took, took);
      }
    } else {
      ++slot->errors_outside;
    }
  }
  if (t1 >= run->end) {
    run->active.fetch_sub(1);
    return;
  }
  if (inline_depth >= kMaxInlineDepth) {
    absl::MutexLock lock(&run->mu);
    run->deferred.push_back(slot);
    return;
  }
  Issue(slot);
}

void Issue(Slot* slot) {
  ++inline_depth;
  slot->ctx = std::make_unique<grpc::ClientContext>();
  PrepareCall(*slot->run->env, slot->ctx.get());
  ++slot->started;
  slot->t0 = Clock::now();
  slot->caller->Start(slot->ctx.get(), [slot](grpc::Status s) { OnDone(slot, s); });
  --inline_depth;
}

}  // namespace

void Histogram::Add(int64_t nanos) {
  ++buckets_[std::min(BucketOf(nanos), kBuckets - 1)];
  ++count_;
  max_ = std::max(max_, nanos);
}

void Histogram::Merge(const Histogram& other) {
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

int64_t Histogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  const int64_t rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(q * count_)));
  int64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(UpperEdge(i), max_);
  }
  return max_;
}

int64_t LoadResult::error_count() const {
  int64_t n = 0;
  for (int64_t e : errors) n += e;
  return n;
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // The keepalive settings of common/client.cc (servers accept them).
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
    args.SetMaxReceiveMessageSize(64 << 20);
    // A private subchannel pool gives every channel its own TCP connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    // A target listing several replicas (ipv4:a,b) spreads calls over all of them.
    args.SetLoadBalancingPolicyName("round_robin");
    channels.push_back(grpc::CreateCustomChannel(target, ClientCredentials(), args));
  }
  return channels;
}

void PrepareCall(const Env& env, grpc::ClientContext* ctx) {
  PrepareContext(ctx, env.token, env.call_timeout);
}

absl::Status RunLoad(Scenario& scenario, const Env& env, const LoadOptions& options,
                     LoadResult* result) {
  if (options.concurrency < 1) return absl::InvalidArgumentError("--concurrency must be >= 1");
  if (env.channels.empty()) return absl::InvalidArgumentError("no channels");
  if (absl::Status s = scenario.Setup(env); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(scenario.name(), " setup: ", s.message()));
  }

  Run run;
  run.env = &env;
  run.options = &options;
  std::vector<std::unique_ptr<Slot>> slots;
  for (int i = 0; i < options.concurrency; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->run = &run;
    slot->caller = scenario.NewCaller(env, i, env.channels[i % env.channels.size()]);
    slots.push_back(std::move(slot));
  }

  const auto start = Clock::now();
  run.warm_end = start + absl::ToChronoNanoseconds(options.warmup);
  run.end = run.warm_end + absl::ToChronoNanoseconds(options.duration);
  run.active = options.concurrency;
  double client_cpu_at_window = -1;
  double server_cpu_at_window = -1;
  bool cpu_sampled = false;
  // CPU used over the window (sampled once the window closed, before the drain).
  auto sample_cpu = [&] {
    cpu_sampled = true;
    if (client_cpu_at_window < 0) return;
    result->client_cpu_s = ProcessCpuSeconds() - client_cpu_at_window;
    if (options.server_cpu_seconds && server_cpu_at_window >= 0) {
      result->server_cpu_s = options.server_cpu_seconds() - server_cpu_at_window;
    }
  };
  for (auto& slot : slots) Issue(slot.get());

  // Wait for the window to pass and every client to finish its last call; the call deadline
  // bounds the drain.
  const auto give_up =
      run.end + absl::ToChronoNanoseconds(env.call_timeout) + std::chrono::seconds(5);
  while (run.active.load() > 0) {
    const auto now = Clock::now();
    if (now >= give_up) {
      return absl::DeadlineExceededError(absl::StrCat(scenario.name(), ": ", run.active.load(),
                                                      " calls did not finish within the deadline"));
    }
    if (client_cpu_at_window < 0 && now >= run.warm_end) {
      client_cpu_at_window = ProcessCpuSeconds();
      if (options.server_cpu_seconds) server_cpu_at_window = options.server_cpu_seconds();
    }
    std::deque<Slot*> deferred;
    {
      absl::MutexLock lock(&run.mu);
      deferred.swap(run.deferred);
    }
    for (Slot* slot : deferred) {
      if (Clock::now() >= run.end) {
        run.active.fetch_sub(1);
      } else {
        Issue(slot);
      }
    }
    if (now >= run.end && !cpu_sampled) sample_cpu();
    absl::SleepFor(absl::Milliseconds(1));
  }
  if (!cpu_sampled) sample_cpu();

  result->scenario = scenario.name();
  result->concurrency = options.concurrency;
  result->window_s = absl::ToDoubleSeconds(options.duration);
  for (const auto& slot : slots) {
    result->ok += slot->ok;
    for (int c = 0; c < 17; ++c) result->errors[c] += slot->errors[c];
    result->errors_outside_window += slot->errors_outside;
    result->started += slot->started;
    result->latency.Merge(slot->latency);
  }
  return absl::OkStatus();
}

absl::Status RunCalls(const Env& env, int total, int parallel,
                      std::function<void(int i, grpc::ClientContext* ctx, DoneFn done)> start) {
  struct State {
    absl::Mutex mu;
    int next ABSL_GUARDED_BY(mu) = 0;
    int running ABSL_GUARDED_BY(mu) = 0;
    absl::Status first_error ABSL_GUARDED_BY(mu);
  };
  State state;
  // Each lane runs its calls one after another; a failure stops every lane from starting more.
  std::function<void()> next_call = [&]() {
    int i;
    {
      absl::MutexLock lock(&state.mu);
      if (state.next >= total || !state.first_error.ok()) {
        --state.running;
        return;
      }
      i = state.next++;
    }
    auto ctx = std::make_shared<grpc::ClientContext>();
    PrepareCall(env, ctx.get());
    start(i, ctx.get(), [&, ctx](grpc::Status s) {
      if (!s.ok()) {
        absl::MutexLock lock(&state.mu);
        if (state.first_error.ok()) {
          state.first_error =
              absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
        }
      }
      next_call();
    });
  };
  const int lanes = std::max(1, std::min(parallel, total));
  {
    absl::MutexLock lock(&state.mu);
    state.running = lanes;
  }
  for (int l = 0; l < lanes; ++l) next_call();
  const absl::Duration limit = env.call_timeout * (total / lanes + 2);
  absl::MutexLock lock(&state.mu);
  auto all_done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) { return state.running == 0; };
  if (!state.mu.AwaitWithTimeout(absl::Condition(&all_done), limit)) {
    // Cannot return while callbacks still reference `state`: the deadlines make this unreachable
    // in practice, so fail loudly instead of risking a use-after-free.
    std::fprintf(stderr, "gaoxin_load: setup calls did not finish within %s\n",
                 absl::FormatDuration(limit).c_str());
    std::_Exit(3);
  }
  return state.first_error;
}

std::string StatusCodeName(int code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  if (code < 0 || code > 16) return absl::StrCat("CODE_", code);
  return kNames[code];
}

void PrintHeader() {
  std::printf("%-12s %-16s %5s %9s %7s %10s %8s %8s %8s %8s %6s %6s\n", "scenario", "label", "conc",
              "calls", "errors", "qps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "cl_cpu", "sv_cpu");
}

void PrintResult(const LoadResult& r) {
  auto ms = [](int64_t ns) { return ns / 1e6; };
  const std::string server_cpu =
      r.server_cpu_s >= 0 ? absl::StrFormat("%.2f", r.server_cpu_s / r.window_s) : "-";
  std::printf("%-12s %-16s %5d %9lld %7lld %10.1f %8.3f %8.3f %8.3f %8.3f %6.2f %6s\n",
              r.scenario.c_str(), r.label.c_str(), r.concurrency, static_cast<long long>(r.ok),
              static_cast<long long>(r.error_count()), r.qps(), ms(r.latency.Quantile(0.50)),
              ms(r.latency.Quantile(0.90)), ms(r.latency.Quantile(0.99)), ms(r.latency.max_nanos()),
              r.window_s > 0 ? r.client_cpu_s / r.window_s : 0.0, server_cpu.c_str());
  std::string notes;
  for (int c = 1; c < 17; ++c) {
    if (r.errors[c] > 0) absl::StrAppend(&notes, " ", StatusCodeName(c), "=", r.errors[c]);
  }
  if (!notes.empty()) std::printf("  errors by code:%s\n", notes.c_str());
  if (r.errors_outside_window > 0) {
    std::printf("  errors outside the window (warm-up/drain): %lld\n",
                static_cast<long long>(r.errors_outside_window));
  }
  if (!r.extra.empty()) std::printf("  %s\n", r.extra.c_str());
  std::fflush(stdout);
}

}  // namespace gaoxin::load
