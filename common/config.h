// Process configuration: every setting is an Abseil flag with an environment-variable twin named
// GAOXIN_<FLAG> (upper case). The command line wins over the environment, which wins over the
// default. The effective configuration is logged at start-up with secrets redacted.
//
//   int main(int argc, char** argv) {
//     gaoxin::InitConfig(argc, argv, "leads_server");
//     std::string listen = gaoxin::ListenAddress(50051);
//
// The flags every server binary shares are declared here; a service adds its own with ABSL_FLAG
// in its main.cc and they get the environment twin and the start-up print for free.
#ifndef GAOXIN_COMMON_CONFIG_H_
#define GAOXIN_COMMON_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/strings/string_view.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, db);
ABSL_DECLARE_FLAG(std::string, db_password_file);
ABSL_DECLARE_FLAG(std::string, db_schema);
ABSL_DECLARE_FLAG(int32_t, db_max_connections);
ABSL_DECLARE_FLAG(int32_t, db_connect_timeout_ms);
ABSL_DECLARE_FLAG(int32_t, db_statement_timeout_ms);
ABSL_DECLARE_FLAG(int32_t, db_max_queued_writes);
ABSL_DECLARE_FLAG(std::string, redis);
ABSL_DECLARE_FLAG(std::string, redis_user);
ABSL_DECLARE_FLAG(std::string, redis_password_file);
ABSL_DECLARE_FLAG(std::string, tokens_file);
ABSL_DECLARE_FLAG(bool, allow_unauthenticated);
ABSL_DECLARE_FLAG(std::string, tls_cert_file);
ABSL_DECLARE_FLAG(std::string, tls_key_file);
ABSL_DECLARE_FLAG(std::string, tls_client_ca_file);
ABSL_DECLARE_FLAG(std::string, tls_ca_file);
ABSL_DECLARE_FLAG(bool, insecure_plaintext);
ABSL_DECLARE_FLAG(int32_t, tls_reload_interval_s);
ABSL_DECLARE_FLAG(int32_t, tokens_reload_interval_ms);
ABSL_DECLARE_FLAG(std::string, health_listen);
ABSL_DECLARE_FLAG(int32_t, shutdown_grace_ms);
ABSL_DECLARE_FLAG(int32_t, max_connection_age_ms);
ABSL_DECLARE_FLAG(int32_t, keepalive_time_ms);
ABSL_DECLARE_FLAG(int32_t, max_message_bytes);
ABSL_DECLARE_FLAG(int32_t, redis_timeout_ms);
ABSL_DECLARE_FLAG(int32_t, cache_ttl_s);
ABSL_DECLARE_FLAG(bool, log_rpcs);
ABSL_DECLARE_FLAG(int32_t, max_in_flight_calls);
ABSL_DECLARE_FLAG(std::string, page_token_key_file);
ABSL_DECLARE_FLAG(std::string, audit_key_file);
ABSL_DECLARE_FLAG(int32_t, audit_retention_days);
ABSL_DECLARE_FLAG(int32_t, audit_retention_s_for_testing);
ABSL_DECLARE_FLAG(bool, serve_echo);

namespace gaoxin {

// Applies GAOXIN_* environment variables, parses the command line and logs the effective
// configuration. Exits with a usage message on an unknown flag or a bad value.
// Returns the positional arguments.
std::vector<char*> InitConfig(int argc, char** argv, absl::string_view program);

// The same for command-line tools: environment twins and parsing, but no configuration log line.
std::vector<char*> InitCliConfig(int argc, char** argv, absl::string_view usage);

// Applies GAOXIN_<FLAG> environment variables to flags not yet set. Exposed for tests.
// Returns false and fills `error` when a variable holds a bad value.
bool ApplyEnvironment(std::string* error);

// The environment variable that is the twin of `flag_name`: "tokens_file" -> "GAOXIN_TOKENS_FILE".
std::string EnvName(absl::string_view flag_name);

// True for flag names whose values must never be printed (keys, tokens, passwords).
bool IsSecretFlag(absl::string_view flag_name);

// --listen, or "0.0.0.0:<default_port>" when it is empty.
std::string ListenAddress(int default_port);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_CONFIG_H_
