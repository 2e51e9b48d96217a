#include "common/log.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gaoxin {
namespace {

// Owns the buffer and the thread that flushes it; leaked on purpose so logging works during
// static destruction.
class LogSink {
 public:
  LogSink() {
    std::thread([this] {
      while (true) {
        absl::SleepFor(absl::Milliseconds(200));
        Flush();
      }
    }).detach();
  }

  void Write(const std::string& line) {
    absl::MutexLock lock(&mu_);
    buffer_.append(line);
    if (buffer_.size() > (1 << 16)) FlushLocked();
  }

  void Flush() {
    absl::MutexLock lock(&mu_);
    FlushLocked();
  }

 private:
  void FlushLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (buffer_.empty()) return;
    fwrite(buffer_.data(), 1, buffer_.size(), stderr);
    fflush(stderr);
    buffer_.clear();
  }

  absl::Mutex mu_;
  std::string buffer_ ABSL_GUARDED_BY(mu_);
};

LogSink& Sink() {
  static LogSink* sink = [] {
    auto* s = new LogSink();
    std::atexit([] { FlushLogs(); });
    return s;
  }();
  return *sink;
}

}  // namespace

void AppendJsonString(std::string* out, absl::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

LogEvent::LogEvent(absl::string_view event, absl::string_view level) {
  line_ = "{\"ts\":";
  AppendJsonString(&line_,
                   absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()));
  line_.append(",\"level\":");
  AppendJsonString(&line_, level);
  line_.append(",\"event\":");
  AppendJsonString(&line_, event);
}

LogEvent& LogEvent::Str(absl::string_view key, absl::string_view value) {
  line_.push_back(',');
  AppendJsonString(&line_, key);
  line_.push_back(':');
  AppendJsonString(&line_, value);
  return *this;
}

LogEvent& LogEvent::Int(absl::string_view key, int64_t value) {
  line_.push_back(',');
  AppendJsonString(&line_, key);
  absl::StrAppend(&line_, ":", value);
  return *this;
}

LogEvent& LogEvent::Double(absl::string_view key, double value) {
  line_.push_back(',');
  AppendJsonString(&line_, key);
  absl::StrAppendFormat(&line_, ":%.3f", value);
  return *this;
}

LogEvent& LogEvent::Bool(absl::string_view key, bool value) {
  line_.push_back(',');
  AppendJsonString(&line_, key);
  line_.append(value ? ":true" : ":false");
  return *this;
}

void LogEvent::Emit() {
  line_.append("}\n");
  Sink().Write(line_);
  line_.clear();
}

void FlushLogs() { Sink().Flush(); }

}  // namespace gaoxin
