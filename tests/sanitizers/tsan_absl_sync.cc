// ThreadSanitizer builds only (GAOXIN_SANITIZE=thread): tells TSan about Abseil's locks.
//
// Debian's libabsl_synchronization is not built with TSan, so absl::Mutex and
// absl::Notification synchronise through atomics and futexes TSan never sees, and every access
// they guard would be reported as a race. This file interposes their out-of-line functions: each
// definition here wins over the shared library's (the executable is searched first, for calls
// from our code and from libgrpc alike), calls the real one found with dlsym(RTLD_NEXT), and
// annotates the lock, unlock, release or acquire through the TSan interface. Conditions are
// wrapped so that their evaluation, which Abseil may run on whichever thread holds or releases
// the lock, is ordered with the lock's other critical sections.
//
// It is compiled into gaoxin_core in a TSan build (common/CMakeLists.txt), so every binary that
// uses absl::Mutex links it; a plain or ASan build never sees it.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace {

// The real function `mangled` of libabsl_synchronization, as a free function taking `this`
// first (the Itanium ABI passes it so).
template <typename Fn>
Fn Real(const char* mangled) {
  void* fn = dlsym(RTLD_NEXT, mangled);
  if (fn == nullptr) {
    std::fprintf(stderr, "tsan_absl_sync: %s not found: %s\n", mangled, dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

// Abseil's functions call each other (AwaitWithTimeout calls AwaitWithDeadline, Notify locks
// a Mutex): only the outermost call of a thread is annotated.
thread_local int depth = 0;
struct Outermost {
  Outermost() { ++depth; }
  ~Outermost() { --depth; }
  Outermost(const Outermost&) = delete;
  Outermost& operator=(const Outermost&) = delete;
};

// Declares `real`; a nested call goes straight to it with the arguments given.
#define REAL(type, mangled, ...)                \
  static const auto real = Real<type>(mangled); \
  if (depth > 0) return real(__VA_ARGS__);      \
  Outermost outermost

// A condition evaluated as part of `mu`'s critical section, on any thread.
struct Wrapped {
  const absl::Condition* inner;
  void* mu;
};

bool EvalWrapped(void* arg) {
  const auto* w = static_cast<const Wrapped*>(arg);
  __tsan_acquire(w->mu);
  const bool result = w->inner->Eval();
  __tsan_release(w->mu);
  return result;
}

void Locked(void* mu, unsigned flags = 0) {
  __tsan_mutex_pre_lock(mu, flags);
  __tsan_mutex_post_lock(mu, flags, 0);
}

void Unlocking(void* mu, unsigned flags = 0) {
  __tsan_mutex_pre_unlock(mu, flags);
  __tsan_mutex_post_unlock(mu, flags);
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

// --- Mutex -----------------------------------------------------------------------------------

void Mutex::Lock() {
  REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex4LockEv", this);
  __tsan_mutex_pre_lock(this, 0);
  real(this);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::ReaderLock() {
  REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex10ReaderLockEv", this);
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
}

bool Mutex::TryLock() {
  REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex7TryLockEv", this);
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  const bool locked = real(this);
  __tsan_mutex_post_lock(
      this, locked ? __tsan_mutex_try_lock : __tsan_mutex_try_lock | __tsan_mutex_try_lock_failed,
      0);
  return locked;
}

bool Mutex::ReaderTryLock() {
  REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex13ReaderTryLockEv", this);
  const unsigned flags = __tsan_mutex_read_lock | __tsan_mutex_try_lock;
  __tsan_mutex_pre_lock(this, flags);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this, locked ? flags : flags | __tsan_mutex_try_lock_failed, 0);
  return locked;
}

void Mutex::Unlock() {
  REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex6UnlockEv", this);
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

void Mutex::ReaderUnlock() {
  REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex12ReaderUnlockEv", this);
  __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

void Mutex::LockWhen(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE",
       this, cond);
  Wrapped w{&cond, this};
  real(this, Condition(&EvalWrapped, &w));
  Locked(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&),
       "_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE", this, cond);
  Wrapped w{&cond, this};
  real(this, Condition(&EvalWrapped, &w));
  Locked(this, __tsan_mutex_read_lock);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Duration),
       "_ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE", this, cond,
       timeout);
  Wrapped w{&cond, this};
  const bool met = real(this, Condition(&EvalWrapped, &w), timeout);
  Locked(this);  // held whether or not the condition became true
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time),
       "_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE", this, cond,
       deadline);
  Wrapped w{&cond, this};
  const bool met = real(this, Condition(&EvalWrapped, &w), deadline);
  Locked(this);
  return met;
}

// Await releases the lock while it waits and holds it again when it returns.
void Mutex::Await(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE", this,
       cond);
  Wrapped w{&cond, this};
  Unlocking(this);
  real(this, Condition(&EvalWrapped, &w));
  Locked(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Duration),
       "_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE", this, cond,
       timeout);
  Wrapped w{&cond, this};
  Unlocking(this);
  const bool met = real(this, Condition(&EvalWrapped, &w), timeout);
  Locked(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time),
       "_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE", this, cond,
       deadline);
  Wrapped w{&cond, this};
  Unlocking(this);
  const bool met = real(this, Condition(&EvalWrapped, &w), deadline);
  Locked(this);
  return met;
}

// ~Mutex is not annotated: gRPC destroys its mutexes after a reference count (an atomic inside
// libgrpc, invisible to TSan) reaches zero, and a destroy annotation would be reported against
// the last lock of another thread. Heap storage is reset by TSan's free() anyway.

// --- CondVar (gRPC's own waits use it) --------------------------------------------------------

void CondVar::Wait(Mutex* mu) {
  REAL(void (*)(CondVar*, Mutex*), "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE", this, mu);
  Unlocking(mu);
  real(this, mu);
  Locked(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  REAL(bool (*)(CondVar*, Mutex*, absl::Duration),
       "_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE", this, mu, timeout);
  Unlocking(mu);
  const bool timed_out = real(this, mu, timeout);
  Locked(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  REAL(bool (*)(CondVar*, Mutex*, absl::Time),
       "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE", this, mu, deadline);
  Unlocking(mu);
  const bool timed_out = real(this, mu, deadline);
  Locked(mu);
  return timed_out;
}

// --- Notification ----------------------------------------------------------------------------

void Notification::Notify() {
  REAL(void (*)(Notification*), "_ZN4absl7debian312Notification6NotifyEv", this);
  __tsan_release(this);
  real(this);
}

void Notification::WaitForNotification() const {
  REAL(void (*)(const Notification*), "_ZNK4absl7debian312Notification19WaitForNotificationEv",
       this);
  real(this);
  __tsan_acquire(const_cast<Notification*>(this));
}

bool Notification::WaitForNotificationWithTimeout(absl::Duration timeout) const {
  REAL(bool (*)(const Notification*, absl::Duration),
       "_ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE", this,
       timeout);
  const bool notified = real(this, timeout);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  REAL(bool (*)(const Notification*, absl::Time),
       "_ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE", this,
       deadline);
  const bool notified = real(this, deadline);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl
