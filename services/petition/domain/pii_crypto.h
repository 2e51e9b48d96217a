// Encryption at rest of petitioners' personal data (AES-256-GCM) and the keyed hash used to find
// cases by ID number without storing it (HMAC-SHA256). The 32-byte master key comes from a file
// or an environment variable, never from the repository.
//
//   ASSIGN_OR_RETURN(PiiCipher cipher, PiiCipher::LoadFromEnv("GAOXIN_PII_KEY"));
//   // Bind each ciphertext to its case and field so it cannot be swapped into another.
//   ASSIGN_OR_RETURN(std::string sealed, cipher.Encrypt(name, "case/42/petitioner.name"));
//   ASSIGN_OR_RETURN(std::string name2, cipher.Decrypt(sealed, "case/42/petitioner.name"));
//   std::string lookup = cipher.KeyedHash(id_number);  // 64 hex chars, stable per key
//
// Sealed format: nonce (12 random bytes) || ciphertext || tag (16 bytes). A fresh nonce per
// message; with random 96-bit nonces a key should seal fewer than 2^32 messages (NIST SP 800-38D),
// far beyond a petition office's volume.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_PII_CRYPTO_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_PII_CRYPTO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gaoxin::petition {

class PiiCipher {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kNonceSize = 12;
  static constexpr size_t kTagSize = 16;

  // From the raw 32 key bytes. INVALID_ARGUMENT on any other length.
  static absl::StatusOr<PiiCipher> FromRawKey(absl::string_view key);
  // From text holding the key as 64 hex digits or as base64 of 32 bytes (surrounding whitespace
  // ignored). INVALID_ARGUMENT when it is neither or decodes to the wrong length.
  static absl::StatusOr<PiiCipher> FromEncodedKey(absl::string_view text);
  // From a file holding the raw 32 bytes, or the hex / base64 text. NOT_FOUND / PERMISSION_DENIED
  // style errors when unreadable; the error never contains key material.
  static absl::StatusOr<PiiCipher> LoadFromFile(const std::string& path);
  // From an environment variable holding hex or base64. FAILED_PRECONDITION when unset.
  static absl::StatusOr<PiiCipher> LoadFromEnv(const char* variable);

  PiiCipher(const PiiCipher&) = default;
  PiiCipher& operator=(const PiiCipher&) = default;
  PiiCipher(PiiCipher&&) = default;
  PiiCipher& operator=(PiiCipher&&) = default;
  ~PiiCipher();

  // nonce || ciphertext || tag. INTERNAL only if OpenSSL fails.
  absl::StatusOr<std::string> Encrypt(absl::string_view plaintext,
                                      absl::string_view associated_data) const;
  // Verifies the tag before returning anything: a tampered, truncated or wrong-key input, or
  // different associated data, gives DATA_LOSS, never garbage.
  absl::StatusOr<std::string> Decrypt(absl::string_view sealed,
                                      absl::string_view associated_data) const;
  // HMAC-SHA256 of the normalised ID number (trimmed, 'x' upper-cased) under a key derived from
  // the master key, as 64 lowercase hex digits. Equal numbers give equal hashes under one key;
  // without the key the hash cannot be recomputed from a guessed number.
  std::string KeyedHash(absl::string_view id_number) const;

 private:
  explicit PiiCipher(absl::string_view key);

  std::string encryption_key_;  // the master key
  std::string hash_key_;        // HMAC-SHA256(master, "gaoxin-petition-id-hash-v1")
};

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_PII_CRYPTO_H_
