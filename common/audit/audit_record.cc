#include "common/audit/audit_record.h"

#include "absl/strings/str_cat.h"

namespace gaoxin::audit {
namespace {

// Bumped if the encoding ever changes; a verifier then knows which one a record used.
constexpr absl::string_view kVersionTag = "gaoxin-audit-record-v1";

void PutInt(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutString(std::string* out, absl::string_view s) {
  PutInt(out, s.size());
  out->append(s.data(), s.size());
}

void PutDiff(std::string* out, const std::vector<DiffEntry>& diff) {
  PutInt(out, diff.size());
  for (const DiffEntry& e : diff) {
    PutString(out, e.path);
    PutString(out, e.before);
    PutString(out, e.after);
  }
}

bool TakeInt(absl::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i) *v = (*v << 8) | static_cast<unsigned char>((*in)[i]);
  in->remove_prefix(8);
  return true;
}

bool TakeString(absl::string_view* in, std::string* s) {
  uint64_t n = 0;
  if (!TakeInt(in, &n) || n > in->size()) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

}  // namespace

std::string EncodeCanonical(const AuditRecord& r) {
  std::string out;
  PutString(&out, kVersionTag);
  PutInt(&out, static_cast<uint64_t>(r.sequence));
  PutInt(&out, static_cast<uint64_t>(r.time_us));
  PutInt(&out, static_cast<uint64_t>(r.kind));
  for (const std::string* s : {&r.principal, &r.on_behalf_of, &r.method, &r.resource, &r.request_id,
                               &r.etag_before, &r.etag_after}) {
    PutString(&out, *s);
  }
  PutDiff(&out, r.diff);
  return out;
}

std::string EncodeDiff(const std::vector<DiffEntry>& diff) {
  std::string out;
  PutDiff(&out, diff);
  return out;
}

absl::StatusOr<std::vector<DiffEntry>> DecodeDiff(absl::string_view bytes) {
  uint64_t n = 0;
  // Each entry takes at least 24 bytes: a count beyond that is corrupt, not a huge allocation.
  if (!TakeInt(&bytes, &n) || n > bytes.size() / 24) {
    return absl::DataLossError("corrupt audit diff");
  }
  std::vector<DiffEntry> diff(n);
  for (DiffEntry& e : diff) {
    if (!TakeString(&bytes, &e.path) || !TakeString(&bytes, &e.before) ||
        !TakeString(&bytes, &e.after)) {
      return absl::DataLossError("corrupt audit diff");
    }
  }
  if (!bytes.empty()) return absl::DataLossError("corrupt audit diff (trailing bytes)");
  return diff;
}

v1::AuditRecord ToProto(const AuditRecord& r, absl::string_view mac) {
  v1::AuditRecord w;
  w.set_sequence(r.sequence);
  w.mutable_time()->set_seconds(r.time_us / 1000000 - (r.time_us % 1000000 < 0 ? 1 : 0));
  int64_t micros = r.time_us % 1000000;
  if (micros < 0) micros += 1000000;
  w.mutable_time()->set_nanos(static_cast<int32_t>(micros * 1000));
  w.set_principal(r.principal);
  w.set_on_behalf_of(r.on_behalf_of);
  w.set_method(r.method);
  w.set_resource(r.resource);
  w.set_request_id(r.request_id);
  w.set_etag_before(r.etag_before);
  w.set_etag_after(r.etag_after);
  for (const DiffEntry& e : r.diff) {
    v1::FieldChange* c = w.add_changes();
    c->set_path(e.path);
    c->set_before(e.before);
    c->set_after(e.after);
  }
  w.set_kind(r.kind == RecordKind::kRead ? v1::AUDIT_KIND_READ : v1::AUDIT_KIND_WRITE);
  w.set_mac(std::string(mac));
  return w;
}

absl::StatusOr<AuditRecord> FromProto(const v1::AuditRecord& w, std::string* mac) {
  AuditRecord r;
  r.sequence = w.sequence();
  if (w.time().nanos() < 0 || w.time().nanos() > 999999999 || w.time().nanos() % 1000 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit record ", w.sequence(), " has a time that is not whole microseconds"));
  }
  r.time_us = w.time().seconds() * 1000000 + w.time().nanos() / 1000;
  switch (w.kind()) {
    case v1::AUDIT_KIND_WRITE:
      r.kind = RecordKind::kWrite;
      break;
    case v1::AUDIT_KIND_READ:
      r.kind = RecordKind::kRead;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("audit record ", w.sequence(), " has no known kind"));
  }
  r.principal = w.principal();
  r.on_behalf_of = w.on_behalf_of();
  r.method = w.method();
  r.resource = w.resource();
  r.request_id = w.request_id();
  r.etag_before = w.etag_before();
  r.etag_after = w.etag_after();
  for (const v1::FieldChange& c : w.changes()) r.diff.push_back({c.path(), c.before(), c.after()});
  if (mac != nullptr) *mac = w.mac();
  return r;
}

}  // namespace gaoxin::audit
