// Fuzzing support: one real gaoxin service started inside the fuzzer's process (SQLite store with
// its migrations, change feed, an authenticator whose one token holds every role, no Redis,
// GrpcServer on a loopback port), and FuzzOneRequest, which sends one fuzzer input to it as the
// raw request of one method. A request that gets a non-canonical answer (UNKNOWN, INTERNAL,
// UNIMPLEMENTED, UNAVAILABLE, DATA_LOSS, or DEADLINE_EXCEEDED on a unary call) aborts, so libFuzzer
// records it as a crash; so do an error that echoes too much (message >= 4 KiB, trailers >= 16 KiB,
// the hostile suites' bounds) and any sanitizer report in the server code.
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     static gaoxin::fuzz::ServiceHarness& harness = gaoxin::fuzz::ServiceHarness::Start(Spec());
//     gaoxin::fuzz::FuzzOneRequest(harness, data, size);
//     return 0;
//   }
//
// Input layout: byte 0 picks the method, `data[0] % method_count()` in the service descriptor's
// order (every method; server-streaming ones are read until their first message); the rest is
// the request body exactly as sent on the wire. The seed corpora in tests/fuzz/corpus/ follow it.
// One store serves the whole run, so an answer may depend on earlier inputs (a Get finds what a
// Create made): a crash that does not reproduce alone may need the run's corpus replayed first.
//
// The harness only knows the plumbing: each *_request_fuzzer.cc builds its own service over it
// (this library does not link the services, so it must not include their headers).
#ifndef GAOXIN_TESTS_FUZZ_SERVICE_HARNESS_H_
#define GAOXIN_TESTS_FUZZ_SERVICE_HARNESS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/audit/audit_chain.h"
#include "common/auth.h"
#include "common/db/database.h"
#include "common/redis/cache.h"
#include "common/watch/change_feed.h"
#include "common/watch/summary_reactor.h"
#include "common/watch/watch_reactor.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/channel.h"
#include "grpcpp/impl/service_type.h"

namespace gaoxin::fuzz {

// The bearer token the harness's authenticator knows; it holds every role of common/roles.h.
inline constexpr char kFuzzToken[] = "fuzz-token-every-role";

// What the harness has ready when it asks a fuzzer to build its service.
// The fixed key of the harness's write audit (a server's --audit_key_file).
audit::AuditKey FuzzAuditKey();

struct ServiceEnv {
  // The store as services write through it (wakes the feed). Audited like a server's store
  // (OpenStore): an AuditLog without options; a service whose audit needs some (petition's
  // seals) sets its own with db->SetAuditSink.
  db::Database* db = nullptr;
  watch::ChangeFeed* feed = nullptr;
  const Authenticator* auth = nullptr;
  redis::Cache* cache = nullptr;  // backed by no Redis, as with an empty --redis
  watch::WatchOptions watch;
  watch::SummaryOptions summary;

  // Keeps `object` for the life of the process, reachable from the harness so that
  // LeakSanitizer does not report what is never freed on purpose.
  template <typename T>
  T* Keep(std::unique_ptr<T> object) const {
    T* raw = object.get();
    kept->push_back(std::shared_ptr<void>(std::move(object)));
    return raw;
  }
  std::vector<std::shared_ptr<void>>* kept = nullptr;
};

struct ServiceSpec {
  std::string name;  // "leads": names the store file, the cache namespace and the feed
  const google::protobuf::ServiceDescriptor* descriptor = nullptr;
  std::function<absl::Status(db::Database&)> migrate;
  // Builds the service (and whatever it needs, which lives as long as the process) over `env`.
  std::function<std::unique_ptr<grpc::Service>(const ServiceEnv&)> make;
};

class ServiceHarness {
 public:
  // Starts the service of `spec` and returns it; never destroyed (the fuzzer's process ends with
  // it running). Aborts when it cannot start: every input would otherwise look harmless.
  static ServiceHarness& Start(const ServiceSpec& spec);

  const google::protobuf::ServiceDescriptor* descriptor() const { return descriptor_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  ServiceHarness() = default;
  // Everything the running service uses (store, feed, server, ...), never released.
  std::vector<std::shared_ptr<void>> kept_;
  const google::protobuf::ServiceDescriptor* descriptor_ = nullptr;
  std::shared_ptr<grpc::Channel> channel_;
};

// Sends data[1..] as the request of method data[0] % method_count(), with kFuzzToken and a 5 s
// deadline (50 ms for a server stream, which is accepted once open), and aborts on a
// non-canonical answer. Empty inputs are ignored.
void FuzzOneRequest(ServiceHarness& harness, const uint8_t* data, size_t size);

}  // namespace gaoxin::fuzz

#endif  // GAOXIN_TESTS_FUZZ_SERVICE_HARNESS_H_
