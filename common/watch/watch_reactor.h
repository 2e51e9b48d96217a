// The server side of a Watch stream over a ChangeFeed: sends every matching change after the
// client's since_revision in revision order, batched but never split, then live changes, and a
// progress message carrying the current revision whenever the stream has been idle for
// `progress_interval`. One write in flight at a time (gRPC's rule); per-watcher memory is the
// cursor and that one message. A watcher is cut off with RESOURCE_EXHAUSTED only when it does not
// take its message in flight: while more than FeedOptions::max_lag changes happen, or for longer
// than WatchOptions::max_write_stall while changes wait. A watcher resuming from far behind is not
// slow and is never cut off for it. Server shutdown ends streams with UNAVAILABLE. Either way the
// client resumes from the last revision it saw.
//
//   grpc::ServerWriteReactor<v1::WatchLeadsResponse>* WatchLeads(ctx, req) override {
//     return watch::StartWatch<v1::WatchLeadsResponse>(
//         &feed_, req->since_revision(), options,
//         /*append=*/[filter](const watch::ChangeEvent& e, v1::WatchLeadsResponse* out) {...},
//         /*set_revision=*/[](int64_t rev, v1::WatchLeadsResponse* out) {...});
//   }
#ifndef GAOXIN_COMMON_WATCH_WATCH_REACTOR_H_
#define GAOXIN_COMMON_WATCH_WATCH_REACTOR_H_

#include <functional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/watch/change_feed.h"
#include "common/watch/stream_reactor.h"
#include "grpcpp/support/server_callback.h"

namespace gaoxin::watch {

struct WatchOptions {
  absl::Duration progress_interval = absl::Seconds(5);
  // Most changes packed into one message.
  int max_batch = 100;
  // A watcher whose message has been in flight this long while newer changes wait is cut off.
  absl::Duration max_write_stall = absl::Seconds(30);
};

template <typename Response>
class WatchReactor final : public StreamReactor<Response>, public FeedSubscriber {
  using Next = typename StreamReactor<Response>::Next;

 public:
  // Adds the change to the response if it matches the watch (decoding, filtering and masking
  // are the service's business); returns false to skip it.
  using AppendFn = std::function<bool(const ChangeEvent&, Response*)>;
  // Stamps the revision the message brings the client up to.
  using RevisionFn = std::function<void(int64_t, Response*)>;

  WatchReactor(ChangeFeed* feed, int64_t since, WatchOptions options, AppendFn append,
               RevisionFn set_revision)
      : feed_(feed),
        options_(options),
        append_(std::move(append)),
        set_revision_(std::move(set_revision)),
        cursor_(since == 0 ? feed->StoreRevisionNow() : since),
        last_sent_(absl::Now()) {}

  // Validates the start revision, then begins sending. Call once, right after construction.
  void Start(int64_t since) {
    absl::Status resumable = feed_->CheckResumable(since);
    if (!resumable.ok()) {
      this->FinishOnce(resumable);
      return;
    }
    {
      absl::MutexLock lock(&this->mu_);
      // The first message confirms the stream is open and where it starts.
      send_progress_now_ = true;
    }
    feed_->Register(this);
    this->Pump();
  }

  void Wake() override { this->Pump(); }

  void Shutdown() override {
    this->FinishOnce(absl::UnavailableError(
        "server shutting down; reconnect and resume from the last revision received"));
  }

  void OnDone() override {
    feed_->Unregister(this);
    this->QuiesceBeforeDelete();
    delete this;
  }

 private:
  Next Decide(Response* response, bool writing, absl::Status* status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this->mu_) override {
    const int64_t head = feed_->current_revision();
    if (writing) {
      // The only way a watcher is slow: its one message is stuck behind the client's flow
      // control while changes pile up. How far behind the head its cursor is says nothing (a
      // watcher resuming from an old revision is far behind and catching up at full speed), so
      // the lag that counts is what happened since this write began.
      const bool lag_grew = head - head_at_write_ > feed_->options().max_lag;
      const bool stalled =
          head > cursor_ && absl::Now() - write_started_ > options_.max_write_stall;
      if (!lag_grew && !stalled) return Next::kWait;
      // Its status follows the message in flight.
      *status = MakeError(absl::StatusCode::kResourceExhausted, "WATCHER_TOO_SLOW",
                          "this watcher did not read its stream while changes happened and was "
                          "cut off; resume from the last revision received");
      return Next::kFinish;
    }
    response->Clear();
    int64_t cursor = cursor_;
    int added = 0;
    while (cursor < head && added < options_.max_batch) {
      auto events = feed_->ReadAfter(cursor, options_.max_batch);
      if (!events.ok()) {
        *status = events.status();
        return Next::kFinish;
      }
      if (events->empty()) break;
      for (const EventPtr& e : *events) {
        cursor = e->revision;
        if (append_(*e, response)) ++added;
        if (added >= options_.max_batch) break;
      }
    }
    // Skipped (filtered-out) changes still move the cursor; the next progress message tells the
    // client.
    cursor_ = cursor;
    const bool idle_too_long = absl::Now() - last_sent_ >= options_.progress_interval;
    if (added == 0 && !send_progress_now_ && !idle_too_long) return Next::kWait;
    set_revision_(cursor_ == 0 ? head : cursor_, response);
    send_progress_now_ = false;
    last_sent_ = absl::Now();
    write_started_ = last_sent_;
    head_at_write_ = head;
    return Next::kWrite;
  }

  ChangeFeed* feed_;
  const WatchOptions options_;
  AppendFn append_;
  RevisionFn set_revision_;

  int64_t cursor_ ABSL_GUARDED_BY(this->mu_);
  absl::Time last_sent_ ABSL_GUARDED_BY(this->mu_);
  bool send_progress_now_ ABSL_GUARDED_BY(this->mu_) = false;
  // When the message in flight was handed to gRPC, and the feed's head then.
  absl::Time write_started_ ABSL_GUARDED_BY(this->mu_);
  int64_t head_at_write_ ABSL_GUARDED_BY(this->mu_) = 0;
};

// Creates and starts a WatchReactor; the reactor deletes itself when the stream ends.
template <typename Response>
grpc::ServerWriteReactor<Response>* StartWatch(
    ChangeFeed* feed, int64_t since, WatchOptions options,
    typename WatchReactor<Response>::AppendFn append,
    typename WatchReactor<Response>::RevisionFn set_revision) {
  auto* reactor =
      new WatchReactor<Response>(feed, since, options, std::move(append), std::move(set_revision));
  reactor->Start(since);
  return reactor;
}

// A stream that fails at once (bad request, no permission).
template <typename Response>
grpc::ServerWriteReactor<Response>* FailedWatch(const absl::Status& status) {
  class Failed final : public grpc::ServerWriteReactor<Response> {
   public:
    explicit Failed(const absl::Status& s) { this->Finish(ToGrpcStatus(s)); }
    void OnDone() override { delete this; }
  };
  return new Failed(status);
}

}  // namespace gaoxin::watch

#endif  // GAOXIN_COMMON_WATCH_WATCH_REACTOR_H_
