#include "services/enterprise/directory_publisher.h"

#include <utility>
#include <vector>

namespace gaoxin::enterprise {

common::v1::EnterpriseDirectoryEntry DirectoryEntryOf(const v1::Enterprise& e, int64_t revision) {
  common::v1::EnterpriseDirectoryEntry entry;
  entry.set_id(e.id());
  entry.set_uscc(e.uscc());
  entry.set_name(e.name());
  entry.set_industry_chain(e.industry_chain());
  entry.set_above_scale(e.above_scale());
  entry.set_revision(revision);
  return entry;
}

DirectoryPublisher::DirectoryPublisher(redis::EnterpriseDirectory* directory)
    : directory_(directory), thread_([this] { Loop(); }) {}

DirectoryPublisher::~DirectoryPublisher() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void DirectoryPublisher::Enqueue(const v1::Enterprise& e, int64_t revision) {
  absl::MutexLock lock(&mu_);
  auto& slot = pending_[e.uscc()];
  if (slot.revision() <= revision) slot = DirectoryEntryOf(e, revision);
}

void DirectoryPublisher::Loop() {
  for (;;) {
    std::vector<common::v1::EnterpriseDirectoryEntry> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](DirectoryPublisher* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
            return p->stopping_ || !p->pending_.empty();
          },
          this));
      if (pending_.empty() && stopping_) return;
      for (auto& [uscc, entry] : pending_) batch.push_back(std::move(entry));
      pending_.clear();
    }
    for (const auto& entry : batch) {
      if (directory_->Publish(entry)) {
        ++published_;
      } else {
        ++failed_;  // repaired by the next change or the periodic republish
      }
    }
  }
}

}  // namespace gaoxin::enterprise
