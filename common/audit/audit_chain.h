// The HMAC chain that makes the audit log tamper-evident, and its verifier. Record n's mac is
// HMAC-SHA256(key, mac(n-1) || EncodeCanonical(record n)), with 32 zero bytes (kGenesisMac)
// before record 1. Editing a record changes its encoding; deleting, inserting or reordering one
// breaks the run of sequence numbers or the link to the mac before; forging a mac needs the key,
// which is not the PII key (--audit_key_file, --pii_key_file).
//
// The key file holds the key as hex text: at least 64 hex digits (32 bytes), surrounding white
// space ignored, e.g. made with `openssl rand -hex 32 > audit.key`.
//
//   ASSIGN_OR_RETURN(AuditKey key, AuditKey::LoadFromFile("/run/secrets/audit.key"));
//   std::string mac = ChainMac(key, previous_mac, record);
//   ChainVerifier verifier(&key);
//   verifier.StartAt(anchor_sequence, anchor_mac);   // after a pruned prefix (0: from record 1)
//   for (auto& [record, mac] : records) if (!verifier.Add(record, mac)) break;
//   verifier.CheckHead(head_sequence, head_mac);
//   if (auto broken = verifier.broken()) std::cerr << broken->sequence << ": " << broken->reason;
#ifndef GAOXIN_COMMON_AUDIT_AUDIT_CHAIN_H_
#define GAOXIN_COMMON_AUDIT_AUDIT_CHAIN_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/audit/audit_record.h"

namespace gaoxin::audit {

inline constexpr size_t kMacSize = 32;
// The mac "before" record 1.
inline const std::string& GenesisMac() {
  static const std::string* const kGenesis = new std::string(kMacSize, '\0');
  return *kGenesis;
}

class AuditKey {
 public:
  static constexpr size_t kMinBytes = 32;
  // From hex text (see the banner). INVALID_ARGUMENT naming `source` when it is not hex or
  // shorter than 32 bytes; the message never contains key material.
  static absl::StatusOr<AuditKey> FromHex(absl::string_view text, absl::string_view source);
  // NOT_FOUND when the file cannot be read; otherwise as FromHex.
  static absl::StatusOr<AuditKey> LoadFromFile(const std::string& path);
  // For tests: the raw key bytes (at least 32).
  static AuditKey FromBytesForTest(std::string bytes) { return AuditKey(std::move(bytes)); }

  const std::string& bytes() const { return bytes_; }

 private:
  explicit AuditKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

// The mac of `record` chained after `previous_mac`.
std::string ChainMac(const AuditKey& key, absl::string_view previous_mac,
                     const AuditRecord& record);

// The retention pass (audit_log.h) removes the oldest records up to an anchor kept in the log's
// head (the last removed record's sequence and mac) and states it in a record of its own, in
// the same chain: principal kRetentionPrincipal, method kRetentionMethod, resource "audit_log",
// and the diff entries "pruned_first", "pruned_last" (after = the range removed),
// "anchor_sequence" and "anchor_mac" (before -> after; the mac as lower-case hex). A verifier
// starting from the anchor checks that the newest such statement is the anchor it was given, so
// an anchor moved (and records removed) without the pass and its key is found.
inline constexpr char kRetentionPrincipal[] = "system:audit-retention";
inline constexpr char kRetentionMethod[] = "audit.retention";
inline constexpr char kRetentionResource[] = "audit_log";

struct RetentionStatement {
  int64_t pruned_first = 0;
  int64_t pruned_last = 0;
  int64_t anchor_before = 0;
  std::string anchor_mac_before;  // raw bytes
  int64_t anchor_after = 0;
  std::string anchor_mac_after;  // raw bytes
};

// The record of a retention pass that removed [first, last], moving the anchor from
// (before, before_mac) to (last, last_mac). Sequence and time are the caller's to set.
AuditRecord RetentionRecord(const RetentionStatement& statement);
// True for a record the retention pass wrote (by principal and method).
bool IsRetentionRecord(const AuditRecord& record);
// The statement of such a record; INVALID_ARGUMENT when its diff is not one.
absl::StatusOr<RetentionStatement> ParseRetentionRecord(const AuditRecord& record);

// The first record at which the chain breaks, and why.
struct ChainBreak {
  int64_t sequence = 0;
  std::string reason;
};

// Walks records in sequence order from record 1, or from the record after an anchor.
class ChainVerifier {
 public:
  explicit ChainVerifier(const AuditKey* key) : key_(key) {}

  // Before the first Add: the log's retention anchor (ListAuditRecordsResponse.anchor_sequence
  // and anchor_mac). The first record must then be anchor_sequence + 1, chained after
  // anchor_mac. 0 = nothing pruned: from record 1, after the genesis mac.
  void StartAt(int64_t anchor_sequence, absl::string_view anchor_mac);
  // Checks the next record; false (and broken() set) at the first break. Once broken, stays so.
  bool Add(const AuditRecord& record, absl::string_view mac);
  // After the last record: the log's head (newest sequence and mac) must be the last record
  // checked, so a deleted tail is found; and the anchor must be what the newest retention
  // record checked states (none: the anchor must be 0), so a moved anchor is found.
  // head_sequence 0 = an empty log.
  bool CheckHead(int64_t head_sequence, absl::string_view head_mac);

  const std::optional<ChainBreak>& broken() const { return broken_; }
  // Records checked and found good.
  int64_t verified() const { return verified_; }
  // Where the walk started (StartAt's anchor_sequence).
  int64_t anchor() const { return anchor_sequence_; }

 private:
  bool Break(int64_t sequence, std::string reason);

  const AuditKey* key_;
  int64_t anchor_sequence_ = 0;
  std::string anchor_mac_;
  int64_t last_sequence_ = 0;
  int64_t verified_ = 0;
  std::string previous_mac_ = GenesisMac();
  // The newest retention statement checked, and the record that made it.
  std::optional<RetentionStatement> statement_;
  int64_t statement_sequence_ = 0;
  std::optional<ChainBreak> broken_;
};

}  // namespace gaoxin::audit

#endif  // GAOXIN_COMMON_AUDIT_AUDIT_CHAIN_H_
