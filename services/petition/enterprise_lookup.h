// Resolving the enterprise a case names (by USCC) to its registered name: the shared directory in
// Redis first (common/redis/enterprise_directory.h), then gaoxin.enterprise.v1.EnterpriseService
// GetEnterprise over gRPC on a miss. Confirmed names are also remembered in this process for a
// while, so a Redis outage does not turn into a flood of RPCs or change an answer.
//
// Decision (issue #4): when the directory misses and the enterprise service cannot be reached,
// the lookup fails with UNAVAILABLE (reason ENTERPRISE_DIRECTORY_UNAVAILABLE; the client retries)
// rather than storing an unchecked USCC. An unknown USCC is INVALID_ARGUMENT naming
// case.enterprise_uscc. A case without a USCC never waits for either.
//
//   lookup.Resolve("91210900MA0GYYEA0T", [](absl::StatusOr<std::string> name) { ... });
#ifndef GAOXIN_SERVICES_PETITION_ENTERPRISE_LOOKUP_H_
#define GAOXIN_SERVICES_PETITION_ENTERPRISE_LOOKUP_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/enterprise_directory.h"
#include "grpcpp/channel.h"

namespace gaoxin::petition {

class EnterpriseResolver {
 public:
  using Callback = std::function<void(absl::StatusOr<std::string>)>;
  virtual ~EnterpriseResolver() = default;
  // Calls `done` (possibly on another thread) with the enterprise's name or an error.
  virtual void Resolve(const std::string& uscc, Callback done) = 0;
  // The enterprise's current name as the shared directory has it now, without calling the
  // enterprise service: nullopt when unknown or Redis is unavailable. Cases show it on every
  // read, so a renamed enterprise shows its new name (the stored name is the fallback).
  virtual std::optional<std::string> CurrentName(const std::string& uscc) { return std::nullopt; }
};

class DirectoryResolver final : public EnterpriseResolver {
 public:
  struct Options {
    // The enterprise service; empty = directory only (a miss is then UNAVAILABLE).
    std::string enterprise_addr;
    // Bearer token for the enterprise service (role enterprise.reader).
    std::string token;
    absl::Duration rpc_timeout = absl::Seconds(3);
    // How long a confirmed name is remembered in this process.
    absl::Duration memory_ttl = absl::Minutes(10);
    size_t memory_max_entries = 10000;
  };

  // `directory` may be null (no Redis).
  DirectoryResolver(redis::EnterpriseDirectory* directory, Options options);
  ~DirectoryResolver() override;

  void Resolve(const std::string& uscc, Callback done) override;
  std::optional<std::string> CurrentName(const std::string& uscc) override;

 private:
  void Remember(const std::string& uscc, const std::string& name);

  struct Remembered {
    std::string name;
    absl::Time expires;
  };

  redis::EnterpriseDirectory* directory_;
  Options options_;
  std::shared_ptr<grpc::Channel> channel_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Remembered> memory_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_ENTERPRISE_LOOKUP_H_
