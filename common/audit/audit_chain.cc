#include "common/audit/audit_chain.h"

#include <fstream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

namespace gaoxin::audit {

absl::StatusOr<AuditKey> AuditKey::FromHex(absl::string_view text, absl::string_view source) {
  const absl::string_view hex = absl::StripAsciiWhitespace(text);
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "audit key ", source, " must be hex digits only (openssl rand -hex 32 makes one)"));
    }
  }
  if (hex.size() % 2 != 0 || hex.size() < 2 * kMinBytes) {
    return absl::InvalidArgumentError(absl::StrCat("audit key ", source, " must hold at least ",
                                                   2 * kMinBytes, " hex digits (", kMinBytes,
                                                   " bytes), an even number of them"));
  }
  return AuditKey(absl::HexStringToBytes(hex));
}

absl::StatusOr<AuditKey> AuditKey::LoadFromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read audit key file ", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read audit key file ", path));
  absl::StatusOr<AuditKey> key = FromHex(text, path);
  OPENSSL_cleanse(text.data(), text.size());
  return key;
}

std::string ChainMac(const AuditKey& key, absl::string_view previous_mac,
                     const AuditRecord& record) {
  const std::string message = absl::StrCat(previous_mac, EncodeCanonical(record));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.bytes().data(), static_cast<int>(key.bytes().size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
}

AuditRecord RetentionRecord(const RetentionStatement& s) {
  AuditRecord r;
  r.kind = RecordKind::kWrite;
  r.principal = kRetentionPrincipal;
  r.method = kRetentionMethod;
  r.resource = kRetentionResource;
  r.diff = {
      {"pruned_first", "", absl::StrCat(s.pruned_first)},
      {"pruned_last", "", absl::StrCat(s.pruned_last)},
      {"anchor_sequence", absl::StrCat(s.anchor_before), absl::StrCat(s.anchor_after)},
      {"anchor_mac", absl::BytesToHexString(s.anchor_mac_before),
       absl::BytesToHexString(s.anchor_mac_after)},
  };
  return r;
}

bool IsRetentionRecord(const AuditRecord& record) {
  return record.principal == kRetentionPrincipal && record.method == kRetentionMethod;
}

absl::StatusOr<RetentionStatement> ParseRetentionRecord(const AuditRecord& record) {
  RetentionStatement s;
  int found = 0;
  auto number = [&](absl::string_view text, int64_t* out) {
    return absl::SimpleAtoi(text, out) && *out >= 0;
  };
  auto hex = [&](absl::string_view text, std::string* out) {
    for (char c : text) {
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
    }
    if (text.size() % 2 != 0) return false;
    *out = absl::HexStringToBytes(text);
    return true;
  };
  bool ok = true;
  for (const DiffEntry& e : record.diff) {
    if (e.path == "pruned_first") {
      ok = ok && number(e.after, &s.pruned_first);
    } else if (e.path == "pruned_last") {
      ok = ok && number(e.after, &s.pruned_last);
    } else if (e.path == "anchor_sequence") {
      ok = ok && number(e.before, &s.anchor_before) && number(e.after, &s.anchor_after);
    } else if (e.path == "anchor_mac") {
      ok = ok && hex(e.before, &s.anchor_mac_before) && hex(e.after, &s.anchor_mac_after);
    } else {
      continue;
    }
    ++found;
  }
  if (!ok || found != 4 || s.pruned_first != s.anchor_before + 1 ||
      s.pruned_last != s.anchor_after || s.anchor_after <= s.anchor_before ||
      s.anchor_after >= record.sequence) {
    return absl::InvalidArgumentError(
        absl::StrCat("retention record ", record.sequence, " does not state a pruned range"));
  }
  return s;
}

void ChainVerifier::StartAt(int64_t anchor_sequence, absl::string_view anchor_mac) {
  anchor_sequence_ = anchor_sequence;
  anchor_mac_ = std::string(anchor_mac);
  last_sequence_ = anchor_sequence;
  previous_mac_ = anchor_sequence == 0 ? GenesisMac() : std::string(anchor_mac);
}

bool ChainVerifier::Break(int64_t sequence, std::string reason) {
  broken_ = ChainBreak{sequence, std::move(reason)};
  return false;
}

bool ChainVerifier::Add(const AuditRecord& record, absl::string_view mac) {
  if (broken_) return false;
  const int64_t expected = last_sequence_ + 1;
  if (record.sequence > expected) {
    if (verified_ == 0 && anchor_sequence_ > 0) {
      return Break(expected,
                   absl::StrCat("record ", expected,
                                " is missing: the log's retention "
                                "anchor is at ",
                                anchor_sequence_, " but its first record is ", record.sequence));
    }
    return Break(expected, absl::StrCat("record ", expected, " is missing (the next one is ",
                                        record.sequence, ")"));
  }
  if (record.sequence < expected) {
    return Break(record.sequence,
                 absl::StrCat("record ", record.sequence,
                              " is out of order or repeated (after record ", expected - 1, ")"));
  }
  const std::string computed = ChainMac(*key_, previous_mac_, record);
  if (mac.size() != computed.size() ||
      CRYPTO_memcmp(mac.data(), computed.data(), computed.size()) != 0) {
    if (verified_ == 0 && anchor_sequence_ > 0) {
      return Break(record.sequence,
                   absl::StrCat("record ", record.sequence,
                                " does not chain from the retention anchor's mac (the anchor or "
                                "the record was changed)"));
    }
    return Break(record.sequence,
                 absl::StrCat("record ", record.sequence,
                              " was edited, or its mac was (it does not match its content and the "
                              "record before it)"));
  }
  if (IsRetentionRecord(record)) {
    absl::StatusOr<RetentionStatement> statement = ParseRetentionRecord(record);
    if (!statement.ok()) return Break(record.sequence, std::string(statement.status().message()));
    // Consecutive passes continue one another: each starts where the one before left the anchor.
    if (statement_ && (statement->anchor_before != statement_->anchor_after ||
                       statement->anchor_mac_before != statement_->anchor_mac_after)) {
      return Break(record.sequence,
                   absl::StrCat("retention record ", record.sequence, " moves the anchor from ",
                                statement->anchor_before, " but the retention record before it (",
                                statement_sequence_, ") left it at ", statement_->anchor_after));
    }
    statement_ = *std::move(statement);
    statement_sequence_ = record.sequence;
  }
  previous_mac_ = std::string(mac);
  last_sequence_ = record.sequence;
  ++verified_;
  return true;
}

bool ChainVerifier::CheckHead(int64_t head_sequence, absl::string_view head_mac) {
  if (broken_) return false;
  if (head_sequence > last_sequence_) {
    return Break(last_sequence_ + 1,
                 absl::StrCat("records ", last_sequence_ + 1, " to ", head_sequence,
                              " are missing (the log's head is at ", head_sequence, ")"));
  }
  if (head_sequence < last_sequence_) {
    return Break(head_sequence + 1, absl::StrCat("the log's head is at ", head_sequence,
                                                 " but records up to ", last_sequence_, " exist"));
  }
  if (head_sequence > 0 && head_mac != previous_mac_) {
    return Break(head_sequence, absl::StrCat("record ", head_sequence,
                                             " does not match the mac kept in the log's head"));
  }
  if (anchor_sequence_ > 0 && head_sequence <= anchor_sequence_) {
    return Break(anchor_sequence_, absl::StrCat("the retention anchor (", anchor_sequence_,
                                                ") is not below the log's head (", head_sequence,
                                                "): the newest record was removed"));
  }
  if (!statement_ && anchor_sequence_ > 0) {
    return Break(anchor_sequence_ + 1,
                 absl::StrCat("the retention anchor was moved: the log starts after record ",
                              anchor_sequence_, " but no retention record states that pruning"));
  }
  if (statement_ && (statement_->anchor_after != anchor_sequence_ ||
                     statement_->anchor_mac_after != anchor_mac_)) {
    return Break(anchor_sequence_ + 1,
                 absl::StrCat("the retention anchor was moved: the log starts after record ",
                              anchor_sequence_, " but the newest retention record (",
                              statement_sequence_, ") left it at ", statement_->anchor_after));
  }
  return true;
}

}  // namespace gaoxin::audit
