#include "services/petition/enterprise_lookup.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/call_deadline.h"
#include "common/client.h"
#include "common/errors.h"
#include "common/log.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"

namespace gaoxin::petition {
namespace {

using enterprise::v1::EnterpriseService;

absl::Status DirectoryUnavailable(absl::string_view detail) {
  return MakeError(absl::StatusCode::kUnavailable, "ENTERPRISE_DIRECTORY_UNAVAILABLE",
                   absl::StrCat("the enterprise directory cannot confirm the USCC right now (",
                                detail, "); retry later"));
}

// One GetEnterprise call in flight: owns what the async API needs until the callback.
struct PendingCall {
  grpc::ClientContext ctx;
  enterprise::v1::GetEnterpriseRequest request;
  enterprise::v1::Enterprise response;
  std::unique_ptr<EnterpriseService::Stub> stub;
};

}  // namespace

DirectoryResolver::DirectoryResolver(redis::EnterpriseDirectory* directory, Options options)
    : directory_(directory), options_(std::move(options)) {
  if (!options_.enterprise_addr.empty()) channel_ = MakeChannel(options_.enterprise_addr);
}

DirectoryResolver::~DirectoryResolver() = default;

void DirectoryResolver::Remember(const std::string& uscc, const std::string& name) {
  absl::MutexLock lock(&mu_);
  if (memory_.size() >= options_.memory_max_entries) memory_.clear();
  memory_[uscc] = Remembered{name, absl::Now() + options_.memory_ttl};
}

void DirectoryResolver::Resolve(const std::string& uscc, Callback done) {
  std::optional<std::string> remembered;
  {
    absl::MutexLock lock(&mu_);
    auto it = memory_.find(uscc);
    if (it != memory_.end() && it->second.expires > absl::Now()) remembered = it->second.name;
  }
  if (remembered) {
    done(*std::move(remembered));
    return;
  }
  if (directory_ != nullptr) {
    if (auto entry = directory_->Lookup(uscc); entry && !entry->name().empty()) {
      Remember(uscc, entry->name());
      done(entry->name());
      return;
    }
  }
  if (!channel_) {
    done(DirectoryUnavailable("not in the shared directory and no enterprise service configured"));
    return;
  }
  auto call = std::make_shared<PendingCall>();
  call->stub = EnterpriseService::NewStub(channel_);
  // Never longer than the caller is willing to wait for the case this lookup is for.
  PrepareContext(&call->ctx, options_.token,
                 std::min(options_.rpc_timeout, CallDeadlineScope::Current() - absl::Now()));
  call->request.set_uscc(uscc);
  call->stub->async()->GetEnterprise(
      &call->ctx, &call->request, &call->response,
      [this, call, uscc, done = std::move(done)](grpc::Status status) {
        if (status.ok()) {
          Remember(uscc, call->response.name());
          done(call->response.name());
          return;
        }
        if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
          done(InvalidField("case.enterprise_uscc",
                            "no enterprise with this unified social credit code is registered"));
          return;
        }
        LogEvent("enterprise_lookup_failed", "warn")
            .Int("code", status.error_code())
            .Str("message", status.error_message())
            .Emit();
        done(DirectoryUnavailable(absl::StrCat("enterprise service: code ", status.error_code())));
      });
}

std::optional<std::string> DirectoryResolver::CurrentName(const std::string& uscc) {
  if (directory_ == nullptr) return std::nullopt;
  std::optional<common::v1::EnterpriseDirectoryEntry> entry = directory_->Lookup(uscc);
  if (!entry || entry->name().empty()) return std::nullopt;
  return entry->name();
}

}  // namespace gaoxin::petition
