// Publishes enterprise directory entries (USCC → id, name, chain, above-scale) to the shared Redis
// cache from a thread of its own, so that a slow or absent Redis never delays the store's writer
// thread or a gRPC thread. Entries are coalesced per USCC: only the newest of each is pending,
// so the queue is bounded by the number of enterprises.
//
//   DirectoryPublisher publisher(&directory);
//   store.SetDirectoryHook([&](const v1::Enterprise& e, int64_t rev) { publisher.Enqueue(e, rev);
//   });
#ifndef GAOXIN_SERVICES_ENTERPRISE_DIRECTORY_PUBLISHER_H_
#define GAOXIN_SERVICES_ENTERPRISE_DIRECTORY_PUBLISHER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/redis/enterprise_directory.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"

namespace gaoxin::enterprise {

common::v1::EnterpriseDirectoryEntry DirectoryEntryOf(const v1::Enterprise& e, int64_t revision);

class DirectoryPublisher {
 public:
  explicit DirectoryPublisher(redis::EnterpriseDirectory* directory);
  // Publishes what is pending, then stops.
  ~DirectoryPublisher();
  DirectoryPublisher(const DirectoryPublisher&) = delete;
  DirectoryPublisher& operator=(const DirectoryPublisher&) = delete;

  // Never blocks on Redis.
  void Enqueue(const v1::Enterprise& e, int64_t revision);

  int64_t published() const { return published_.load(); }
  int64_t failed() const { return failed_.load(); }

 private:
  void Loop();

  redis::EnterpriseDirectory* directory_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, common::v1::EnterpriseDirectoryEntry> pending_
      ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int64_t> published_{0};
  std::atomic<int64_t> failed_{0};
  std::thread thread_;
};

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DIRECTORY_PUBLISHER_H_
