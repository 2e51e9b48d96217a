// The in-process service under fuzz, wired the way services/*/main.cc and common/service_main.cc
// wire a server, with what a fuzzer needs instead of flags: see service_harness.h.
#include "tests/fuzz/service_harness.h"

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/audit/audit_log.h"
#include "common/client.h"
#include "common/db/commit_notifier.h"
#include "common/db/sqlite_database.h"
#include "common/redis/redis_client.h"
#include "common/roles.h"
#include "common/server.h"
#include "common/transport.h"
#include "common/watch/watch_flags.h"
#include "google/protobuf/stubs/logging.h"
#include "tests/support/hostile.h"

namespace gaoxin::fuzz {
namespace {

// The store's directory, removed at exit and before an abort; on tmpfs when there is one, since
// every accepted write is an fsync (synchronous=FULL) and that would cap the executions per second.
std::string* store_dir = nullptr;

void RemoveStore() {
  if (store_dir == nullptr) return;
  std::error_code ec;
  std::filesystem::remove_all(*store_dir, ec);
}

std::string MakeStoreDir(const std::string& name) {
  for (const char* base : {"/dev/shm", "/tmp"}) {
    std::string pattern = absl::StrCat(base, "/gaoxin-fuzz-", name, "-XXXXXX");
    if (mkdtemp(pattern.data()) != nullptr) return pattern;
  }
  return "";
}

[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "service_harness: %s\n", why.c_str());
  RemoveStore();
  std::abort();
}

template <typename T>
T OrFail(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) Fail(absl::StrCat(what, ": ", value.status().ToString()));
  return *std::move(value);
}

// Every role of common/roles.h but admin, so that each method's own role is what lets a call in.
std::string EveryRole() {
  const std::vector<absl::string_view> roles = {
      kLeadsReader,    kLeadsWriter,    kEnterpriseReader, kEnterpriseWriter,
      kPetitionReader, kPetitionWriter, kPetitionPii,      kAuditor};
  return absl::StrJoin(roles, ",");
}

// Protobuf logs every string that is not UTF-8 as it parses one; the pipeline refuses those with
// INVALID_ARGUMENT, and thousands of such lines a second would bury libFuzzer's own output.
void QuietProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                      const std::string& message) {
  if (level >= google::protobuf::LOGLEVEL_FATAL) {
    std::fprintf(stderr, "[libprotobuf FATAL %s:%d] %s\n", file, line, message.c_str());
  }
}

}  // namespace

audit::AuditKey FuzzAuditKey() { return audit::AuditKey::FromBytesForTest(std::string(32, 'f')); }

ServiceHarness& ServiceHarness::Start(const ServiceSpec& spec) {
  store_dir = new std::string(MakeStoreDir(spec.name));
  if (store_dir->empty()) Fail("cannot create a directory for the store");
  std::atexit(RemoveStore);
  google::protobuf::SetLogHandler(&QuietProtobufLog);

  // Never destroyed: the server keeps running until the process exits, and libFuzzer exits
  // without returning here. Everything it uses is kept in harness->kept_.
  auto* harness = new ServiceHarness();
  harness->descriptor_ = spec.descriptor;
  ServiceEnv env;
  env.kept = &harness->kept_;

  db::SqliteDatabase* store = env.Keep(
      OrFail(db::SqliteDatabase::Open(*store_dir + "/" + spec.name + ".db"), "open store"));
  if (absl::Status s = spec.migrate(*store); !s.ok()) Fail(absl::StrCat("migrate: ", s.ToString()));
  store->SetAuditSink(std::make_shared<audit::AuditLog>(FuzzAuditKey()));
  auto* feed = env.Keep(std::make_unique<watch::ChangeFeed>(
      store, watch::FeedOptionsFromFlags(spec.name, redis::RedisOptions{})));
  if (absl::Status s = feed->Start(); !s.ok()) Fail(absl::StrCat("feed: ", s.ToString()));
  env.db =
      env.Keep(std::make_unique<db::CommitNotifier>(store, [feed] { feed->NotifyLocalCommit(); }));
  env.feed = feed;
  env.auth = env.Keep(
      OrFail(Authenticator::FromText(absl::StrCat(Sha256Hex(kFuzzToken), " fuzzer ", EveryRole())),
             "tokens"));
  // An empty address disables Redis, as an empty --redis does in main().
  auto* redis = env.Keep(std::make_unique<redis::RedisClient>(redis::RedisOptions{}));
  env.cache = env.Keep(std::make_unique<redis::Cache>(redis, spec.name, absl::Seconds(60)));
  env.watch = watch::WatchOptionsFromFlags();
  env.summary = watch::SummaryOptionsFromFlags();
  grpc::Service* service = env.Keep(spec.make(env));

  ServerSettings settings;
  settings.service_name = spec.descriptor->full_name();
  settings.listen = "127.0.0.1:0";
  settings.auth = env.auth;
  // No per-RPC log lines (they would dominate the run), and no max connection age: its GOAWAY
  // could fail a call in flight with UNAVAILABLE, which would look like a finding.
  settings.log_rpcs = false;
  settings.max_connection_age_ms = 0;
  // Loopback inside one process: TLS would only spend the fuzzer's time on handshakes.
  settings.transport.insecure_plaintext = true;
  ClientTransport plaintext;
  plaintext.insecure_plaintext = true;
  if (absl::Status s = SetClientTransport(plaintext); !s.ok()) Fail(s.ToString());
  auto* server = env.Keep(std::make_unique<GrpcServer>(settings));
  server->AddService(service);
  if (absl::Status s = server->Start(); !s.ok()) Fail(absl::StrCat("server: ", s.ToString()));

  harness->channel_ = MakeChannel(absl::StrCat("127.0.0.1:", server->port()));
  if (!harness->channel_->WaitForConnected(std::chrono::system_clock::now() +
                                           std::chrono::seconds(10))) {
    Fail("cannot connect to the server");
  }
  return *harness;
}

void FuzzOneRequest(ServiceHarness& harness, const uint8_t* data, size_t size) {
  if (size == 0) return;
  const google::protobuf::ServiceDescriptor* service = harness.descriptor();
  const google::protobuf::MethodDescriptor* method =
      service->method(data[0] % service->method_count());
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  // A stream that passed validation may have nothing to send yet: 50 ms keeps it cheap, and the
  // deadline then means it was open (accepted). A unary call has no reason to take 5 s here.
  const bool stream = method->server_streaming();
  const testing::RawResult r = testing::CallRaw(harness.channel(), method, body, kFuzzToken,
                                                stream ? absl::Milliseconds(50) : absl::Seconds(5));
  const bool timed_out = r.status.code() == absl::StatusCode::kDeadlineExceeded;
  if (stream && timed_out) return;
  if (!testing::IsCanonicalOutcome(r.status) || timed_out) {
    Fail(absl::StrCat(method->full_name(), " answered a non-canonical ",
                      r.status.ToString().substr(0, 2000)));
  }
  // The bounds the hostile suites hold every answer to: an error must not echo the input back.
  if (r.status.message().size() >= 4096 || r.trailer_bytes >= 16384) {
    Fail(absl::StrCat(method->full_name(), " echoed too much: message ", r.status.message().size(),
                      " bytes, trailers ", r.trailer_bytes));
  }
}

}  // namespace gaoxin::fuzz
