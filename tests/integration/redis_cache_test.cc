// Cache-aside against a real redis-server started by the test, including an outage mid-run.
#include "common/redis/cache.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace gaoxin::redis {
namespace {

TEST(RedisCacheTest, ReadsThroughAndInvalidates) {
  testing::RedisServer server;
  ASSERT_TRUE(server.Start());
  RedisClient client({server.address(), absl::Milliseconds(200), absl::Milliseconds(100)});
  Cache cache(&client, "test", absl::Seconds(60));
  int loads = 0;
  auto loader = [&]() -> absl::StatusOr<std::string> {
    ++loads;
    return std::string("value-") + std::to_string(loads);
  };
  EXPECT_EQ(*cache.GetOrLoad("k", loader), "value-1");
  EXPECT_EQ(*cache.GetOrLoad("k", loader), "value-1");
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(cache.hits(), 1);
  cache.Invalidate("k");
  EXPECT_EQ(*cache.GetOrLoad("k", loader), "value-2");
}

TEST(RedisCacheTest, OutageFallsBackToTheLoaderAndRecovers) {
  testing::RedisServer server;
  ASSERT_TRUE(server.Start());
  RedisClient client({server.address(), absl::Milliseconds(200), absl::Milliseconds(100)});
  Cache cache(&client, "test", absl::Seconds(60));
  int loads = 0;
  auto loader = [&]() -> absl::StatusOr<std::string> {
    ++loads;
    return std::string("v");
  };
  ASSERT_TRUE(cache.GetOrLoad("k", loader).ok());
  server.Stop();
  for (int i = 0; i < 5; ++i) {
    auto v = cache.GetOrLoad("k", loader);
    ASSERT_TRUE(v.ok()) << v.status();  // never fails because of Redis
    EXPECT_EQ(*v, "v");
  }
  EXPECT_GT(cache.errors(), 0);
  EXPECT_GT(client.failures(), 0);
  ASSERT_TRUE(server.Start());
  absl::SleepFor(absl::Milliseconds(150));  // past the reconnect back-off
  ASSERT_TRUE(cache.GetOrLoad("k2", loader).ok());
  const int loads_before = loads;
  ASSERT_TRUE(cache.GetOrLoad("k2", loader).ok());
  EXPECT_EQ(loads, loads_before);  // served from Redis again
}

TEST(RedisCacheTest, NoRedisMeansNoCache) {
  Cache cache(nullptr, "test", absl::Seconds(60));
  int loads = 0;
  auto loader = [&]() -> absl::StatusOr<std::string> {
    ++loads;
    return std::string("v");
  };
  ASSERT_TRUE(cache.GetOrLoad("k", loader).ok());
  ASSERT_TRUE(cache.GetOrLoad("k", loader).ok());
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(cache.errors(), 0);
}

}  // namespace
}  // namespace gaoxin::redis
