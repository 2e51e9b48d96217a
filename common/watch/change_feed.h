// A service's change feed: the events of its store's change log (db/common_tables.h), in
// revision order, delivered to watchers in this process. One feed per process.
//
// Where events come from: the store's log is the only source of truth. A tailer thread reads
// new events from it whenever it is woken: by a local commit (db::CommitNotifier), by a Redis
// Streams notification that another replica committed (XADD after commit, XREAD BLOCK here,
// trimmed with MAXLEN), or by a periodic poll that keeps everything flowing while Redis is down.
// Because every replica reads the same log, watchers get every change exactly once and in order
// whichever replica they are on, and nothing is lost or repeated when Redis comes and goes.
//
// Memory: the feed keeps the newest `ring_capacity` events, shared by every watcher; a watcher
// holds only its cursor and one message in flight. A watcher that does not take its message in
// flight while more than `max_lag` events arrive is cut off (RESOURCE_EXHAUSTED) and resumes from
// its last revision; one catching up from far behind reads the store's log and is not cut off.
//
//   // Redis stream gaoxin:events:leads (watch_flags.h)
//   ChangeFeed feed(db, FeedOptionsFromFlags("leads", redis_options));
//   feed.Start();
//   ASSIGN_OR_RETURN(auto events, feed.ReadAfter(since, 100));
#ifndef GAOXIN_COMMON_WATCH_CHANGE_FEED_H_
#define GAOXIN_COMMON_WATCH_CHANGE_FEED_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/db/common_tables.h"
#include "common/db/database.h"
#include "common/log_throttle.h"
#include "common/redis/redis_client.h"

namespace gaoxin::watch {

struct ChangeEvent {
  int64_t revision = 0;
  std::string resource_type;
  std::string resource_id;
  db::EventKind kind = db::EventKind::kUpdated;
  // The resource's new state, serialized.
  std::string state;
  absl::Time time;

  // Work every watcher would otherwise repeat for this event (decoding `state`, encoding the
  // change for the wire): `make()` runs once, for the first watcher that asks; the others share
  // its result for as long as the event lives (in the ring, or in a batch being built). `tag`
  // tells results of different kinds apart: the address of a static in the caller.
  //   static const char kTag = 0;
  //   auto change = e.Memo<PreparedChange>(&kTag, [&] { return Prepare(e); });
  template <typename T, typename Make>
  std::shared_ptr<const T> Memo(const void* tag, Make make) const {
    std::lock_guard<std::mutex> lock(memo_mu_);
    for (const auto& [t, value] : memo_) {
      if (t == tag) return std::static_pointer_cast<const T>(value);
    }
    auto value = std::make_shared<const T>(make());
    memo_.emplace_back(tag, value);
    return value;
  }

 private:
  // A std::mutex, not absl::Mutex: it is taken while a watcher holds its own lock, and absl's
  // deadlock detection (on in Debian's build) would record a lock-order edge for every
  // (watcher, event) pair: millions of graph edges at 2,000 watchers.
  mutable std::mutex memo_mu_;
  mutable std::vector<std::pair<const void*, std::shared_ptr<const void>>> memo_;  // memo_mu_
};
using EventPtr = std::shared_ptr<const ChangeEvent>;

// A watcher as the feed sees it. Both calls come from the feed's threads and must not block.
class FeedSubscriber {
 public:
  virtual ~FeedSubscriber() = default;
  // New events may be available, or a tick passed (for progress messages and rate limits).
  virtual void Wake() = 0;
  // The feed is stopping (server shutdown): end the stream with a status.
  virtual void Shutdown() = 0;
};

struct FeedOptions {
  // Empty address: no Redis; replicas then learn of each other's changes by polling only.
  redis::RedisOptions redis;
  std::string stream_key;
  int64_t stream_maxlen = 10000;
  // How often the store's log is read even without a notification (and subscribers ticked).
  absl::Duration poll_interval = absl::Milliseconds(100);
  size_t ring_capacity = 8192;
  // A watcher whose message in flight is not taken while this many events arrive is cut off.
  int64_t max_lag = 20000;
  // Compaction: events older than this, or beyond the newest `retain_events`, are removed.
  absl::Duration retention = absl::Hours(24 * 7);
  int64_t retain_events = 0;  // 0 = no count limit
  absl::Duration compaction_interval = absl::Minutes(10);
  // Also run on the compaction timer, after the change log's compaction, on the same thread:
  // other retention of the store (the write audit's, which is its own setting). Unset: none.
  std::function<absl::Status()> also_compact;
};

class ChangeFeed {
 public:
  ChangeFeed(db::Database* db, FeedOptions options);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Reads the log's head and starts the tailer, the Redis listener and compaction.
  absl::Status Start();
  // Shuts every subscriber down and stops the threads. Idempotent.
  void Stop();

  // A write committed in this process: read the log now and tell the other replicas.
  void NotifyLocalCommit();

  // The newest revision read from the log.
  int64_t current_revision() const { return head_.load(); }
  // The store's newest revision now: reads what the log has beyond current_revision() first.
  // Where a watch "from now" starts: a change the client saw acknowledged before it began
  // watching is not "new" to it, even when this replica's tailer has not read it yet (on
  // another replica, or a moment after the local commit).
  int64_t StoreRevisionNow();
  const FeedOptions& options() const { return options_; }

  // Up to `max` events with revision > `after`, oldest first, no further than the head. From
  // memory when possible, else from the store. OUT_OF_RANGE (reason REVISION_COMPACTED) when
  // events after `after` were already compacted away: re-list, then watch from the list's
  // revision.
  absl::StatusOr<std::vector<EventPtr>> ReadAfter(int64_t after, int max);
  // OK when a watch may start from `since` (0 is always fine).
  absl::Status CheckResumable(int64_t since);

  void Register(FeedSubscriber* subscriber);
  // After this returns the feed never calls `subscriber` again.
  void Unregister(FeedSubscriber* subscriber);

  // Removes events past retention now (also done periodically). Returns how many were removed.
  absl::StatusOr<int64_t> Compact();

 private:
  void TailLoop();
  void ListenLoop();
  absl::Status ReadNewEvents(bool publish) ABSL_LOCKS_EXCLUDED(read_mu_);
  void WakeSubscribers();
  absl::StatusOr<int64_t> OldestRetained();

  db::Database* db_;
  const FeedOptions options_;
  // A feed that cannot read the store (it is down) would log every poll: once a second at most.
  ThrottledErrorLog read_failures_{"feed_read_failed", "warn"};
  // The newest revision in the ring; read lock-free by every watcher, stored only by
  // ReadNewEvents (under read_mu_ and ring_mu_).
  std::atomic<int64_t> head_{0};

  // Serializes reading new events from the log into the ring. Both the tailer thread and gRPC
  // threads (CheckResumable, for a watch starting past what the tailer has read) do it; two
  // readers running at once would each append the same rows (duplicates in the ring, events
  // out of order for watchers) and could move head_ backwards.
  absl::Mutex read_mu_;
  // The newest revision read from the log: where the next read starts.
  int64_t read_through_ ABSL_GUARDED_BY(read_mu_) = 0;

  absl::Mutex ring_mu_;
  std::deque<EventPtr> ring_ ABSL_GUARDED_BY(ring_mu_);
  // Events with revision <= compacted_below_ may be gone from the store.
  int64_t compacted_below_ ABSL_GUARDED_BY(ring_mu_) = 0;
  // The ring holds every event with revision in (ring_floor_, head_].
  int64_t ring_floor_ ABSL_GUARDED_BY(ring_mu_) = 0;

  absl::Mutex wake_mu_;
  bool local_dirty_ ABSL_GUARDED_BY(wake_mu_) = false;
  bool remote_dirty_ ABSL_GUARDED_BY(wake_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(wake_mu_) = false;

  // Recursive: a subscriber's Wake or Shutdown may finish its stream, and gRPC may then run the
  // stream's OnDone (which unregisters) inline on this same thread.
  std::recursive_mutex subscribers_mu_;
  absl::flat_hash_set<FeedSubscriber*> subscribers_;  // guarded by subscribers_mu_
  bool stopped_ = false;                              // guarded by subscribers_mu_

  // Used by the tailer thread only (ReadNewEvents with publish = true), as is
  // published_through_: the newest revision announced to the other replicas.
  std::unique_ptr<redis::RedisClient> publisher_;
  int64_t published_through_ = 0;
  std::unique_ptr<redis::RedisClient> listener_;
  std::atomic<bool> listening_{false};
  std::thread tail_thread_;
  std::thread listen_thread_;
  absl::Time last_compaction_;  // the tailer thread's
};

}  // namespace gaoxin::watch

#endif  // GAOXIN_COMMON_WATCH_CHANGE_FEED_H_
