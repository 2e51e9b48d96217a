#include "common/redis/redis_client.h"

#include <hiredis/hiredis.h>

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
    MarkDownLocked(c != nullptr ? c->errstr : "cannot allocate context");
    if (c != nullptr) redisFree(c);
    return false;
  }
  redisSetTimeout(c, tv);
  ctx_ = c;
  if (down_) {
    down_ = false;
    LogEvent("redis_up").Str("address", options_.address).Emit();
  }
  return true;
}

void RedisClient::MarkDownLocked(const std::string& error) {
  failures_.fetch_add(1);
  retry_after_ = absl::Now() + options_.retry_backoff;
  if (ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  if (!down_) {
    down_ = true;
    LogEvent("redis_down", "warn").Str("address", options_.address).Str("error", error).Emit();
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
    MarkDownLocked(err);
    return absl::UnavailableError(absl::StrCat("redis: ", err));
  }
  if (timeout != options_.timeout) redisSetTimeout(ctx_, absl::ToTimeval(options_.timeout));
  if (r->type == REDIS_REPLY_ERROR) {
    std::string err(r->str, r->len);
    freeReplyObject(r);
    failures_.fetch_add(1);
    return absl::InternalError(absl::StrCat("redis: ", err));
  }
  Reply reply = Convert(r);
  freeReplyObject(r);
  return reply;
}

}  // namespace gaoxin::redis
