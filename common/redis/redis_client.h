// A Redis connection that never makes a request fail: commands time out quickly, a broken
// connection is re-dialled with a back-off (so a Redis outage costs one fast error per back-off
// period, not one timeout per request), and transitions between up and down are logged and counted.
//
//   RedisClient redis({.address = "127.0.0.1:6379", .user = "leads", .password = password});
//   auto reply = redis.Command({"GET", key});   // UNAVAILABLE while Redis is down
//
// With a password, every (re)connect starts with AUTH [user] password (Redis ACL users, see
// deploy/redis/make-acl.sh). A refused AUTH, or a server that answers NOAUTH because it wants one,
// counts as Redis being down: the back-off applies and it is logged once ("redis_auth_failed")
// until AUTH succeeds again. A command the user's ACL does not allow (NOPERM) fails on its own and
// is logged once per client ("redis_denied").
//
// A hiredis context is not thread-safe: one mutex serialises commands on this client. Blocking
// reads (XREAD BLOCK) need their own RedisClient.
#ifndef GAOXIN_COMMON_REDIS_REDIS_CLIENT_H_
#define GAOXIN_COMMON_REDIS_REDIS_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct redisContext;

namespace gaoxin::redis {

struct Reply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;
  int64_t integer = 0;
  std::vector<Reply> elements;
};

struct RedisOptions {
  std::string address;  // host:port; empty disables Redis
  absl::Duration timeout = absl::Milliseconds(200);
  absl::Duration retry_backoff = absl::Seconds(1);
  // Redis ACL user ("" = the default user) and its password; AUTH is sent after every connect
  // when the password is not empty.
  std::string user;
  std::string password;
};

class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  bool enabled() const { return !options_.address.empty(); }
  // Runs one command. UNAVAILABLE when Redis is disabled, down, or in back-off; INTERNAL for a
  // Redis error reply.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args);
  // Like Command with a per-call read timeout (for XREAD BLOCK).
  absl::StatusOr<Reply> CommandWithTimeout(const std::vector<std::string>& args,
                                           absl::Duration timeout);
  // Failed commands or connects since start.
  int64_t failures() const { return failures_.load(); }

 private:
  bool ConnectLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // AUTH on the fresh ctx_; the error reply (never the password) when it is refused.
  absl::Status AuthenticateLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops the connection and starts the back-off. `event` says why ("redis_down",
  // "redis_auth_failed"); it is logged only when the reason changes, not on every retry.
  void MarkDownLocked(absl::string_view event, const std::string& error)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RedisOptions options_;
  std::string host_;
  int port_ = 6379;
  absl::Mutex mu_;
  redisContext* ctx_ ABSL_GUARDED_BY(mu_) = nullptr;
  absl::Time retry_after_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  // Why Redis is unusable: "" while up, else the event logged when it went down.
  std::string down_event_ ABSL_GUARDED_BY(mu_);
  bool denied_logged_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int64_t> failures_{0};
};

}  // namespace gaoxin::redis

#endif  // GAOXIN_COMMON_REDIS_REDIS_CLIENT_H_
