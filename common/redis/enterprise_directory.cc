#include "common/redis/enterprise_directory.h"

#include "absl/strings/str_cat.h"

namespace gaoxin::redis {

EnterpriseDirectory::EnterpriseDirectory(RedisClient* redis)
    : redis_(redis != nullptr && redis->enabled() ? redis : nullptr) {}

std::string EnterpriseDirectory::Key(absl::string_view uscc) {
  return absl::StrCat("gaoxin:directory:enterprise:", uscc);
}

bool EnterpriseDirectory::Publish(const common::v1::EnterpriseDirectoryEntry& entry) {
  if (redis_ == nullptr) return false;
  return redis_->Command({"SET", Key(entry.uscc()), entry.SerializeAsString()}).ok();
}

bool EnterpriseDirectory::Remove(absl::string_view uscc) {
  if (redis_ == nullptr) return false;
  return redis_->Command({"DEL", Key(uscc)}).ok();
}

std::optional<common::v1::EnterpriseDirectoryEntry> EnterpriseDirectory::Lookup(
    absl::string_view uscc) {
  if (redis_ == nullptr) return std::nullopt;
  auto reply = redis_->Command({"GET", Key(uscc)});
  if (!reply.ok() || reply->type != Reply::Type::kString) return std::nullopt;
  common::v1::EnterpriseDirectoryEntry entry;
  if (!entry.ParseFromString(reply->str)) return std::nullopt;
  return entry;
}

}  // namespace gaoxin::redis
