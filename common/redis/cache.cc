#include "common/redis/cache.h"

#include "absl/strings/str_cat.h"

namespace gaoxin::redis {

Cache::Cache(RedisClient* redis, std::string ns, absl::Duration ttl)
    : redis_(redis != nullptr && redis->enabled() ? redis : nullptr),
      prefix_(absl::StrCat("gaoxin:", ns, ":")),
      ttl_(ttl) {}

std::string Cache::FullKey(absl::string_view key) const { return absl::StrCat(prefix_, key); }

std::optional<std::string> Cache::Get(absl::string_view key) {
  if (redis_ == nullptr) return std::nullopt;
  auto reply = redis_->Command({"GET", FullKey(key)});
  if (!reply.ok()) {
    errors_.fetch_add(1);
    return std::nullopt;
  }
  if (reply->type != Reply::Type::kString) return std::nullopt;
  return std::move(reply->str);
}

void Cache::Put(absl::string_view key, absl::string_view value, absl::Duration ttl) {
  if (redis_ == nullptr) return;
  auto reply = redis_->Command({"SET", FullKey(key), std::string(value), "PX",
                                absl::StrCat(absl::ToInt64Milliseconds(ttl))});
  if (!reply.ok()) errors_.fetch_add(1);
}

absl::StatusOr<std::string> Cache::GetOrLoad(
    absl::string_view key, absl::FunctionRef<absl::StatusOr<std::string>()> loader) {
  if (auto cached = Get(key)) {
    hits_.fetch_add(1);
    return *std::move(cached);
  }
  misses_.fetch_add(1);
  absl::StatusOr<std::string> value = loader();
  if (value.ok()) Put(key, *value, ttl_);
  return value;
}

void Cache::Invalidate(absl::string_view key) {
  if (redis_ == nullptr) return;
  if (!redis_->Command({"DEL", FullKey(key)}).ok()) errors_.fetch_add(1);
}

}  // namespace gaoxin::redis
