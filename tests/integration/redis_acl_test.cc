// Redis with ACL users against a real redis-server: the ACL file is the one the deployments use,
// written by deploy/redis/make-acl.sh, and the keys are the ones the code builds (Cache::FullKey,
// EnterpriseDirectory::Key, the change feed's stream), so a rule that no longer fits the code
// fails here. Right password: the service's own keys work. Wrong or missing password: every call
// fails fast and cleanly (the cache falls back to its loader), and the failure is logged once.
// A user cannot read or write another service's keys, nor run commands it was not given.
//
//   ctest --test-dir build -R RedisAcl --output-on-failure
#include "tests/support/redis_acl.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/redis/cache.h"
#include "common/redis/enterprise_directory.h"
#include "common/redis/redis_client.h"
#include "common/service_main.h"
#include "common/watch/watch_flags.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace gaoxin::redis {
namespace {

using testing::RedisServer;
using testing::TempDir;

constexpr char kUscc[] = "91210900MA0GYYEA0T";

// Occurrences of `needle` in `haystack`.
int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

std::string StreamKey(const std::string& service) {
  return watch::FeedOptionsFromFlags(service, RedisOptions{}).stream_key;
}

// The deployments' ACL (tests/support/redis_acl.h) and a redis-server loading it.
class RedisAclTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(acl_.ok()) << acl_.error();
    redis_ = std::make_unique<RedisServer>(acl_.server_args());
    ASSERT_TRUE(redis_->Start()) << testing::ReadFileOrEmpty(acl_.acl_file());
  }

  RedisOptions As(const std::string& user, const std::string& password) const {
    RedisOptions o;
    o.address = redis_->address();
    o.retry_backoff = absl::Milliseconds(50);
    o.user = user;
    o.password = password;
    return o;
  }
  RedisOptions As(const std::string& user) const { return As(user, acl_.password(user)); }

  TempDir dir_;
  testing::RedisAcl acl_{dir_};
  std::unique_ptr<RedisServer> redis_;
};

TEST_F(RedisAclTest, EachUserWorksWithItsOwnKeys) {
  for (const char* service : {"leads", "enterprise"}) {
    RedisClient client(As(service));
    Cache cache(&client, service, absl::Seconds(60));
    int loads = 0;
    auto loader = [&]() -> absl::StatusOr<std::string> { return absl::StrCat("v", ++loads); };
    EXPECT_EQ(*cache.GetOrLoad("k", loader), "v1") << service;
    EXPECT_EQ(*cache.GetOrLoad("k", loader), "v1") << service;  // from Redis
    EXPECT_EQ(cache.hits(), 1) << service;
    cache.Invalidate("k");
    EXPECT_EQ(*cache.GetOrLoad("k", loader), "v2") << service;
    EXPECT_EQ(cache.errors(), 0) << service;
  }
  for (const char* service : {"leads", "enterprise", "petition"}) {
    RedisClient client(As(service));
    const std::string stream = StreamKey(service);
    auto added = client.Command({"XADD", stream, "MAXLEN", "~", "100", "*", "revision", "7"});
    ASSERT_TRUE(added.ok()) << service << ": " << added.status();
    auto read = client.CommandWithTimeout(
        {"XREAD", "COUNT", "10", "BLOCK", "10", "STREAMS", stream, "0"}, absl::Seconds(1));
    ASSERT_TRUE(read.ok()) << service << ": " << read.status();
    EXPECT_EQ(read->type, Reply::Type::kArray) << service;
    EXPECT_EQ(client.failures(), 0) << service;
  }
  // The directory: enterprise publishes, petition reads it back.
  RedisClient enterprise(As("enterprise"));
  EnterpriseDirectory publisher(&enterprise);
  common::v1::EnterpriseDirectoryEntry entry;
  entry.set_uscc(kUscc);
  entry.set_name("阜新恒力液压机械有限公司");
  ASSERT_TRUE(publisher.Publish(entry));
  RedisClient petition(As("petition"));
  EnterpriseDirectory reader(&petition);
  auto found = reader.Lookup(kUscc);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name(), entry.name());
}

TEST_F(RedisAclTest, NoUserTouchesAnotherServicesKeysOrRunsOtherCommands) {
  RedisClient leads(As("leads"));
  RedisClient enterprise(As("enterprise"));
  RedisClient petition(As("petition"));
  Cache enterprise_cache(&enterprise, "enterprise", absl::Seconds(60));
  Cache leads_cache(&leads, "leads", absl::Seconds(60));
  enterprise_cache.Put("secret", "enterprise-value", absl::Seconds(60));
  leads_cache.Put("secret", "leads-value", absl::Seconds(60));
  common::v1::EnterpriseDirectoryEntry entry;
  entry.set_uscc(kUscc);
  entry.set_name("original");
  ASSERT_TRUE(EnterpriseDirectory(&enterprise).Publish(entry));

  struct Attempt {
    RedisClient* as;
    const char* who;
    std::vector<std::string> command;
  };
  const std::string enterprise_key = enterprise_cache.FullKey("secret");
  const std::string leads_key = leads_cache.FullKey("secret");
  const std::string directory_key = EnterpriseDirectory::Key(kUscc);
  const std::vector<Attempt> attempts = {
      {&leads, "leads", {"GET", enterprise_key}},
      {&leads, "leads", {"DEL", enterprise_key}},
      {&leads, "leads", {"SET", directory_key, "forged"}},
      {&leads, "leads", {"GET", directory_key}},
      {&leads, "leads", {"XADD", StreamKey("petition"), "*", "revision", "999"}},
      {&enterprise, "enterprise", {"GET", leads_key}},
      {&enterprise, "enterprise", {"SET", leads_key, "forged"}},
      {&enterprise, "enterprise", {"XREAD", "STREAMS", StreamKey("leads"), "0"}},
      {&petition, "petition", {"SET", directory_key, "forged"}},  // read-only there
      {&petition, "petition", {"DEL", directory_key}},
      {&petition, "petition", {"GET", leads_key}},
      {&petition, "petition", {"SET", "gaoxin:petition:x", "1"}},  // no cache: no SET at all
      {&petition, "petition", {"XADD", StreamKey("enterprise"), "*", "revision", "999"}},
      {&leads, "leads", {"KEYS", "*"}},
      {&leads, "leads", {"SCAN", "0"}},
      {&enterprise, "enterprise", {"FLUSHALL"}},
      {&petition, "petition", {"CONFIG", "GET", "*"}},
      {&leads, "leads", {"ACL", "LIST"}},
      {&enterprise, "enterprise", {"EVAL", "return 1", "0"}},
      {&petition, "petition", {"PUBLISH", "gaoxin:events", "x"}},
      {&leads, "leads", {"SET", "other-app:key", "1"}},
  };
  for (const Attempt& a : attempts) {
    auto reply = a.as->Command(a.command);
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kPermissionDenied)
        << a.who << " " << absl::StrJoin(a.command, " ") << ": " << reply.status();
  }
  // Nothing changed, and the owners still work after all those denials.
  EXPECT_EQ(enterprise_cache.Get("secret"), "enterprise-value");
  EXPECT_EQ(leads_cache.Get("secret"), "leads-value");
  auto still = EnterpriseDirectory(&petition).Lookup(kUscc);
  ASSERT_TRUE(still.has_value());
  EXPECT_EQ(still->name(), "original");
}

TEST_F(RedisAclTest, WrongPasswordFailsFastCleanlyAndIsLoggedOnce) {
  ::testing::internal::CaptureStderr();
  {
    RedisClient client(As("leads", "not-the-password-at-all"));
    Cache cache(&client, "leads", absl::Seconds(60));
    int loads = 0;
    auto loader = [&]() -> absl::StatusOr<std::string> { return absl::StrCat("v", ++loads); };
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 20; ++i) {
        auto v = cache.GetOrLoad("k", loader);
        ASSERT_TRUE(v.ok()) << v.status();  // the cache is only an accelerator
      }
      auto reply = client.Command({"GET", cache.FullKey("k")});
      EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << reply.status();
      absl::SleepFor(absl::Milliseconds(80));  // past the back-off: AUTH is tried again
    }
    EXPECT_EQ(loads, 60);  // every call went to the loader
    EXPECT_GT(cache.errors(), 0);
    // A handful of AUTH attempts (one per back-off period), not one per call.
    EXPECT_GE(client.failures(), 3);
    EXPECT_LT(client.failures(), 10);
  }
  FlushLogs();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(Count(log, "\"redis_auth_failed\""), 1) << log;
  EXPECT_TRUE(absl::StrContains(log, "WRONGPASS")) << log;
  EXPECT_FALSE(absl::StrContains(log, "not-the-password-at-all")) << log;
}

TEST_F(RedisAclTest, AUserWithoutItsPasswordIsTheDefaultUserThatMayOnlyPing) {
  ::testing::internal::CaptureStderr();
  {
    RedisClient client(As("", ""));
    EXPECT_TRUE(client.Command({"PING"}).ok());
    Cache cache(&client, "leads", absl::Seconds(60));
    for (int i = 0; i < 10; ++i) {
      auto v = cache.GetOrLoad("k", [] { return absl::StatusOr<std::string>("loaded"); });
      ASSERT_TRUE(v.ok()) << v.status();
      EXPECT_EQ(*v, "loaded");
    }
    EXPECT_EQ(client.Command({"GET", "gaoxin:leads:k"}).status().code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_GE(cache.errors(), 10);
  }
  FlushLogs();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(Count(log, "\"redis_denied\""), 1) << log;
}

TEST_F(RedisAclTest, EveryReconnectAuthenticatesAgain) {
  RedisClient client(As("leads"));
  Cache cache(&client, "leads", absl::Seconds(60));
  cache.Put("k", "before", absl::Seconds(60));
  ASSERT_EQ(cache.Get("k"), "before");
  redis_->Stop();
  EXPECT_EQ(cache.Get("k"), std::nullopt);  // down: a miss, not an error to the caller
  ASSERT_TRUE(redis_->Start());             // empty again (no persistence)
  absl::SleepFor(absl::Milliseconds(80));   // past the back-off
  cache.Put("k", "after", absl::Seconds(60));
  EXPECT_EQ(cache.Get("k"), "after");  // a new connection, a new AUTH
}

// A client of `address` with `password` (no user) and a short back-off.
RedisOptions WithPassword(const std::string& address, const std::string& password) {
  RedisOptions o;
  o.address = address;
  o.retry_backoff = absl::Milliseconds(50);
  o.password = password;
  return o;
}

// Without ACL users, a plain requirepass: AUTH <password>, no user.
TEST(RedisPasswordTest, RequirepassWithoutAUser) {
  RedisServer redis({"--requirepass", "a-long-shared-password-123"});
  ASSERT_TRUE(redis.Start());
  RedisClient client(WithPassword(redis.address(), "a-long-shared-password-123"));
  ASSERT_TRUE(client.Command({"SET", "k", "v"}).ok());
  EXPECT_EQ(client.Command({"GET", "k"})->str, "v");

  ::testing::internal::CaptureStderr();
  {
    // Nothing sent at all: the server answers NOAUTH, which counts as an auth failure.
    RedisClient none(WithPassword(redis.address(), ""));
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(none.Command({"GET", "k"}).status().code(), absl::StatusCode::kUnavailable);
    }
    EXPECT_LE(none.failures(), 2);
    RedisClient wrong(WithPassword(redis.address(), "wrong-wrong-wrong-wrong"));
    EXPECT_EQ(wrong.Command({"GET", "k"}).status().code(), absl::StatusCode::kUnavailable);
  }
  FlushLogs();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(Count(log, "\"redis_auth_failed\""), 2) << log;  // once per client
  EXPECT_TRUE(absl::StrContains(log, "NOAUTH")) << log;
  EXPECT_TRUE(absl::StrContains(log, "WRONGPASS")) << log;
}

TEST(RedisOptionsFromFlagsTest, ReadsThePasswordFileAndRefusesBadSettings) {
  absl::FlagSaver saver;
  TempDir dir;
  testing::WriteFile(dir.File("pw"), "s3cret-password-0123\r\n");
  absl::SetFlag(&FLAGS_redis, "127.0.0.1:6379");
  absl::SetFlag(&FLAGS_redis_user, "leads");
  absl::SetFlag(&FLAGS_redis_password_file, dir.File("pw"));
  auto options = RedisOptionsFromFlags();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->user, "leads");
  EXPECT_EQ(options->password, "s3cret-password-0123");  // without the line ending
  // The feed's clients get the same credentials.
  EXPECT_EQ(watch::FeedOptionsFromFlags("leads", *options).redis.password, options->password);

  absl::SetFlag(&FLAGS_redis_password_file, dir.File("missing"));
  EXPECT_FALSE(RedisOptionsFromFlags().ok());
  testing::WriteFile(dir.File("empty"), "\n");
  absl::SetFlag(&FLAGS_redis_password_file, dir.File("empty"));
  EXPECT_EQ(RedisOptionsFromFlags().status().code(), absl::StatusCode::kInvalidArgument);
  absl::SetFlag(&FLAGS_redis_password_file, "");
  auto no_password = RedisOptionsFromFlags();
  EXPECT_EQ(no_password.status().code(), absl::StatusCode::kInvalidArgument);  // user, no file
  EXPECT_TRUE(absl::StrContains(no_password.status().message(), "--redis_password_file"));
  absl::SetFlag(&FLAGS_redis_user, "");
  auto plain = RedisOptionsFromFlags();
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->password.empty());
  // The configuration log prints the path, never a password: no flag holds one.
  EXPECT_FALSE(IsSecretFlag("redis_password_file"));
}

}  // namespace
}  // namespace gaoxin::redis
