// Test support: a TCP proxy on loopback between a client and a dependency (Redis, PostgreSQL,
// another service) that can delay or stall what passes through it: how the fault tests make a
// dependency slow rather than down. Stalled, it keeps every connection open and accepts new
// ones, but forwards nothing, in either direction, until released: from the client's side the
// dependency has stopped answering.
//
//   SlowProxy proxy(redis.port());            // listens on proxy.port()
//   proxy.SetDelay(absl::Milliseconds(300));  // every chunk waits this long each way
//   proxy.Stall(true);                        // nothing passes until Stall(false)
#ifndef GAOXIN_TESTS_SUPPORT_SLOW_PROXY_H_
#define GAOXIN_TESTS_SUPPORT_SLOW_PROXY_H_

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gaoxin::testing {

class SlowProxy {
 public:
  explicit SlowProxy(int target_port);
  ~SlowProxy();
  SlowProxy(const SlowProxy&) = delete;
  SlowProxy& operator=(const SlowProxy&) = delete;

  // 0 when the proxy could not listen.
  int port() const { return port_; }
  void SetDelay(absl::Duration delay);
  void Stall(bool stalled) { stalled_.store(stalled); }

 private:
  void AcceptLoop();
  void Pump(int from, int to);

  const int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stalled_{false};
  std::atomic<int64_t> delay_us_{0};
  absl::Mutex mu_;
  std::vector<int> fds_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> pumps_ ABSL_GUARDED_BY(mu_);
  std::thread acceptor_;
};

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_SLOW_PROXY_H_
