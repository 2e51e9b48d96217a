#include "common/config.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "common/transport.h"

ABSL_FLAG(std::string, listen, "",
          "host:port to serve gRPC on; empty = 0.0.0.0 and the service's default port");
ABSL_FLAG(std::string, db, "",
          "store location: a SQLite file path (default: ./var/<service>.db), or a PostgreSQL URI "
          "postgresql://user@host:port/dbname (no password in it: see --db_password_file)");
ABSL_FLAG(std::string, db_password_file, "",
          "PostgreSQL: a file holding only the password (libpq's PGPASSFILE works too)");
ABSL_FLAG(std::string, db_schema, "",
          "PostgreSQL: the schema of this service's tables (default: the service's name)");
ABSL_FLAG(int32_t, db_max_connections, 8, "PostgreSQL: reader connections per process, at most");
ABSL_FLAG(int32_t, db_connect_timeout_ms, 5000, "PostgreSQL: connect timeout");
ABSL_FLAG(int32_t, db_statement_timeout_ms, 15000,
          "PostgreSQL: longest a statement (or a wait for a lock) may take");
ABSL_FLAG(int32_t, db_max_queued_writes, 10000,
          "writes waiting for the store's writer, at most; past it writes are refused with "
          "RESOURCE_EXHAUSTED and a retry hint (0 = unbounded)");
ABSL_FLAG(std::string, redis, "", "Redis host:port for the shared cache; empty = no Redis");
ABSL_FLAG(std::string, redis_user, "",
          "Redis ACL user this service AUTHs as (deploy/redis/make-acl.sh); empty = the default "
          "user");
ABSL_FLAG(std::string, redis_password_file, "",
          "file holding only the password of --redis_user, sent with AUTH after every connect; "
          "empty = no AUTH");
ABSL_FLAG(std::string, tokens_file, "",
          "file mapping SHA-256(token) to principal and roles; see README");
ABSL_FLAG(bool, allow_unauthenticated, false,
          "serve without a tokens file: every caller is 'anonymous' with every role (dev only)");
ABSL_FLAG(int32_t, tokens_reload_interval_ms, 2000,
          "how often the tokens file is checked for changes (a revoked token stops working within "
          "this time, without a restart)");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain this process presents: as a server on its listener, as a client "
          "to servers that require mutual TLS; re-read when it changes");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "servers: PEM CA bundle; when set, every client must present a certificate it signed "
          "(mutual TLS)");
ABSL_FLAG(std::string, tls_ca_file, "",
          "clients: PEM CA bundle that must have signed the servers' certificates; empty = the "
          "system's roots");
ABSL_FLAG(bool, insecure_plaintext, false,
          "serve and call without TLS: tokens and personal data in clear (development only)");
ABSL_FLAG(int32_t, tls_reload_interval_s, 10,
          "how often certificate and CA files are checked for changes (rotation without restart)");
ABSL_FLAG(std::string, health_listen, "",
          "host:port of a plaintext listener serving only grpc.health.v1, for probes that cannot "
          "speak TLS (Kubernetes' grpc probe); empty = none");
ABSL_FLAG(int32_t, shutdown_grace_ms, 10000,
          "on SIGTERM, how long in-flight calls may finish before they are cancelled; keep it "
          "below Kubernetes' terminationGracePeriodSeconds");
ABSL_FLAG(int32_t, max_connection_age_ms, 300000,
          "close client connections after this age so load spreads after scale-out");
ABSL_FLAG(int32_t, keepalive_time_ms, 60000, "server keepalive ping interval on idle connections");
ABSL_FLAG(int32_t, max_message_bytes, 8 << 20, "largest request or response message");
ABSL_FLAG(int32_t, redis_timeout_ms, 200, "Redis connect and command timeout");
ABSL_FLAG(int32_t, cache_ttl_s, 60, "time-to-live of cached summaries in Redis");
ABSL_FLAG(bool, log_rpcs, true, "log one JSON line per RPC");
ABSL_FLAG(int32_t, max_in_flight_calls, 2000,
          "calls (watch streams aside) one process serves at once; past it calls are refused "
          "with RESOURCE_EXHAUSTED and a retry hint (0 = unbounded)");
ABSL_FLAG(std::string, page_token_key_file, "",
          "file whose bytes (at least 16) sign page tokens; replicas behind one address share it. "
          "Empty: a random key per process (tokens end with the process)");
ABSL_FLAG(std::string, audit_key_file, "",
          "file holding the write audit's HMAC chain key as hex text, at least 64 hex digits "
          "(openssl rand -hex 32); required, and not the --pii_key_file. Replicas of a service "
          "share it, and `gaoxinctl audit verify` needs it");
ABSL_FLAG(int32_t, audit_retention_days, 0,
          "write-audit records older than this many days are removed (never the newest; the "
          "chain stays verifiable from its anchor); 0 = kept forever. Its own setting, not the "
          "change log's");
ABSL_FLAG(int32_t, audit_retention_s_for_testing, 0,
          "tests only: the audit retention in seconds, used instead of --audit_retention_days "
          "when above 0");
ABSL_FLAG(bool, serve_echo, false,
          "also serve gaoxin.testing.v1.EchoService, the load tool's baseline");

namespace gaoxin {
namespace {

// Our flags are the ones defined in this repository's sources, not Abseil's or gRPC's own.
bool IsOurFlag(const absl::CommandLineFlag& flag) {
  const std::string file = flag.Filename();
  return absl::StrContains(file, "common/") || absl::StrContains(file, "services/") ||
         absl::StrContains(file, "tools/") || absl::StrContains(file, "tests/");
}

}  // namespace

std::string EnvName(absl::string_view flag_name) {
  return absl::StrCat("GAOXIN_", absl::AsciiStrToUpper(flag_name));
}

bool IsSecretFlag(absl::string_view flag_name) {
  // Paths to secrets and settings about them (tokens_reload_interval_ms) are not secrets.
  for (absl::string_view tail : {"_file", "_ms", "_s"}) {
    if (absl::EndsWith(flag_name, tail)) return false;
  }
  for (absl::string_view word : {"key", "secret", "password", "token"}) {
    if (absl::StrContains(flag_name, word)) return true;
  }
  return false;
}

bool ApplyEnvironment(std::string* error) {
  for (auto& [name, flag] : absl::GetAllFlags()) {
    if (!IsOurFlag(*flag)) continue;
    const char* value = std::getenv(EnvName(name).c_str());
    if (value == nullptr) continue;
    std::string parse_error;
    if (!flag->ParseFrom(value, &parse_error)) {
      *error = absl::StrCat(EnvName(name), ": ", parse_error);
      return false;
    }
  }
  return true;
}

std::vector<char*> InitConfig(int argc, char** argv, absl::string_view program) {
  // Debian's Abseil is built with mutex deadlock detection on: a debugging aid that records a
  // graph node per lock and showed up at several percent of CPU under load (docs/BENCHMARKS.md).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      absl::StrCat(program,
                   ": a gaoxin gRPC service. Every flag has an environment twin "
                   "GAOXIN_<FLAG>; the command line wins."));
  std::string error;
  if (!ApplyEnvironment(&error)) {
    LogEvent("config_error", "error").Str("error", error).Emit();
    FlushLogs();
    std::exit(2);
  }
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);

  LogEvent event("config");
  event.Str("program", program);
  for (auto& [name, flag] : absl::GetAllFlags()) {
    if (!IsOurFlag(*flag)) continue;
    std::string value = flag->CurrentValue();
    if (IsSecretFlag(name) && !value.empty()) value = "<redacted>";
    event.Str(name, value);
  }
  event.Emit();
  // A server is a client too (petition -> enterprise -> leads): its channels use the same TLS
  // flags, its own certificate presented for mutual TLS.
  if (absl::Status s = ConfigureClientTransportFromFlags(); !s.ok()) {
    LogEvent("config_error", "error").Str("error", s.ToString()).Emit();
    FlushLogs();
    std::exit(2);
  }
  return positional;
}

std::vector<char*> InitCliConfig(int argc, char** argv, absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  std::string error;
  if (!ApplyEnvironment(&error)) {
    fprintf(stderr, "%s\n", error.c_str());
    std::exit(2);
  }
  return absl::ParseCommandLine(argc, argv);
}

std::string ListenAddress(int default_port) {
  std::string listen = absl::GetFlag(FLAGS_listen);
  if (!listen.empty()) return listen;
  return absl::StrCat("0.0.0.0:", default_port);
}

}  // namespace gaoxin
