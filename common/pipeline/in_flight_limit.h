// Bounds how many calls one process serves at once, so that a burst is refused at the door with
// RESOURCE_EXHAUSTED and a retry hint instead of queueing without limit (memory, then latency for
// everyone). Long-lived server streams (watches) are not counted: they have limits of their own
// (--watch_max_lag and the watch hub's) and would otherwise starve unary calls.
//
// The request pipeline takes a slot for each unary and client-streaming call before anything
// else and keeps it in the call's state until the call is destroyed:
//
//   InFlightLimit::Process().set_max(2000);          // at start-up (--max_in_flight_calls)
//   ASSIGN_OR_RETURN(InFlightLimit::Slot slot, InFlightLimit::Process().TryAcquire());
#ifndef GAOXIN_COMMON_PIPELINE_IN_FLIGHT_LIMIT_H_
#define GAOXIN_COMMON_PIPELINE_IN_FLIGHT_LIMIT_H_

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"

namespace gaoxin::pipeline {

class InFlightLimit {
 public:
  // Releases its slot when destroyed.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(InFlightLimit* limit) : limit_(limit) {}
    Slot(Slot&& other) noexcept : limit_(other.limit_) { other.limit_ = nullptr; }
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { Release(); }

   private:
    void Release();
    InFlightLimit* limit_ = nullptr;
  };

  // The limit the pipeline of this process uses.
  static InFlightLimit& Process();

  // 0 = unbounded (the default until the server sets --max_in_flight_calls).
  void set_max(int max) { max_.store(max); }
  int max() const { return max_.load(); }
  // A slot, or RESOURCE_EXHAUSTED (reason TOO_MANY_CALLS, with RetryInfo) when max calls hold one.
  absl::StatusOr<Slot> TryAcquire();
  int in_flight() const { return in_flight_.load(); }
  // Calls refused so far.
  int64_t refused() const { return refused_.load(); }

 private:
  std::atomic<int> max_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int64_t> refused_{0};
};

}  // namespace gaoxin::pipeline

#endif  // GAOXIN_COMMON_PIPELINE_IN_FLIGHT_LIMIT_H_
