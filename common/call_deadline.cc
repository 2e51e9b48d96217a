#include "common/call_deadline.h"

namespace gaoxin {
namespace {

thread_local absl::Time current_call_deadline = absl::InfiniteFuture();

}  // namespace

CallDeadlineScope::CallDeadlineScope(absl::Time deadline) : previous_(current_call_deadline) {
  current_call_deadline = deadline;
}

CallDeadlineScope::~CallDeadlineScope() { current_call_deadline = previous_; }

absl::Time CallDeadlineScope::Current() { return current_call_deadline; }

}  // namespace gaoxin
