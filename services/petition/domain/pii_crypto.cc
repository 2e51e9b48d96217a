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
#include "absl/strings/str_cat.h"

namespace gaoxin::petition {
namespace {

// The label of the derived hash key. Changing it changes every stored hash: version it.
constexpr absl::string_view kHashKeyLabel = "gaoxin-petition-id-hash-v1";

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

absl::Status WrongLength(size_t got) {
  return absl::InvalidArgumentError(
      absl::StrCat("the PII key must be 32 bytes (AES-256); got ", got,
                   " bytes. Give 32 raw bytes, 64 hex digits or base64 of 32 bytes"));
}

}  // namespace

PiiCipher::PiiCipher(absl::string_view key)
    : encryption_key_(key), hash_key_(HmacSha256(key, kHashKeyLabel)) {}

PiiCipher::~PiiCipher() {
  // Do not leave key bytes behind in freed memory.
  if (!encryption_key_.empty()) OPENSSL_cleanse(encryption_key_.data(), encryption_key_.size());
  if (!hash_key_.empty()) OPENSSL_cleanse(hash_key_.data(), hash_key_.size());
}

absl::StatusOr<PiiCipher> PiiCipher::FromRawKey(absl::string_view key) {
  if (key.size() != kKeySize) return WrongLength(key.size());
  return PiiCipher(key);
}

absl::StatusOr<PiiCipher> PiiCipher::FromEncodedKey(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  std::string raw;
  if (text.size() == 2 * kKeySize && IsHex(text)) {
    raw = absl::HexStringToBytes(text);
  } else if (!absl::Base64Unescape(text, &raw)) {
    return absl::InvalidArgumentError("the PII key text is neither 64 hex digits nor valid base64");
  }
  absl::StatusOr<PiiCipher> cipher = FromRawKey(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return cipher;
}

absl::StatusOr<PiiCipher> PiiCipher::LoadFromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the PII key file ", path));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  absl::StatusOr<PiiCipher> cipher =
      content.size() == kKeySize ? FromRawKey(content) : FromEncodedKey(content);
  OPENSSL_cleanse(content.data(), content.size());
  if (!cipher.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("PII key file ", path, ": ", cipher.status().message()));
  }
  return cipher;
}

absl::StatusOr<PiiCipher> PiiCipher::LoadFromEnv(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0') {
    return absl::FailedPreconditionError(
        absl::StrCat("environment variable ", variable, " (the PII key) is not set"));
  }
  absl::StatusOr<PiiCipher> cipher = FromEncodedKey(value);
  if (!cipher.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("environment variable ", variable, ": ", cipher.status().message()));
  }
  return cipher;
}

absl::StatusOr<std::string> PiiCipher::Encrypt(absl::string_view plaintext,
                                               absl::string_view associated_data) const {
  std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(nonce, kNonceSize) != 1) return absl::InternalError("RAND_bytes failed");

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  unsigned char* body = nonce + kNonceSize;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(encryption_key_), nonce) != 1 ||
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

absl::StatusOr<std::string> PiiCipher::Decrypt(absl::string_view sealed,
                                               absl::string_view associated_data) const {
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
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(encryption_key_), Bytes(nonce)) != 1) {
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
  return absl::BytesToHexString(HmacSha256(hash_key_, normalised));
}

}  // namespace gaoxin::petition
