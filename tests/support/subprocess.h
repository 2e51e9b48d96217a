// Test support: run a real binary (a gaoxin server, redis-server) as a child process, find free
// loopback ports, and wait for a gRPC server to report SERVING. Used by the integration and
// end-to-end tests so they exercise the very binaries operators deploy.
//
//   Subprocess server({kLeadsServerPath, "--listen=127.0.0.1:" + port, ...});
//   ASSERT_TRUE(WaitForServing(address, "gaoxin.leads.v1.LeadService", absl::Seconds(10)));
//   int code = server.Terminate();   // SIGTERM, then wait; the exit code
#ifndef GAOXIN_TESTS_SUPPORT_SUBPROCESS_H_
#define GAOXIN_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace gaoxin::testing {

class Subprocess {
 public:
  // Starts `argv` with stdout and stderr appended to `log_path` ("" = inherit).
  explicit Subprocess(std::vector<std::string> argv, const std::string& log_path = "");
  ~Subprocess();  // SIGKILLs a child still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends SIGTERM and waits up to `timeout`; returns the exit code, or -1 if it had to be killed,
  // or 128+signal when a signal ended it.
  int Terminate(absl::Duration timeout = absl::Seconds(20));
  // Sends `signal` and waits as Terminate does (for servers whose graceful stop is another
  // signal: PostgreSQL's fast shutdown is SIGINT).
  int Stop(int signal, absl::Duration timeout = absl::Seconds(20));
  // SIGKILL and reap (simulates a crash).
  void Kill();
  // Waits for exit; returns the exit code as Terminate does, or -2 on timeout.
  int Wait(absl::Duration timeout);

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

// Resident memory (VmRSS) of process `pid` in KB, or -1 when unknown.
int64_t RssKb(pid_t pid);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// grpc.health.v1 Check of `service` at `address`: the ServingStatus (0 UNKNOWN, 1 SERVING,
// 2 NOT_SERVING), or -1 when the call fails.
inline constexpr int kHealthServing = 1;
inline constexpr int kHealthNotServing = 2;
int HealthStatus(const std::string& address, const std::string& service);
// Polls HealthStatus until it is `want` or the timeout; true when it was.
bool WaitForHealth(const std::string& address, const std::string& service, int want,
                   absl::Duration timeout);
// Polls until SERVING or the timeout.
bool WaitForServing(const std::string& address, const std::string& service, absl::Duration timeout);

// A fresh empty directory under $TMPDIR (or /tmp), removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A redis-server on a free loopback port with persistence off, for tests that need Redis.
// `extra_args` are appended to its command line (e.g. {"--aclfile", path}).
class RedisServer {
 public:
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  bool Start();  // (re)starts on the same port
  void Stop();
  std::string address() const;

 private:
  int port_;
  std::vector<std::string> extra_args_;
  TempDir dir_;
  std::unique_ptr<Subprocess> process_;
};

std::string ReadFileOrEmpty(const std::string& path);
void WriteFile(const std::string& path, const std::string& contents);

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_SUBPROCESS_H_
