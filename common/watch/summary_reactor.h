// The server side of a dashboard stream: the current summary at once, then a fresh one after
// each relevant change, coalesced to at most one per `min_interval` (default 500 ms: 2 per
// second), each tagged by the service with the revision it reflects. Shares the feed's
// wake-ups with Watch streams; ends with UNAVAILABLE on shutdown like them.
//
//   return watch::StartSummaryStream<v1::YearSummary>(&feed_, {},
//       [](const watch::ChangeEvent& e) { return true; },
//       [this, year]() { return ComputeSummary(year); });
#ifndef GAOXIN_COMMON_WATCH_SUMMARY_REACTOR_H_
#define GAOXIN_COMMON_WATCH_SUMMARY_REACTOR_H_

#include <functional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/watch/change_feed.h"
#include "common/watch/stream_reactor.h"
#include "grpcpp/support/server_callback.h"

namespace gaoxin::watch {

struct SummaryOptions {
  absl::Duration min_interval = absl::Milliseconds(500);
};

template <typename Response>
class SummaryReactor final : public StreamReactor<Response>, public FeedSubscriber {
  using Next = typename StreamReactor<Response>::Next;

 public:
  using RelevantFn = std::function<bool(const ChangeEvent&)>;
  using ComputeFn = std::function<absl::StatusOr<Response>()>;

  SummaryReactor(ChangeFeed* feed, SummaryOptions options, RelevantFn relevant, ComputeFn compute)
      : feed_(feed),
        options_(options),
        relevant_(std::move(relevant)),
        compute_(std::move(compute)),
        cursor_(feed->StoreRevisionNow()) {}

  void Start() {
    feed_->Register(this);
    this->Pump();
  }

  void Wake() override { this->Pump(); }
  void Shutdown() override {
    this->FinishOnce(absl::UnavailableError("server shutting down; reconnect to resume"));
  }
  void OnDone() override {
    feed_->Unregister(this);
    this->QuiesceBeforeDelete();
    delete this;
  }

 private:
  Next Decide(Response* response, bool writing, absl::Status* status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this->mu_) override {
    if (writing) return Next::kWait;
    const int64_t head = feed_->current_revision();
    while (cursor_ < head && !dirty_) {
      auto events = feed_->ReadAfter(cursor_, 500);
      if (!events.ok() || events->empty()) {
        // History we cannot scan (compacted): assume it mattered.
        dirty_ = true;
        cursor_ = head;
        break;
      }
      for (const EventPtr& e : *events) {
        cursor_ = e->revision;
        if (relevant_(*e)) {
          dirty_ = true;
          break;
        }
      }
    }
    if (dirty_) cursor_ = head;
    if (!first_ && !(dirty_ && absl::Now() - last_sent_ >= options_.min_interval)) {
      return Next::kWait;
    }
    absl::StatusOr<Response> summary = compute_();
    if (!summary.ok()) {
      *status = summary.status();
      return Next::kFinish;
    }
    *response = *std::move(summary);
    first_ = false;
    dirty_ = false;
    last_sent_ = absl::Now();
    return Next::kWrite;
  }

  ChangeFeed* feed_;
  const SummaryOptions options_;
  RelevantFn relevant_;
  ComputeFn compute_;
  int64_t cursor_ ABSL_GUARDED_BY(this->mu_);
  bool first_ ABSL_GUARDED_BY(this->mu_) = true;
  bool dirty_ ABSL_GUARDED_BY(this->mu_) = false;
  absl::Time last_sent_ ABSL_GUARDED_BY(this->mu_);
};

template <typename Response>
grpc::ServerWriteReactor<Response>* StartSummaryStream(
    ChangeFeed* feed, SummaryOptions options,
    typename SummaryReactor<Response>::RelevantFn relevant,
    typename SummaryReactor<Response>::ComputeFn compute) {
  auto* reactor =
      new SummaryReactor<Response>(feed, options, std::move(relevant), std::move(compute));
  reactor->Start();
  return reactor;
}

}  // namespace gaoxin::watch

#endif  // GAOXIN_COMMON_WATCH_SUMMARY_REACTOR_H_
