// The shared enterprise directory in Redis (see proto/gaoxin/common/v1/directory.proto): the
// enterprise service publishes, the other services look up by USCC. Best effort both ways: a
// failed publish is logged by the client and repaired by the next change or the periodic
// republish; a failed lookup returns nullopt and the caller asks the enterprise service.
//
//   EnterpriseDirectory directory(&redis);
//   directory.Publish(entry);
//   if (auto e = directory.Lookup("91210900MA0U9K5H2Y")) name = e->name();
#ifndef GAOXIN_COMMON_REDIS_ENTERPRISE_DIRECTORY_H_
#define GAOXIN_COMMON_REDIS_ENTERPRISE_DIRECTORY_H_

#include <optional>
#include <string>

#include "common/redis/redis_client.h"
#include "gaoxin/common/v1/directory.pb.h"

namespace gaoxin::redis {

class EnterpriseDirectory {
 public:
  // `redis` may be null or disabled: every call is then a no-op / miss.
  explicit EnterpriseDirectory(RedisClient* redis);

  static std::string Key(absl::string_view uscc);

  // True when Redis took the entry.
  bool Publish(const common::v1::EnterpriseDirectoryEntry& entry);
  bool Remove(absl::string_view uscc);
  std::optional<common::v1::EnterpriseDirectoryEntry> Lookup(absl::string_view uscc);

 private:
  RedisClient* redis_;
};

}  // namespace gaoxin::redis

#endif  // GAOXIN_COMMON_REDIS_ENTERPRISE_DIRECTORY_H_
