// The flags that tune change feeds, Watch streams and dashboard streams, shared by every
// service (each with its GAOXIN_<FLAG> environment twin).
#ifndef GAOXIN_COMMON_WATCH_WATCH_FLAGS_H_
#define GAOXIN_COMMON_WATCH_WATCH_FLAGS_H_

#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"
#include "common/watch/change_feed.h"
#include "common/watch/summary_reactor.h"
#include "common/watch/watch_reactor.h"

namespace gaoxin::watch {

// The feed of `service` ("leads"): Redis stream "gaoxin:events:<service>" on `redis`
// (RedisOptionsFromFlags() in common/service_main.h; an empty address: no Redis).
FeedOptions FeedOptionsFromFlags(absl::string_view service, redis::RedisOptions redis);
WatchOptions WatchOptionsFromFlags();
SummaryOptions SummaryOptionsFromFlags();

}  // namespace gaoxin::watch

#endif  // GAOXIN_COMMON_WATCH_WATCH_FLAGS_H_
