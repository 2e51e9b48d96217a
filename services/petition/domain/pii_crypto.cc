#include "services/petition/domain/pii_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gaoxin::petition {
namespace {

// The label of the derived hash key. Changing it changes every stored hash: version it.
constexpr absl::string_view kHashKeyLabel = "gaoxin-petition-id-hash-v1";
constexpr absl::string_view kSealV1 = "enc:v1:";
constexpr absl::string_view kSealV2 = "enc:v2:";
constexpr absl::string_view kCurrentMark = "current";
constexpr size_t kMaxKeyIdSize = 32;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(data), data.size(), out,
       &out_len);
  return std::string(reinterpret_cast<char*>(out), out_len);
}

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsValidKeyId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxKeyIdSize) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

absl::Status WrongLength(size_t got) {
  return absl::InvalidArgumentError(
      absl::StrCat("the PII key must be 32 bytes (AES-256); got ", got,
                   " bytes. Give 32 raw bytes, 64 hex digits or base64 of 32 bytes"));
}

// The 32 raw bytes of a key written as 64 hex digits or base64. The error holds no key material.
absl::StatusOr<std::string> DecodeKey(absl::string_view text) {
  std::string raw;
  if (text.size() == 2 * PiiCipher::kKeySize && IsHex(text)) {
    raw = absl::HexStringToBytes(text);
  } else if (!absl::Base64Unescape(text, &raw)) {
    return absl::InvalidArgumentError("the PII key text is neither 64 hex digits nor valid base64");
  }
  if (raw.size() != PiiCipher::kKeySize) {
    const size_t size = raw.size();
    OPENSSL_cleanse(raw.data(), raw.size());
    return WrongLength(size);
  }
  return raw;
}

// Splits a seal into its key id and the base64 body; false when `text` is not a seal.
bool SplitSeal(absl::string_view text, absl::string_view* key_id, absl::string_view* body) {
  if (absl::StartsWith(text, kSealV1)) {
    *key_id = PiiCipher::kLegacyKeyId;
    *body = text.substr(kSealV1.size());
    return true;
  }
  if (!absl::StartsWith(text, kSealV2)) return false;
  const absl::string_view rest = text.substr(kSealV2.size());
  const size_t colon = rest.find(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  *key_id = rest.substr(0, colon);
  *body = rest.substr(colon + 1);
  return true;
}

}  // namespace

PiiCipher::Key::Key(std::string key_id, absl::string_view master)
    : id(std::move(key_id)), encryption_key(master), hash_key(HmacSha256(master, kHashKeyLabel)) {}

PiiCipher::Key::~Key() {
  // Do not leave key bytes behind in freed memory.
  if (!encryption_key.empty()) OPENSSL_cleanse(encryption_key.data(), encryption_key.size());
  if (!hash_key.empty()) OPENSSL_cleanse(hash_key.data(), hash_key.size());
}

PiiCipher::~PiiCipher() = default;

absl::StatusOr<PiiCipher> PiiCipher::FromRawKey(absl::string_view key) {
  if (key.size() != kKeySize) return WrongLength(key.size());
  std::vector<Key> keys;
  keys.emplace_back(std::string(kLegacyKeyId), key);
  return PiiCipher(std::move(keys), 0);
}

absl::StatusOr<PiiCipher> PiiCipher::FromEncodedKey(absl::string_view text) {
  absl::StatusOr<std::string> raw = DecodeKey(absl::StripAsciiWhitespace(text));
  if (!raw.ok()) return raw.status();
  absl::StatusOr<PiiCipher> cipher = FromRawKey(*raw);
  OPENSSL_cleanse(raw->data(), raw->size());
  return cipher;
}

absl::StatusOr<PiiCipher> PiiCipher::FromKeyRingText(absl::string_view text,
                                                     absl::string_view source) {
  const absl::string_view stripped = absl::StripAsciiWhitespace(text);
  // One word and nothing else: the single-key format.
  if (!stripped.empty() && stripped.find_first_of(" \t\r\n") == absl::string_view::npos) {
    absl::StatusOr<PiiCipher> single = FromEncodedKey(stripped);
    if (!single.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": ", single.status().message()));
    }
    return single;
  }
  auto at_line = [&](int line, absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(source, " line ", line, ": ", what));
  };
  struct Entry {
    int line;
    std::string id;
    std::string raw;
    bool current;
    ~Entry() { OPENSSL_cleanse(raw.data(), raw.size()); }
  };
  std::vector<Entry> entries;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (words.size() < 2 || words.size() > 3) {
      return at_line(line_number, "expected '<key-id> <key>' or '<key-id> <key> current'");
    }
    if (!IsValidKeyId(words[0])) {
      // Not quoted: a line written the wrong way round would put the key itself here.
      return at_line(line_number, "the key id must be 1-32 characters of A-Z a-z 0-9 _ -");
    }
    if (words.size() == 3 && words[2] != kCurrentMark) {
      return at_line(line_number, "the only word allowed after the key is 'current'");
    }
    absl::StatusOr<std::string> raw = DecodeKey(words[1]);
    if (!raw.ok()) return at_line(line_number, raw.status().message());
    for (const Entry& e : entries) {
      if (e.id == words[0]) {
        return at_line(line_number,
                       absl::StrCat("key id '", e.id, "' is already used on line ", e.line));
      }
      if (e.raw == *raw) {
        return at_line(line_number, absl::StrCat("the same key as line ", e.line, " ('", e.id,
                                                 "') under another id"));
      }
      if (e.current && words.size() == 3) {
        return at_line(line_number,
                       absl::StrCat("a second key marked current (line ", e.line, " already is)"));
      }
    }
    entries.push_back(Entry{line_number, std::string(words[0]), *raw, words.size() == 3});
    OPENSSL_cleanse(raw->data(), raw->size());
  }
  if (entries.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no key in it"));
  }
  size_t current = entries.size();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].current) current = i;
  }
  if (current == entries.size()) {
    if (entries.size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          source,
          ": several keys and none marked current; end the line of the key new data is "
          "sealed under with 'current'"));
    }
    current = 0;
  }
  std::vector<Key> keys;
  keys.reserve(entries.size());
  for (const Entry& e : entries) keys.emplace_back(e.id, e.raw);
  return PiiCipher(std::move(keys), current);
}

absl::StatusOr<PiiCipher> PiiCipher::LoadFromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the PII key file ", path));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  absl::StatusOr<PiiCipher> cipher = content.size() == kKeySize
                                         ? FromRawKey(content)
                                         : FromKeyRingText(content, "PII key file " + path);
  OPENSSL_cleanse(content.data(), content.size());
  return cipher;
}

absl::StatusOr<PiiCipher> PiiCipher::LoadFromEnv(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0') {
    return absl::FailedPreconditionError(
        absl::StrCat("environment variable ", variable, " (the PII key) is not set"));
  }
  return FromKeyRingText(value, absl::StrCat("environment variable ", variable));
}

std::vector<std::string> PiiCipher::key_ids() const {
  std::vector<std::string> out;
  out.reserve(keys_.size());
  for (const Key& k : keys_) out.push_back(k.id);
  return out;
}

const PiiCipher::Key* PiiCipher::Find(absl::string_view key_id) const {
  for (const Key& k : keys_) {
    if (k.id == key_id) return &k;
  }
  return nullptr;
}

bool PiiCipher::IsSealed(absl::string_view text) {
  absl::string_view id, body;
  return SplitSeal(text, &id, &body);
}

std::optional<std::string> PiiCipher::SealKeyId(absl::string_view text) {
  absl::string_view id, body;
  if (!SplitSeal(text, &id, &body)) return std::nullopt;
  return std::string(id);
}

absl::StatusOr<std::string> PiiCipher::Seal(absl::string_view plaintext,
                                            absl::string_view associated_data) const {
  if (plaintext.empty()) return std::string();
  const Key& key = keys_[current_];
  absl::StatusOr<std::string> raw = EncryptWith(key, plaintext, associated_data);
  if (!raw.ok()) return raw.status();
  return absl::StrCat(kSealV2, key.id, ":", absl::Base64Escape(*raw));
}

absl::StatusOr<std::string> PiiCipher::Open(absl::string_view sealed,
                                            absl::string_view associated_data) const {
  if (sealed.empty()) return std::string();
  absl::string_view key_id, body;
  if (!SplitSeal(sealed, &key_id, &body)) {
    return absl::DataLossError("personal data at rest is not sealed");
  }
  const Key* key = Find(key_id);
  if (key == nullptr) {
    return absl::DataLossError(
        absl::StrCat("personal data is sealed under key '",
                     IsValidKeyId(key_id) ? key_id : absl::string_view("(not a key id)"),
                     "', which the PII key ring does not hold: add that key to --pii_key_file"));
  }
  std::string raw;
  if (!absl::Base64Unescape(body, &raw)) {
    return absl::DataLossError("a seal of personal data does not decode");
  }
  return DecryptWith(*key, raw, associated_data);
}

absl::StatusOr<std::string> PiiCipher::Encrypt(absl::string_view plaintext,
                                               absl::string_view associated_data) const {
  return EncryptWith(keys_[current_], plaintext, associated_data);
}

absl::StatusOr<std::string> PiiCipher::Decrypt(absl::string_view sealed,
                                               absl::string_view associated_data) const {
  return DecryptWith(keys_[current_], sealed, associated_data);
}

absl::StatusOr<std::string> PiiCipher::EncryptWith(const Key& key, absl::string_view plaintext,
                                                   absl::string_view associated_data) {
  std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(nonce, kNonceSize) != 1) return absl::InternalError("RAND_bytes failed");

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  unsigned char* body = nonce + kNonceSize;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key.encryption_key), nonce) != 1 ||
      (!associated_data.empty() &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                         static_cast<int>(associated_data.size())) != 1) ||
      EVP_EncryptUpdate(ctx.get(), body, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), body + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, body + plaintext.size()) !=
          1) {
    return absl::InternalError("AES-256-GCM encryption failed");
  }
  return out;
}

absl::StatusOr<std::string> PiiCipher::DecryptWith(const Key& key, absl::string_view sealed,
                                                   absl::string_view associated_data) {
  // One message for every failure: which check failed is of no use to a caller and of some use
  // to an attacker.
  const absl::Status rejected = absl::DataLossError(
      "encrypted personal data failed authentication (tampered, truncated "
      "or under another key)");
  if (sealed.size() < kNonceSize + kTagSize) return rejected;
  const absl::string_view nonce = sealed.substr(0, kNonceSize);
  const absl::string_view body = sealed.substr(kNonceSize, sealed.size() - kNonceSize - kTagSize);
  std::string tag(sealed.substr(sealed.size() - kTagSize));

  std::string plaintext(body.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key.encryption_key), Bytes(nonce)) !=
          1) {
    return absl::InternalError("AES-256-GCM initialisation failed");
  }
  if ((!associated_data.empty() &&
       EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                         static_cast<int>(associated_data.size())) != 1) ||
      EVP_DecryptUpdate(ctx.get(), out, &len, Bytes(body), static_cast<int>(body.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out + len, &len) != 1) {
    // Never hand back unauthenticated bytes.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return rejected;
  }
  return plaintext;
}

std::string PiiCipher::KeyedHash(absl::string_view id_number) const {
  std::string normalised = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(id_number));
  return absl::BytesToHexString(HmacSha256(keys_[current_].hash_key, normalised));
}

std::vector<std::string> PiiCipher::KeyedHashes(absl::string_view id_number) const {
  std::string normalised = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(id_number));
  std::vector<std::string> out;
  out.reserve(keys_.size());
  out.push_back(absl::BytesToHexString(HmacSha256(keys_[current_].hash_key, normalised)));
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (i != current_)
      out.push_back(absl::BytesToHexString(HmacSha256(keys_[i].hash_key, normalised)));
  }
  return out;
}

}  // namespace gaoxin::petition
