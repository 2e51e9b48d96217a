// petition_server: serves gaoxin.petition.v1.PetitionService (default port 50053).
//
// The PII key ring (AES-256-GCM keys, each also giving a keyed ID-number hash) comes from
// --pii_key_file (lines "<key-id> <key> [current]", or the older single key: raw 32 bytes, 64 hex
// digits or base64, which is key "k1") or, when that is empty, from the environment variable
// GAOXIN_PII_KEY (the same text). It is never logged and never in the repository; the key ids
// are. Before serving, free text stored before it was sealed is sealed (ResealAll).
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/redis/enterprise_directory.h"
#include "common/server.h"
#include "common/service_main.h"
#include "common/watch/watch_flags.h"
#include "services/petition/enterprise_lookup.h"
#include "services/petition/petition_service.h"
#include "services/petition/petition_store.h"

ABSL_FLAG(std::string, pii_key_file, "",
          "the PII key ring: lines '<key-id> <key> [current]' (key: 64 hex digits or base64 of "
          "32 bytes), or one key (raw 32 bytes, hex or base64; id k1); empty = read it from the "
          "environment variable GAOXIN_PII_KEY");
ABSL_FLAG(std::string, enterprise_addr, "127.0.0.1:50052",
          "enterprise service, asked when a USCC is not in the shared Redis directory");
ABSL_FLAG(std::string, enterprise_token, "",
          "bearer token (role enterprise.reader) for calls to the enterprise service; prefer "
          "GAOXIN_ENTERPRISE_TOKEN or --enterprise_token_file");
ABSL_FLAG(std::string, enterprise_token_file, "",
          "file holding the token for calls to the enterprise service (a mounted Secret)");
ABSL_FLAG(int32_t, enterprise_timeout_ms, 3000, "deadline of a GetEnterprise call");
ABSL_FLAG(int32_t, accept_days, 15, "days from receipt to decide acceptance");
ABSL_FLAG(int32_t, handle_days, 60, "days from acceptance to handle a case");
ABSL_FLAG(int32_t, max_extension_days, 30, "longest single extension of the handling limit");
ABSL_FLAG(int32_t, review_request_days, 30, "days after an answer to request a review");
ABSL_FLAG(int32_t, review_decide_days, 30, "days to decide a requested review");

int main(int argc, char** argv) {
  gaoxin::BlockTerminationSignals();
  gaoxin::InitConfig(argc, argv, "petition_server");

  auto auth = gaoxin::AuthenticatorFromFlags();
  if (!auth.ok()) return gaoxin::FailStartup(auth.status());

  const std::string key_file = absl::GetFlag(FLAGS_pii_key_file);
  auto cipher = key_file.empty() ? gaoxin::petition::PiiCipher::LoadFromEnv("GAOXIN_PII_KEY")
                                 : gaoxin::petition::PiiCipher::LoadFromFile(key_file);
  if (!cipher.ok()) return gaoxin::FailStartup(cipher.status());
  gaoxin::LogEvent("pii_key_ring")
      .Str("current_key_id", cipher->current_key_id())
      .Str("key_ids", absl::StrJoin(cipher->key_ids(), ","))
      .Emit();

  gaoxin::petition::DeadlinePolicy policy;
  policy.accept_days = absl::GetFlag(FLAGS_accept_days);
  policy.handle_days = absl::GetFlag(FLAGS_handle_days);
  policy.max_extension_days = absl::GetFlag(FLAGS_max_extension_days);
  policy.review_request_days = absl::GetFlag(FLAGS_review_request_days);
  policy.review_decide_days = absl::GetFlag(FLAGS_review_decide_days);
  for (int days : {policy.accept_days, policy.handle_days, policy.max_extension_days,
                   policy.review_request_days, policy.review_decide_days}) {
    if (days < 1 || days > 3650) {
      return gaoxin::FailStartup(
          absl::InvalidArgumentError("deadline flags must be between 1 and 3650 days"));
    }
  }

  // The write audit diffs cases and meetings opened, and seals their personal data again.
  auto store_db = gaoxin::OpenStore("petition", &gaoxin::petition::PetitionStore::Migrate,
                                    gaoxin::petition::PetitionAuditOptions(&*cipher));
  if (!store_db.ok()) return gaoxin::FailStartup(store_db.status());
  // The store writes through live->db, so each local commit wakes the change feed at once.
  auto live = gaoxin::StartLiveStore(store_db->get(), "petition");
  if (!live.ok()) return gaoxin::FailStartup(live.status());

  auto redis = gaoxin::RedisFromFlags();
  gaoxin::redis::EnterpriseDirectory directory(redis.get());
  gaoxin::petition::DirectoryResolver::Options lookup_options;
  lookup_options.enterprise_addr = absl::GetFlag(FLAGS_enterprise_addr);
  auto enterprise_token =
      gaoxin::SecretFromFlags(absl::GetFlag(FLAGS_enterprise_token),
                              absl::GetFlag(FLAGS_enterprise_token_file), "enterprise_token");
  if (!enterprise_token.ok()) return gaoxin::FailStartup(enterprise_token.status());
  lookup_options.token = *enterprise_token;
  lookup_options.rpc_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_enterprise_timeout_ms));
  gaoxin::petition::DirectoryResolver enterprises(&directory, lookup_options);

  auto clock = [] { return absl::Now(); };
  gaoxin::petition::PetitionStore store(live->db.get(), &*cipher, policy, clock);
  // A migration cannot seal (it has no key): free text written before it was sealed, or by a
  // replica of an older version during a rolling upgrade, is sealed here at every start-up.
  // Rows already sealed are only read; seals under older keys are left to ResealPersonalData.
  auto sealed = store.ResealAll(gaoxin::petition::ResealMode::kPlaintextOnly);
  if (!sealed.ok()) return gaoxin::FailStartup(sealed.status());
  gaoxin::LogEvent("pii_plaintext_sealed")
      .Int("examined", sealed->examined)
      .Int("resealed", sealed->resealed)
      .Int("unreadable", sealed->unreadable)
      .Emit();
  // Reads audited before the audit chain existed join it, once (every start-up checks).
  auto legacy = store.ImportLegacyAuditRecords();
  if (!legacy.ok()) return gaoxin::FailStartup(legacy.status());
  gaoxin::LogEvent("audit_legacy_records_chained").Int("copied", *legacy).Emit();
  gaoxin::petition::PetitionServiceImpl service(
      &store, auth->get(), &*cipher, &enterprises, live->feed.get(),
      gaoxin::watch::WatchOptionsFromFlags(), gaoxin::watch::SummaryOptionsFromFlags());

  gaoxin::GrpcServer server(
      gaoxin::ServerSettings::FromFlags("gaoxin.petition.v1.PetitionService", 50053, auth->get()));
  server.AddService(&service);
  // Watch streams end (UNAVAILABLE) before the server drains.
  return gaoxin::ServeUntilSignal(server, live->feed.get(), store_db->get());
}
