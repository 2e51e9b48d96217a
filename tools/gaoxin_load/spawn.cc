#include "tools/gaoxin_load/spawn.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/auth.h"

extern char** environ;

namespace gaoxin::load {

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(const std::string& binary,
                                                                    std::vector<std::string> args,
                                                                    const std::string& log_path,
                                                                    absl::Duration ready_timeout) {
  args.push_back("--listen=127.0.0.1:0");
  auto launched = Launch(binary, std::move(args), log_path);
  if (!launched.ok()) return launched.status();
  std::unique_ptr<ServerProcess> proc = *std::move(launched);
  const pid_t pid = proc->pid_;
  const absl::Time give_up = absl::Now() + ready_timeout;
  while (absl::Now() < give_up) {
    int wstatus = 0;
    if (waitpid(pid, &wstatus, WNOHANG) == pid) {
      proc->stopped_ = true;
      return absl::FailedPreconditionError(
          absl::StrCat(binary, " exited during start-up; its log:\n", proc->ReadLog()));
    }
    if (auto port = LastLoggedInt(proc->ReadLog(), "server_started", "port"); port && *port > 0) {
      proc->port_ = static_cast<int>(*port);
      return proc;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  proc->Stop(absl::Seconds(2));
  return absl::DeadlineExceededError(absl::StrCat(binary, " did not report its port within ",
                                                  absl::FormatDuration(ready_timeout)));
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Launch(const std::string& binary,
                                                                     std::vector<std::string> args,
                                                                     const std::string& log_path) {
  args.insert(args.begin(), binary);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // The child must not inherit our blocked signal mask or it could not be stopped with SIGTERM
  // before it installs its own handling.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return absl::InternalError(absl::StrCat("cannot start ", binary, ": ", strerror(rc)));

  return std::unique_ptr<ServerProcess>(new ServerProcess(pid, log_path));
}

std::string RandomHex(int words) {
  absl::BitGen gen;
  std::string out;
  for (int i = 0; i < words; ++i) out += absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
  return out;
}

absl::StatusOr<SpawnCredentials> MakeSpawnCredentials(const std::string& dir,
                                                      const std::string& tool,
                                                      const std::string& principal,
                                                      const std::string& roles) {
  SpawnCredentials c;
  c.dir = dir;
  if (c.dir.empty()) {
    std::string tmpl = absl::StrCat("/tmp/", tool, ".XXXXXX");
    if (mkdtemp(tmpl.data()) == nullptr) {
      return absl::InternalError("cannot create a temporary directory");
    }
    c.dir = tmpl;
  }
  c.token = absl::StrCat("gx_", tool, "_", RandomHex(4));
  c.tokens_file = c.dir + "/tokens";
  c.audit_key_file = c.dir + "/audit.key";
  std::ofstream tokens(c.tokens_file);
  tokens << Sha256Hex(c.token) << " " << principal << " " << roles << "\n";
  std::ofstream key(c.audit_key_file);
  key << RandomHex(4) << "\n";
  if (!tokens.good() || !key.good()) {
    return absl::InternalError(absl::StrCat("cannot write credentials in ", c.dir));
  }
  return c;
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool WaitForTcp(int port, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool up = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (up) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

ServerProcess::~ServerProcess() { Stop(absl::Seconds(10)); }

double ServerProcess::CpuSeconds() const {
  std::ifstream in(absl::StrCat("/proc/", pid_, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> fields = absl::StrSplit(text.substr(close + 2), ' ');
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return -1;
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

int64_t ServerProcess::RssKb() const {
  std::ifstream in(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "VmRSS:")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, "kB");
    int64_t kb = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &kb)) return kb;
  }
  return -1;
}

void ServerProcess::Stop(absl::Duration grace) {
  if (stopped_) return;
  stopped_ = true;
  kill(pid_, SIGTERM);
  const absl::Time give_up = absl::Now() + grace;
  int wstatus = 0;
  while (absl::Now() < give_up) {
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) return;
    absl::SleepFor(absl::Milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &wstatus, 0);
}

void ServerProcess::Kill() {
  if (stopped_) return;
  stopped_ = true;
  kill(pid_, SIGKILL);
  int wstatus = 0;
  waitpid(pid_, &wstatus, 0);
}

std::string ServerProcess::ReadLog() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<int64_t> LastLoggedInt(absl::string_view log, absl::string_view event,
                                     absl::string_view key) {
  const std::string event_field = absl::StrCat("\"event\":\"", event, "\"");
  const std::string key_field = absl::StrCat("\"", key, "\":");
  std::optional<int64_t> found;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (line.find(event_field) == absl::string_view::npos) continue;
    const size_t at = line.find(key_field);
    if (at == absl::string_view::npos) continue;
    absl::string_view rest = line.substr(at + key_field.size());
    const size_t end = rest.find_first_of(",}");
    int64_t value = 0;
    if (absl::SimpleAtoi(rest.substr(0, end), &value)) found = value;
  }
  return found;
}

}  // namespace gaoxin::load
