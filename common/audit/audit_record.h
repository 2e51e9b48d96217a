// One record of the tamper-evident audit log, and its canonical byte encoding: what the HMAC
// chain (audit_chain.h) signs. The encoding is unambiguous: a version tag, then every field in a
// fixed order, integers as 8 bytes big-endian and strings as their 8-byte big-endian length
// followed by their bytes, the diff as its entry count then each entry's three strings. So no
// two different records encode alike ("ab"+"c" and "a"+"bc" differ by their lengths), and a
// verifier in another process (gaoxinctl) recomputes exactly the bytes the server signed.
//
//   AuditRecord r;
//   r.sequence = 7;
//   r.principal = "alice";
//   r.method = "/gaoxin.leads.v1.LeadService/UpdateLead";
//   r.resource = "leads/lead-1";
//   r.diff.push_back({"name", "old", "new"});
//   std::string bytes = EncodeCanonical(r);
//   gaoxin::audit::v1::AuditRecord wire = ToProto(r, mac);
#ifndef GAOXIN_COMMON_AUDIT_AUDIT_RECORD_H_
#define GAOXIN_COMMON_AUDIT_AUDIT_RECORD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gaoxin/audit/v1/audit.pb.h"

namespace gaoxin::audit {

// One changed field: its path ("money.units", "history[3].stage") and text values. A read
// record lists the fields shown with empty values.
struct DiffEntry {
  std::string path;
  std::string before;
  std::string after;
  bool operator==(const DiffEntry& o) const {
    return path == o.path && before == o.before && after == o.after;
  }
};

enum class RecordKind { kWrite = 1, kRead = 2 };

struct AuditRecord {
  int64_t sequence = 0;
  int64_t time_us = 0;  // Unix microseconds
  std::string principal;
  std::string on_behalf_of;
  std::string method;
  std::string resource;
  std::string request_id;
  std::string etag_before;
  std::string etag_after;
  std::vector<DiffEntry> diff;
  RecordKind kind = RecordKind::kWrite;
};

// The canonical encoding of `record` (see the banner).
std::string EncodeCanonical(const AuditRecord& record);

// The diff alone, in the same encoding (how the store keeps it in one column), and back.
// DATA_LOSS when `bytes` is not such an encoding.
std::string EncodeDiff(const std::vector<DiffEntry>& diff);
absl::StatusOr<std::vector<DiffEntry>> DecodeDiff(absl::string_view bytes);

// The wire form, with the record's mac, and back (the mac is returned through `mac`).
// INVALID_ARGUMENT naming the record when the wire form has an unknown kind or a bad time.
v1::AuditRecord ToProto(const AuditRecord& record, absl::string_view mac);
absl::StatusOr<AuditRecord> FromProto(const v1::AuditRecord& wire, std::string* mac);

}  // namespace gaoxin::audit

#endif  // GAOXIN_COMMON_AUDIT_AUDIT_RECORD_H_
