// The change feed over a real SQLite store: new events are read from the log by the feed's own
// tailer and, on demand, by gRPC threads (a watch starting from a revision the feed has not read
// yet); whoever reads them, the shared ring holds each event once, in revision order.
#include "common/watch/change_feed.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "common/db/common_tables.h"
#include "common/db/sqlite_database.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace gaoxin::watch {
namespace {

TEST(ChangeFeedTest, ReadsOfNewEventsFromSeveralThreadsNeitherRepeatNorReorderEvents) {
  testing::TempDir dir;
  auto db = db::SqliteDatabase::Open(dir.File("t.db"));
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(db::ApplyCommonSchema(**db).ok());
  FeedOptions options;
  options.poll_interval = absl::Milliseconds(1);  // the tailer reads as often as it can
  options.ring_capacity = 100000;                 // every event stays in memory
  ChangeFeed feed(db->get(), options);
  ASSERT_TRUE(feed.Start().ok());
  const int64_t start = feed.current_revision();

  // Watches asking for a revision just past what the feed has read make it read the log from
  // the calling (gRPC) thread, concurrently with the tailer and with each other.
  std::atomic<bool> stop{false};
  std::vector<std::thread> askers;
  for (int t = 0; t < 3; ++t) {
    askers.emplace_back([&] {
      while (!stop.load()) (void)feed.CheckResumable(feed.current_revision() + 1);
    });
  }
  constexpr int kEvents = 2000;
  int64_t last = 0;
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_TRUE((*db)
                    ->Write([&](db::Transaction& tx) -> absl::Status {
                      ASSIGN_OR_RETURN(
                          last, db::AppendEvent(tx, "lead", "a", db::EventKind::kUpdated, "s"));
                      return absl::OkStatus();
                    })
                    .ok());
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (feed.current_revision() < last && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  stop.store(true);
  for (auto& t : askers) t.join();
  ASSERT_EQ(feed.current_revision(), last);

  auto events = feed.ReadAfter(start, kEvents * 2);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), static_cast<size_t>(kEvents));
  for (size_t i = 0; i < events->size(); ++i) {
    ASSERT_EQ((*events)[i]->revision, start + 1 + static_cast<int64_t>(i)) << "at " << i;
  }
  feed.Stop();
}

}  // namespace
}  // namespace gaoxin::watch
