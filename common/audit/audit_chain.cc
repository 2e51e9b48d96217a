#include "common/audit/audit_chain.h"

#include <fstream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
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

bool ChainVerifier::Break(int64_t sequence, std::string reason) {
  broken_ = ChainBreak{sequence, std::move(reason)};
  return false;
}

bool ChainVerifier::Add(const AuditRecord& record, absl::string_view mac) {
  if (broken_) return false;
  const int64_t expected = verified_ + 1;
  if (record.sequence > expected) {
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
    return Break(record.sequence,
                 absl::StrCat("record ", record.sequence,
                              " was edited, or its mac was (it does not match its content and the "
                              "record before it)"));
  }
  previous_mac_ = std::string(mac);
  ++verified_;
  return true;
}

bool ChainVerifier::CheckHead(int64_t head_sequence, absl::string_view head_mac) {
  if (broken_) return false;
  if (head_sequence > verified_) {
    return Break(verified_ + 1,
                 absl::StrCat("records ", verified_ + 1, " to ", head_sequence,
                              " are missing (the log's head is at ", head_sequence, ")"));
  }
  if (head_sequence < verified_) {
    return Break(head_sequence + 1, absl::StrCat("the log's head is at ", head_sequence,
                                                 " but records up to ", verified_, " exist"));
  }
  if (head_sequence > 0 && head_mac != previous_mac_) {
    return Break(head_sequence, absl::StrCat("record ", head_sequence,
                                             " does not match the mac kept in the log's head"));
  }
  return true;
}

}  // namespace gaoxin::audit
