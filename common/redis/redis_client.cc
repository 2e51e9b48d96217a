#include "common/redis/redis_client.h"

#include <hiredis/hiredis.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace gaoxin::redis {
namespace {

Reply Convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
  }
  return out;
}

}  // namespace

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {
  if (!enabled()) return;
  auto colon = options_.address.rfind(':');
  host_ = options_.address.substr(0, colon);
  if (colon == std::string::npos || !absl::SimpleAtoi(options_.address.substr(colon + 1), &port_)) {
    host_ = options_.address;
    port_ = 6379;
  }
}

RedisClient::~RedisClient() {
  absl::MutexLock lock(&mu_);
  if (ctx_ != nullptr) redisFree(ctx_);
}

bool RedisClient::ConnectLocked() {
  if (ctx_ != nullptr) return true;
  if (absl::Now() < retry_after_) return false;
  timeval tv = absl::ToTimeval(options_.timeout);
  redisContext* c = redisConnectWithTimeout(host_.c_str(), port_, tv);
  if (c == nullptr || c->err) {
    MarkDownLocked("redis_down", c != nullptr ? c->errstr : "cannot allocate context");
    if (c != nullptr) redisFree(c);
    return false;
  }
  redisSetTimeout(c, tv);
  ctx_ = c;
  if (absl::Status auth = AuthenticateLocked(); !auth.ok()) {
    MarkDownLocked(absl::IsUnavailable(auth) ? "redis_down" : "redis_auth_failed",
                   std::string(auth.message()));
    return false;
  }
  if (!down_event_.empty()) {
    down_event_.clear();
    LogEvent("redis_up").Str("address", options_.address).Str("user", options_.user).Emit();
  }
  return true;
}

absl::Status RedisClient::AuthenticateLocked() {
  if (options_.password.empty()) return absl::OkStatus();
  std::vector<const char*> argv = {"AUTH"};
  std::vector<size_t> lens = {4};
  if (!options_.user.empty()) {
    argv.push_back(options_.user.data());
    lens.push_back(options_.user.size());
  }
  argv.push_back(options_.password.data());
  lens.push_back(options_.password.size());
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()));
  if (r == nullptr) return absl::UnavailableError(absl::StrCat("AUTH: ", ctx_->errstr));
  absl::Status status = absl::OkStatus();
  if (r->type == REDIS_REPLY_ERROR) {
    // Redis' reply (WRONGPASS ...) names no secret; the password is never part of a message.
    status = absl::PermissionDeniedError(
        absl::StrCat("AUTH as user '", options_.user.empty() ? "default" : options_.user,
                     "' refused: ", absl::string_view(r->str, r->len)));
  }
  freeReplyObject(r);
  return status;
}

void RedisClient::MarkDownLocked(absl::string_view event, const std::string& error) {
  failures_.fetch_add(1);
  retry_after_ = absl::Now() + options_.retry_backoff;
  if (ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  if (down_event_ != event) {
    down_event_ = std::string(event);
    LogEvent(event, event == "redis_down" ? "warn" : "error")
        .Str("address", options_.address)
        .Str("user", options_.user)
        .Str("error", error)
        .Emit();
  }
}

absl::StatusOr<Reply> RedisClient::Command(const std::vector<std::string>& args) {
  return CommandWithTimeout(args, options_.timeout);
}

absl::StatusOr<Reply> RedisClient::CommandWithTimeout(const std::vector<std::string>& args,
                                                      absl::Duration timeout) {
  if (!enabled()) return absl::UnavailableError("redis disabled");
  absl::MutexLock lock(&mu_);
  if (!ConnectLocked()) return absl::UnavailableError("redis unavailable");
  if (timeout != options_.timeout) redisSetTimeout(ctx_, absl::ToTimeval(timeout));
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data()));
  if (r == nullptr) {
    std::string err = ctx_->errstr;
    MarkDownLocked("redis_down", err);
    return absl::UnavailableError(absl::StrCat("redis: ", err));
  }
  if (timeout != options_.timeout) redisSetTimeout(ctx_, absl::ToTimeval(options_.timeout));
  if (r->type == REDIS_REPLY_ERROR) {
    std::string err(r->str, r->len);
    freeReplyObject(r);
    if (absl::StartsWith(err, "NOAUTH")) {
      // The server wants a password this client was not given (or AUTH was lost): as bad as
      // Redis being down, and as quiet: back off, log once.
      MarkDownLocked("redis_auth_failed", err);
      return absl::UnavailableError(absl::StrCat("redis: ", err));
    }
    failures_.fetch_add(1);
    if (absl::StartsWith(err, "NOPERM")) {
      // The ACL user may not run this command or touch this key: a deployment mistake, the same
      // on every call, so it is logged once.
      if (!denied_logged_) {
        denied_logged_ = true;
        LogEvent("redis_denied", "error")
            .Str("address", options_.address)
            .Str("user", options_.user)
            .Str("command", args.empty() ? "" : args[0])
            .Str("error", err)
            .Emit();
      }
      return absl::PermissionDeniedError(absl::StrCat("redis: ", err));
    }
    return absl::InternalError(absl::StrCat("redis: ", err));
  }
  Reply reply = Convert(r);
  freeReplyObject(r);
  return reply;
}

}  // namespace gaoxin::redis
