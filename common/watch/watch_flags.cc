#include "common/watch/watch_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"

ABSL_FLAG(int32_t, watch_progress_ms, 5000,
          "idle Watch streams get a progress message with the current revision this often");
ABSL_FLAG(int32_t, watch_poll_ms, 100,
          "how often the change log is read without a notification (the fallback while Redis "
          "is down)");
ABSL_FLAG(int64_t, watch_max_lag, 20000,
          "a watcher that does not take its message in flight while this many changes happen is "
          "cut off with RESOURCE_EXHAUSTED (one catching up from an old revision is not)");
ABSL_FLAG(int32_t, watch_max_stall_ms, 30000,
          "a watcher whose message has been in flight this long while newer changes wait is cut "
          "off with RESOURCE_EXHAUSTED");
ABSL_FLAG(int32_t, watch_ring_events, 8192, "recent changes kept in memory for watchers");
ABSL_FLAG(int32_t, event_retention_hours, 24 * 7, "change-log retention in hours");
ABSL_FLAG(int64_t, event_retention_count, 0,
          "also keep at most this many newest changes (0 = no count limit)");
ABSL_FLAG(int32_t, event_compaction_s, 600, "how often old change-log entries are removed");
ABSL_FLAG(int32_t, summary_min_interval_ms, 500,
          "dashboard streams send at most one summary per this interval (500 = 2 per second)");

namespace gaoxin::watch {

FeedOptions FeedOptionsFromFlags(absl::string_view service, redis::RedisOptions redis) {
  FeedOptions o;
  o.redis = std::move(redis);
  o.stream_key = absl::StrCat("gaoxin:events:", service);
  o.poll_interval = absl::Milliseconds(absl::GetFlag(FLAGS_watch_poll_ms));
  o.max_lag = absl::GetFlag(FLAGS_watch_max_lag);
  o.ring_capacity = static_cast<size_t>(absl::GetFlag(FLAGS_watch_ring_events));
  o.retention = absl::Hours(absl::GetFlag(FLAGS_event_retention_hours));
  o.retain_events = absl::GetFlag(FLAGS_event_retention_count);
  o.compaction_interval = absl::Seconds(absl::GetFlag(FLAGS_event_compaction_s));
  return o;
}

WatchOptions WatchOptionsFromFlags() {
  WatchOptions o;
  o.progress_interval = absl::Milliseconds(absl::GetFlag(FLAGS_watch_progress_ms));
  o.max_write_stall = absl::Milliseconds(absl::GetFlag(FLAGS_watch_max_stall_ms));
  return o;
}

SummaryOptions SummaryOptionsFromFlags() {
  SummaryOptions o;
  o.min_interval = absl::Milliseconds(absl::GetFlag(FLAGS_summary_min_interval_ms));
  return o;
}

}  // namespace gaoxin::watch
