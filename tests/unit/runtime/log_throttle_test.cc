// LogThrottle: the first occurrence passes, then one per interval with the count left out.
#include "common/log_throttle.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(LogThrottleTest, LetsTheFirstThroughThenOnePerIntervalWithTheCountLeftOut) {
  absl::Time now = absl::FromUnixSeconds(1000);
  LogThrottle throttle(absl::Seconds(1), [&] { return now; });
  int64_t suppressed = -1;
  ASSERT_TRUE(throttle.Allow(&suppressed));
  EXPECT_EQ(suppressed, 0);
  for (int i = 0; i < 5; ++i) {
    now += absl::Milliseconds(100);
    EXPECT_FALSE(throttle.Allow(&suppressed));
  }
  now += absl::Milliseconds(500);  // 1 s after the first
  ASSERT_TRUE(throttle.Allow(&suppressed));
  EXPECT_EQ(suppressed, 5);
  now += absl::Seconds(30);  // a quiet spell: the next one passes at once, with nothing left out
  ASSERT_TRUE(throttle.Allow(&suppressed));
  EXPECT_EQ(suppressed, 0);
}

TEST(LogThrottleTest, CountsEveryOccurrenceFromManyThreads) {
  absl::Time now = absl::FromUnixSeconds(1000);
  LogThrottle throttle(absl::Seconds(1), [&] { return now; });
  int64_t suppressed = 0;
  ASSERT_TRUE(throttle.Allow(&suppressed));
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      int64_t s = 0;
      for (int i = 0; i < 1000; ++i) allowed += throttle.Allow(&s) ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 0);
  now += absl::Seconds(1);
  ASSERT_TRUE(throttle.Allow(&suppressed));
  EXPECT_EQ(suppressed, 4000);
}

}  // namespace
}  // namespace gaoxin
