// The flags that tune change feeds, Watch streams and dashboard streams, shared by every
// service (each with its GAOXIN_<FLAG> environment twin).
#ifndef GAOXIN_COMMON_WATCH_WATCH_FLAGS_H_
#define GAOXIN_COMMON_WATCH_WATCH_FLAGS_H_

#include "absl/strings/string_view.h"
#include "common/watch/change_feed.h"
#include "common/watch/summary_reactor.h"
#include "common/watch/watch_reactor.h"

namespace gaoxin::watch {

// The feed of `service` ("leads"): Redis stream "gaoxin:events:<service>" on --redis.
FeedOptions FeedOptionsFromFlags(absl::string_view service);
WatchOptions WatchOptionsFromFlags();
SummaryOptions SummaryOptionsFromFlags();

}  // namespace gaoxin::watch

#endif  // GAOXIN_COMMON_WATCH_WATCH_FLAGS_H_
