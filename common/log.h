// Structured logging: one JSON object per line on stderr, for log collectors in Kubernetes.
//
//   LogEvent("server_started").Str("listen", addr).Int("port", port).Emit();
//
// Lines are buffered and flushed by a background thread at least every 200 ms (and at exit), so
// that logging every RPC costs no system call on the hot path.
#ifndef GAOXIN_COMMON_LOG_H_
#define GAOXIN_COMMON_LOG_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace gaoxin {

class LogEvent {
 public:
  // `event` names what happened (e.g. "rpc", "server_started"); `level` is info|warn|error.
  explicit LogEvent(absl::string_view event, absl::string_view level = "info");
  LogEvent& Str(absl::string_view key, absl::string_view value);
  LogEvent& Int(absl::string_view key, int64_t value);
  LogEvent& Double(absl::string_view key, double value);
  LogEvent& Bool(absl::string_view key, bool value);
  // Writes the line. Must be called once.
  void Emit();

 private:
  std::string line_;
};

// Appends `s` to `out` as a JSON string literal (with quotes).
void AppendJsonString(std::string* out, absl::string_view s);

// Flushes buffered log lines now (called on shutdown).
void FlushLogs();

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_LOG_H_
