// The shared driver of gaoxin_load: N closed-loop simulated clients, each with one call in flight
// at a time, all driven by gRPC's callback API (so N in-flight calls need no N threads), over a
// few HTTP/2 connections. A scenario only says how to start one call.
//
//   class EchoScenario : public Scenario { ... NewCaller(...) returns a Caller whose Start()
//                                           issues stub->async()->Echo(ctx, &req, &resp, done) };
//   LoadResult r = RunLoad(scenario, env, options);
//   PrintResults({r});
//
// Timing: calls that complete during the warm-up are discarded; QPS and latency percentiles
// count only calls that complete inside the measurement window. Non-OK calls are counted by
// status code as errors, never as successes. Every wait is bounded by the call deadline.
#ifndef GAOXIN_TOOLS_GAOXIN_LOAD_DRIVER_H_
#define GAOXIN_TOOLS_GAOXIN_LOAD_DRIVER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace gaoxin::load {

// What every scenario may use to reach the server.
struct Env {
  std::string target;
  std::string token;
  absl::Duration call_timeout = absl::Seconds(10);
  // One per HTTP/2 connection; callers are spread over them round-robin.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
};

// Channels to `target`, each on its own TCP connection (gRPC would otherwise share one).
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count);

// Sets the token and the deadline on a fresh context.
void PrepareCall(const Env& env, grpc::ClientContext* ctx);

using DoneFn = std::function<void(grpc::Status)>;

// One simulated client. Start() is never called again before the previous call's `done` ran.
class Caller {
 public:
  virtual ~Caller() = default;
  // Starts one call on `ctx` (token and deadline already set) and arranges for `done` to run
  // exactly once, on any thread, when it completes.
  virtual void Start(grpc::ClientContext* ctx, DoneFn done) = 0;
};

class Scenario {
 public:
  virtual ~Scenario() = default;
  // The name used on the command line, e.g. "get_lead".
  virtual std::string name() const = 0;
  // Prepares data before the run (e.g. creates the leads to read). Must be bounded in time.
  virtual absl::Status Setup(const Env& env) { return absl::OkStatus(); }
  // Client number `index` of the run, bound to `channel`.
  virtual std::unique_ptr<Caller> NewCaller(const Env& env, int index,
                                            std::shared_ptr<grpc::Channel> channel) = 0;
};

// Latency histogram: log-linear buckets (64 per power of two, ~1.6% resolution), fixed size.
class Histogram {
 public:
  void Add(int64_t nanos);
  void Merge(const Histogram& other);
  int64_t count() const { return count_; }
  int64_t max_nanos() const { return max_; }
  // The value at quantile q in [0, 1] (the upper edge of its bucket, capped at max).
  int64_t Quantile(double q) const;

 private:
  static constexpr int kBuckets = 64 * 40;
  std::array<int64_t, kBuckets> buckets_{};
  int64_t count_ = 0;
  int64_t max_ = 0;
};

struct LoadOptions {
  int concurrency = 64;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  // When set, the server's CPU seconds so far (a spawned server's, read from /proc).
  std::function<double()> server_cpu_seconds;
  // When set, called for every failed call in the window with when it started and how long it
  // took (from any client thread, concurrently): the soak lists each failure this way, so a
  // rare one can be matched with the servers' logs.
  std::function<void(const grpc::Status& status, absl::Time started, absl::Duration took)>
      on_failure;
};

struct LoadResult {
  std::string scenario;
  std::string label;  // free text shown next to the scenario (e.g. "log_rpcs=false")
  int concurrency = 0;
  double window_s = 0;
  int64_t ok = 0;  // OK calls completed in the window
  // Non-OK calls completed in the window, by grpc::StatusCode.
  std::array<int64_t, 17> errors{};
  // Non-OK calls outside the window (warm-up and drain): reported, never counted as successes.
  int64_t errors_outside_window = 0;
  // Every call started, in all phases (the server did this much work).
  int64_t started = 0;
  Histogram latency;         // OK calls in the window
  double client_cpu_s = 0;   // this process's user+system CPU during warm-up and window
  double server_cpu_s = -1;  // the spawned server's, when known
  double qps() const { return window_s > 0 ? ok / window_s : 0; }
  int64_t error_count() const;
  std::string extra;  // scenario-specific notes (e.g. commit count)
};

// Runs `scenario` with options.concurrency clients for warm-up + duration, then drains.
// Fails only when the setup fails or calls do not drain within the call deadline.
absl::Status RunLoad(Scenario& scenario, const Env& env, const LoadOptions& options,
                     LoadResult* result);

// Runs `total` calls started by `start(i, ctx, done)` with at most `parallel` in flight (used by
// scenario setups). Returns the first error, if any call failed.
absl::Status RunCalls(const Env& env, int total, int parallel,
                      std::function<void(int i, grpc::ClientContext* ctx, DoneFn done)> start);

std::string StatusCodeName(int code);
void PrintHeader();
void PrintResult(const LoadResult& r);

}  // namespace gaoxin::load

#endif  // GAOXIN_TOOLS_GAOXIN_LOAD_DRIVER_H_
