#include "common/service_main.h"

#include <fstream>
#include <iterator>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/log.h"
#include "common/pagination.h"
#include "common/status_macros.h"
#include "common/watch/watch_flags.h"

namespace gaoxin {

int FailStartup(const absl::Status& status) {
  LogEvent("startup_failed", "error").Str("error", status.ToString()).Emit();
  FlushLogs();
  return 1;
}

absl::StatusOr<std::unique_ptr<db::SqliteDatabase>> OpenStore(
    absl::string_view service, const std::function<absl::Status(db::Database&)>& migrate) {
  std::string path = absl::GetFlag(FLAGS_db);
  if (path.empty()) path = absl::StrCat("var/", service, ".db");
  ASSIGN_OR_RETURN(std::unique_ptr<db::SqliteDatabase> store, db::SqliteDatabase::Open(path));
  RETURN_IF_ERROR(migrate(*store));
  // Commit counts at start and stop let a benchmark work out the average group-commit size.
  LogEvent("db_ready").Str("path", path).Int("commits", store->commit_count()).Emit();
  return store;
}

std::unique_ptr<redis::RedisClient> RedisFromFlags() {
  return std::make_unique<redis::RedisClient>(redis::RedisOptions{
      absl::GetFlag(FLAGS_redis), absl::Milliseconds(absl::GetFlag(FLAGS_redis_timeout_ms))});
}

absl::StatusOr<LiveStore> StartLiveStore(db::Database* store, absl::string_view service) {
  LiveStore live;
  live.feed = std::make_unique<watch::ChangeFeed>(store, watch::FeedOptionsFromFlags(service));
  RETURN_IF_ERROR(live.feed->Start());
  watch::ChangeFeed* feed = live.feed.get();
  live.db = std::make_unique<db::CommitNotifier>(store, [feed] { feed->NotifyLocalCommit(); });
  return live;
}

absl::Status LoadPageTokenKey() {
  const std::string path = absl::GetFlag(FLAGS_page_token_key_file);
  if (path.empty()) {
    LogEvent("page_token_key").Str("source", "random, this process only").Emit();
    return absl::OkStatus();
  }
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return absl::NotFoundError("cannot read --page_token_key_file");
  if (key.size() < 16) {
    return absl::InvalidArgumentError("--page_token_key_file must hold at least 16 bytes");
  }
  SetPageTokenKey(key);
  LogEvent("page_token_key").Str("source", path).Emit();
  return absl::OkStatus();
}

int ServeUntilSignal(GrpcServer& server, watch::ChangeFeed* feed, db::SqliteDatabase* store) {
  if (absl::Status s = LoadPageTokenKey(); !s.ok()) return FailStartup(s);
  if (feed != nullptr) server.OnShutdown([feed] { feed->Stop(); });
  if (absl::Status s = server.Start(); !s.ok()) return FailStartup(s);
  const int code = server.RunUntilSignal();
  if (store != nullptr) LogEvent("db_stats").Int("commits", store->commit_count()).Emit();
  FlushLogs();
  return code;
}

}  // namespace gaoxin
