// Cache-aside over Redis with a TTL: read through the cache, fill it on a miss, invalidate on
// write. The cache is an accelerator only: when Redis is absent or down every call falls back to
// the loader, so no request ever fails or changes its answer because of the cache.
//
//   Cache cache(&redis, "leads", absl::Seconds(60));
//   ASSIGN_OR_RETURN(std::string bytes, cache.GetOrLoad(key, [&] { return LoadSummary(); }));
//
// Keys that embed the store's revision (see db/change_log.h) can never serve stale data, even
// after an invalidation was lost during a Redis outage; the TTL then only bounds memory.
#ifndef GAOXIN_COMMON_REDIS_CACHE_H_
#define GAOXIN_COMMON_REDIS_CACHE_H_

#include <atomic>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"

namespace gaoxin::redis {

class Cache {
 public:
  // `redis` may be null (no cache). Keys are prefixed "gaoxin:<ns>:".
  Cache(RedisClient* redis, std::string ns, absl::Duration ttl);

  absl::StatusOr<std::string> GetOrLoad(absl::string_view key,
                                        absl::FunctionRef<absl::StatusOr<std::string>()> loader);
  // Best effort: a failure is counted and logged by the client.
  void Invalidate(absl::string_view key);
  // Stores a value unconditionally (publishing, e.g. the enterprise directory).
  void Put(absl::string_view key, absl::string_view value, absl::Duration ttl);
  // The raw value, or nullopt on a miss or when Redis is unavailable.
  std::optional<std::string> Get(absl::string_view key);

  int64_t hits() const { return hits_.load(); }
  int64_t misses() const { return misses_.load(); }
  int64_t errors() const { return errors_.load(); }

  std::string FullKey(absl::string_view key) const;

 private:
  RedisClient* redis_;
  std::string prefix_;
  absl::Duration ttl_;
  std::atomic<int64_t> hits_{0};
  std::atomic<int64_t> misses_{0};
  std::atomic<int64_t> errors_{0};
};

}  // namespace gaoxin::redis

#endif  // GAOXIN_COMMON_REDIS_CACHE_H_
