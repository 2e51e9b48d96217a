#include "tests/support/slow_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/time/clock.h"

namespace gaoxin::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// Waits up to 100 ms for `fd` to be readable: the pumps and the acceptor check for a stop this
// often.
bool Readable(int fd) {
  pollfd pfd{fd, POLLIN, 0};
  return poll(&pfd, 1, 100) > 0;
}

}  // namespace

SlowProxy::SlowProxy(int target_port) : target_port_(target_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof(addr);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return;
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

SlowProxy::~SlowProxy() {
  stopping_.store(true);
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> pumps;
  {
    absl::MutexLock lock(&mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    pumps = std::move(pumps_);
  }
  for (auto& t : pumps) t.join();
  absl::MutexLock lock(&mu_);
  for (int fd : fds_) close(fd);
  if (listen_fd_ >= 0) close(listen_fd_);
}

void SlowProxy::SetDelay(absl::Duration delay) {
  delay_us_.store(absl::ToInt64Microseconds(delay));
}

void SlowProxy::AcceptLoop() {
  while (!stopping_.load()) {
    if (!Readable(listen_fd_)) continue;
    const int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    const int upstream = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = Loopback(target_port_);
    if (connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(client);
      close(upstream);
      continue;
    }
    absl::MutexLock lock(&mu_);
    fds_.push_back(client);
    fds_.push_back(upstream);
    pumps_.emplace_back([this, client, upstream] { Pump(client, upstream); });
    pumps_.emplace_back([this, client, upstream] { Pump(upstream, client); });
  }
}

void SlowProxy::Pump(int from, int to) {
  char buf[64 << 10];
  while (!stopping_.load()) {
    // Stalled: nothing is read, so nothing is forwarded, and the sender's data waits in the
    // socket buffers as it would behind a frozen peer.
    if (stalled_.load()) {
      absl::SleepFor(absl::Milliseconds(10));
      continue;
    }
    if (!Readable(from)) continue;
    const ssize_t n = read(from, buf, sizeof(buf));
    if (n <= 0) break;
    if (const int64_t us = delay_us_.load(); us > 0) absl::SleepFor(absl::Microseconds(us));
    while (stalled_.load() && !stopping_.load()) absl::SleepFor(absl::Milliseconds(10));
    ssize_t sent = 0;
    while (sent < n) {
      // MSG_NOSIGNAL: a peer that closed must end this pump, not the test process (SIGPIPE).
      const ssize_t w = send(to, buf + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
      if (w <= 0) return;
      sent += w;
    }
  }
  shutdown(to, SHUT_WR);
}

}  // namespace gaoxin::testing
