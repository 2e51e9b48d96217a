// Starts a gaoxin server binary as a child process for a benchmark: loopback only, port chosen by
// the server (--listen=127.0.0.1:0, read back from its "server_started" log line), its log in a
// file, and a bounded SIGTERM-then-SIGKILL stop.
#ifndef GAOXIN_TOOLS_GAOXIN_LOAD_SPAWN_H_
#define GAOXIN_TOOLS_GAOXIN_LOAD_SPAWN_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gaoxin::load {

class ServerProcess {
 public:
  // Runs `binary` with `args` plus --listen=127.0.0.1:0, stdout and stderr to `log_path`, and waits
  // (at most `ready_timeout`) until it logs the port it serves on.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(const std::string& binary,
                                                              std::vector<std::string> args,
                                                              const std::string& log_path,
                                                              absl::Duration ready_timeout);
  // Runs `binary` with `args` as they are, output to `log_path`, without waiting for anything:
  // for helpers such as redis-server (port() is then 0).
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Launch(const std::string& binary,
                                                               std::vector<std::string> args,
                                                               const std::string& log_path);
  ~ServerProcess();

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  // User + system CPU seconds the process has used so far.
  double CpuSeconds() const;
  // Resident memory (VmRSS) in KB, -1 when unknown.
  int64_t RssKb() const;
  // SIGTERM, wait up to `grace`, then SIGKILL. Idempotent.
  void Stop(absl::Duration grace);
  // SIGKILL at once (a crash: no drain, no flush) and reap. Idempotent.
  void Kill();
  // The whole log so far.
  std::string ReadLog() const;

 private:
  ServerProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_;
  std::string log_path_;
  int port_ = 0;
  bool stopped_ = false;
};

// What a spawned suite needs to start and be called: a work folder (`dir`, or a new one under
// /tmp named after `tool` when empty), a random bearer token for `principal` with `roles` in
// <dir>/tokens, and a random write-audit key in <dir>/audit.key.
struct SpawnCredentials {
  std::string dir;
  std::string token;
  std::string tokens_file;
  std::string audit_key_file;
};
absl::StatusOr<SpawnCredentials> MakeSpawnCredentials(const std::string& dir,
                                                      const std::string& tool,
                                                      const std::string& principal,
                                                      const std::string& roles);
// `words` random 64-bit words as hex.
std::string RandomHex(int words);

// A loopback TCP port free just now (bound to port 0 and released).
int FreeLoopbackPort();
// True once something accepts connections on loopback `port`, false after `timeout`.
bool WaitForTcp(int port, absl::Duration timeout);

// The integer value of "key":N in the last log line whose event is `event`.
std::optional<int64_t> LastLoggedInt(absl::string_view log, absl::string_view event,
                                     absl::string_view key);

}  // namespace gaoxin::load

#endif  // GAOXIN_TOOLS_GAOXIN_LOAD_SPAWN_H_
