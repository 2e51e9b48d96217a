#include "common/watch/change_feed.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace gaoxin::watch {
namespace {

constexpr int kReadBatch = 1000;

EventPtr EventFromRow(const db::Row& row) {
  auto e = std::make_shared<ChangeEvent>();
  e->revision = row.Int(0);
  e->resource_type = row.Text(1);
  e->resource_id = row.Text(2);
  e->kind = static_cast<db::EventKind>(row.Int(3));
  e->state = row.Blob(4);
  e->time = absl::FromUnixMillis(row.Int(5));
  return e;
}

constexpr char kSelectEvents[] =
    "SELECT revision, resource_type, resource_id, kind, state, created_unix_ms FROM events "
    "WHERE revision > ? AND revision <= ? ORDER BY revision LIMIT ?";

}  // namespace

ChangeFeed::ChangeFeed(db::Database* db, FeedOptions options)
    : db_(db), options_(std::move(options)) {}

ChangeFeed::~ChangeFeed() { Stop(); }

absl::StatusOr<int64_t> ChangeFeed::OldestRetained() {
  int64_t below = 0;
  RETURN_IF_ERROR(db_->Read([&](db::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT MIN(revision) FROM events"));
    if (row && !row->IsNull(0)) {
      below = row->Int(0) - 1;
    } else {
      ASSIGN_OR_RETURN(below, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  return below;
}

absl::Status ChangeFeed::Start() {
  int64_t head = 0;
  RETURN_IF_ERROR(db_->Read([&](db::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(head, db::CurrentRevision(tx));
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(int64_t below, OldestRetained());
  {
    absl::MutexLock read_lock(&read_mu_);
    read_through_ = head;
    absl::MutexLock lock(&ring_mu_);
    ring_floor_ = head;
    compacted_below_ = below;
    head_.store(head);
  }
  published_through_ = head;
  last_compaction_ = absl::Now();
  if (!options_.redis.address.empty()) {
    publisher_ = std::make_unique<redis::RedisClient>(options_.redis);
    listener_ = std::make_unique<redis::RedisClient>(options_.redis);
    listen_thread_ = std::thread([this] { ListenLoop(); });
  }
  tail_thread_ = std::thread([this] { TailLoop(); });
  return absl::OkStatus();
}

void ChangeFeed::Stop() {
  {
    absl::MutexLock lock(&wake_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  {
    std::lock_guard<std::recursive_mutex> lock(subscribers_mu_);
    stopped_ = true;
    std::vector<FeedSubscriber*> all(subscribers_.begin(), subscribers_.end());
    for (FeedSubscriber* s : all) {
      if (subscribers_.contains(s)) s->Shutdown();
    }
  }
  if (tail_thread_.joinable()) tail_thread_.join();
  if (listen_thread_.joinable()) listen_thread_.join();
}

void ChangeFeed::NotifyLocalCommit() {
  absl::MutexLock lock(&wake_mu_);
  local_dirty_ = true;
}

void ChangeFeed::Register(FeedSubscriber* subscriber) {
  std::lock_guard<std::recursive_mutex> lock(subscribers_mu_);
  if (stopped_) {
    subscriber->Shutdown();
    return;
  }
  subscribers_.insert(subscriber);
}

void ChangeFeed::Unregister(FeedSubscriber* subscriber) {
  std::lock_guard<std::recursive_mutex> lock(subscribers_mu_);
  subscribers_.erase(subscriber);
}

void ChangeFeed::WakeSubscribers() {
  std::lock_guard<std::recursive_mutex> lock(subscribers_mu_);
  std::vector<FeedSubscriber*> all(subscribers_.begin(), subscribers_.end());
  for (FeedSubscriber* s : all) {
    // A subscriber woken earlier in this round may have finished (and unregistered) another.
    if (subscribers_.contains(s)) s->Wake();
  }
}

void ChangeFeed::TailLoop() {
  while (true) {
    bool local = false;
    {
      absl::MutexLock lock(&wake_mu_);
      wake_mu_.AwaitWithTimeout(absl::Condition(
                                    +[](ChangeFeed* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                                      return self->stopping_ || self->local_dirty_ ||
                                             self->remote_dirty_;
                                    },
                                    this),
                                options_.poll_interval);
      if (stopping_) return;
      local = local_dirty_;
      local_dirty_ = false;
      remote_dirty_ = false;
    }
    absl::Status s = ReadNewEvents(local);
    if (!s.ok()) read_failures_.Record(s);
    WakeSubscribers();
    if (absl::Now() - last_compaction_ >= options_.compaction_interval) {
      last_compaction_ = absl::Now();
      auto removed = Compact();
      if (!removed.ok()) {
        LogEvent("feed_compaction_failed", "warn").Str("error", removed.status().ToString()).Emit();
      }
      if (options_.also_compact) {
        if (absl::Status also = options_.also_compact(); !also.ok()) {
          LogEvent("store_compaction_failed", "warn").Str("error", also.ToString()).Emit();
        }
      }
    }
  }
}

absl::Status ChangeFeed::ReadNewEvents(bool publish) {
  int64_t after = 0;
  {
    absl::MutexLock read_lock(&read_mu_);
    while (true) {
      std::vector<db::Row> rows;
      // A copy: the analysis cannot see that the lambda runs under read_mu_.
      const int64_t from = read_through_;
      RETURN_IF_ERROR(db_->Read([&](db::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            rows, tx.Query(kSelectEvents, {from, std::numeric_limits<int64_t>::max(), kReadBatch}));
        return absl::OkStatus();
      }));
      if (rows.empty()) break;
      {
        absl::MutexLock lock(&ring_mu_);
        for (const auto& row : rows) {
          EventPtr e = EventFromRow(row);
          ring_.push_back(e);
          read_through_ = e->revision;
          head_.store(e->revision);
          while (ring_.size() > options_.ring_capacity) {
            ring_floor_ = ring_.front()->revision;
            ring_.pop_front();
          }
        }
      }
      if (static_cast<int>(rows.size()) < kReadBatch) break;
    }
    after = read_through_;
  }
  // Against what this thread last announced, not what this call read: a gRPC thread may have
  // read our commit's events first.
  if (publish && publisher_ != nullptr && after > published_through_) {
    // Tell the other replicas; they read the events from the shared store themselves. Outside
    // read_mu_: a slow Redis must not hold up watches that wait to read the log.
    (void)publisher_->Command({"XADD", options_.stream_key, "MAXLEN", "~",
                               absl::StrCat(options_.stream_maxlen), "*", "revision",
                               absl::StrCat(after)});
    published_through_ = after;
  }
  return absl::OkStatus();
}

void ChangeFeed::ListenLoop() {
  // Where the next XREAD starts. Never "$" across calls: a message added between one XREAD's
  // timeout and the next would be skipped, and this replica would hear of it only by its poll.
  std::string last_id;
  while (true) {
    {
      absl::MutexLock lock(&wake_mu_);
      if (stopping_) return;
    }
    if (last_id.empty()) {
      // (Re)connected: start after the stream's newest entry ("0-0" while it has none). What
      // happened before is in the store's log, which the feed reads anyway.
      auto newest = listener_->CommandWithTimeout(
          {"XREVRANGE", options_.stream_key, "+", "-", "COUNT", "1"}, absl::Milliseconds(1500));
      if (!newest.ok() || newest->type != redis::Reply::Type::kArray) {
        listening_.store(false);
        absl::SleepFor(options_.poll_interval);
        continue;
      }
      last_id = "0-0";
      if (!newest->elements.empty() && !newest->elements[0].elements.empty()) {
        last_id = newest->elements[0].elements[0].str;
      }
      // Commits made while this replica was not listening.
      absl::MutexLock lock(&wake_mu_);
      remote_dirty_ = true;
    }
    auto reply = listener_->CommandWithTimeout(
        {"XREAD", "COUNT", "100", "BLOCK", "500", "STREAMS", options_.stream_key, last_id},
        absl::Milliseconds(1500));
    if (!reply.ok()) {
      last_id.clear();
      listening_.store(false);
      absl::SleepFor(options_.poll_interval);
      continue;
    }
    listening_.store(true);
    // [[key, [[id, [field, value]], ...]]]
    if (reply->type == redis::Reply::Type::kArray && !reply->elements.empty()) {
      const auto& stream = reply->elements[0];
      if (stream.elements.size() == 2 && !stream.elements[1].elements.empty()) {
        last_id = stream.elements[1].elements.back().elements[0].str;
        absl::MutexLock lock(&wake_mu_);
        remote_dirty_ = true;
      }
    }
  }
}

int64_t ChangeFeed::StoreRevisionNow() {
  absl::Status s = ReadNewEvents(false);
  // The store unreachable: the newest revision known is the best "now" there is.
  if (!s.ok()) read_failures_.Record(s);
  return head_.load();
}

absl::Status ChangeFeed::CheckResumable(int64_t since) {
  if (since < 0) return InvalidField("since_revision", "must not be negative");
  if (since == 0) return absl::OkStatus();
  if (since > head_.load()) {
    RETURN_IF_ERROR(ReadNewEvents(false));
    if (since > head_.load()) {
      return MakeError(
          absl::StatusCode::kOutOfRange, "REVISION_IN_FUTURE",
          absl::StrCat("since_revision ", since, " is newer than the newest revision ",
                       head_.load(), "; re-list, then watch from the list's revision"));
    }
  }
  absl::ReaderMutexLock lock(&ring_mu_);
  if (since < compacted_below_) {
    return MakeError(
        absl::StatusCode::kOutOfRange, "REVISION_COMPACTED",
        absl::StrCat("changes after revision ", since,
                     " are no longer retained (history starts after ", compacted_below_,
                     "); re-list, then watch from the list's revision"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<EventPtr>> ChangeFeed::ReadAfter(int64_t after, int max) {
  std::vector<EventPtr> out;
  const int64_t head = head_.load();
  if (after >= head) return out;
  {
    // Shared: every watcher reads here on every wake; only the tailer and compaction write.
    absl::ReaderMutexLock lock(&ring_mu_);
    if (after >= ring_floor_) {
      auto it = std::upper_bound(ring_.begin(), ring_.end(), after,
                                 [](int64_t rev, const EventPtr& e) { return rev < e->revision; });
      for (; it != ring_.end() && static_cast<int>(out.size()) < max; ++it) {
        if ((*it)->revision > head) break;
        out.push_back(*it);
      }
      return out;
    }
    if (after < compacted_below_) {
      return MakeError(absl::StatusCode::kOutOfRange, "REVISION_COMPACTED",
                       absl::StrCat("changes after revision ", after, " are no longer retained"));
    }
  }
  // Older than memory: read the store's log.
  std::vector<db::Row> rows;
  RETURN_IF_ERROR(db_->Read([&](db::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows, tx.Query(kSelectEvents, {after, head, max}));
    return absl::OkStatus();
  }));
  for (const auto& row : rows) out.push_back(EventFromRow(row));
  return out;
}

absl::StatusOr<int64_t> ChangeFeed::Compact() {
  const int64_t cutoff_ms = absl::ToUnixMillis(absl::Now() - options_.retention);
  const int64_t head = head_.load();
  const int64_t keep_from = options_.retain_events > 0 ? head - options_.retain_events
                                                       : std::numeric_limits<int64_t>::min();
  int64_t removed = 0;
  RETURN_IF_ERROR(db_->Write([&](db::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.Execute(
        "DELETE FROM events WHERE revision <= ? AND (created_unix_ms < ? OR revision <= ?)",
        {head, cutoff_ms, keep_from}));
    removed = tx.changes();
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(int64_t below, OldestRetained());
  {
    absl::MutexLock lock(&ring_mu_);
    compacted_below_ = std::max(compacted_below_, std::min(below, head));
  }
  if (removed > 0) {
    LogEvent("feed_compacted").Int("removed", removed).Int("history_after", below).Emit();
  }
  return removed;
}

}  // namespace gaoxin::watch
