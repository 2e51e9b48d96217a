// Encryption at rest of personal data in petition cases (AES-256-GCM) under a key ring, and the
// keyed hash used to find cases by ID number without storing it (HMAC-SHA256). Keys come from a
// file or an environment variable, never from the repository. This is the one sealing API of the
// service: the store, the startup sealing pass, the re-sealing command and the write audit all
// seal through PiiCipher::Seal and open through PiiCipher::Open.
//
//   ASSIGN_OR_RETURN(PiiCipher cipher, PiiCipher::LoadFromFile("/run/secrets/pii.keys"));
//   // Bind each seal to its case and field so it cannot be swapped into another.
//   ASSIGN_OR_RETURN(std::string sealed, cipher.Seal(name, "case/42/petitioner.name"));
//   // sealed == "enc:v2:k2:<base64>" under the current key, "k2"
//   ASSIGN_OR_RETURN(std::string name2, cipher.Open(sealed, "case/42/petitioner.name"));
//   std::vector<std::string> lookup = cipher.KeyedHashes(id_number);  // one per key, current first
//
// The key ring file: one key a line, "<key-id> <key>", the key as 64 hex digits or base64 of 32
// bytes, and the key new data is sealed under marked "current" (with a single key the mark may
// be left out). Blank lines and lines starting with '#' are ignored:
//
//   # gaoxin petition PII keys
//   k1 3f9a...64 hex digits...
//   k2 8c1d...64 hex digits... current
//
// The older single-key file (32 raw bytes, or one line of 64 hex digits or base64) is a ring of
// one key with id "k1". Key ids are 1-32 of [A-Za-z0-9_-].
//
// Seals: "enc:v2:<key-id>:" + base64(nonce (12 random bytes) || ciphertext || tag (16 bytes)).
// Seals written before key rotation existed are "enc:v1:" + base64(...) without a key id: they
// were made under the only key there was, so they open with key "k1" (keep the first key's id
// "k1" in the ring). A fresh nonce per message; with random 96-bit nonces a key should seal
// fewer than 2^32 messages (NIST SP 800-38D), far beyond a petition office's volume.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_PII_CRYPTO_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_PII_CRYPTO_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gaoxin::petition {

class PiiCipher {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kNonceSize = 12;
  static constexpr size_t kTagSize = 16;
  // The id of the key of a single-key file, and of "enc:v1:" seals.
  static constexpr absl::string_view kLegacyKeyId = "k1";

  // A ring of one key, id "k1", from the raw 32 key bytes. INVALID_ARGUMENT on any other length.
  static absl::StatusOr<PiiCipher> FromRawKey(absl::string_view key);
  // A ring of one key, id "k1", from text holding the key as 64 hex digits or as base64 of 32
  // bytes (surrounding whitespace ignored). INVALID_ARGUMENT when it is neither or decodes to the
  // wrong length.
  static absl::StatusOr<PiiCipher> FromEncodedKey(absl::string_view text);
  // From the text of a key ring file (see above) or of a single-key file. INVALID_ARGUMENT naming
  // `source` and the 1-based line at fault; the error never contains key material.
  static absl::StatusOr<PiiCipher> FromKeyRingText(absl::string_view text,
                                                   absl::string_view source);
  // From a key ring file or a single-key file (32 raw bytes, hex or base64 text). NOT_FOUND when
  // unreadable; INVALID_ARGUMENT naming the file (and line) otherwise.
  static absl::StatusOr<PiiCipher> LoadFromFile(const std::string& path);
  // From an environment variable holding a key (hex or base64) or a key ring's text.
  // FAILED_PRECONDITION when unset.
  static absl::StatusOr<PiiCipher> LoadFromEnv(const char* variable);

  PiiCipher(const PiiCipher&) = default;
  PiiCipher& operator=(const PiiCipher&) = default;
  PiiCipher(PiiCipher&&) = default;
  PiiCipher& operator=(PiiCipher&&) = default;
  ~PiiCipher();

  // The key new seals are made under.
  const std::string& current_key_id() const { return keys_[current_].id; }
  // Every key id of the ring, in file order.
  std::vector<std::string> key_ids() const;
  bool HasKey(absl::string_view key_id) const { return Find(key_id) != nullptr; }

  // "enc:v2:<current key id>:" + base64(AES-256-GCM(plaintext)); "" for "" (an empty field holds
  // nothing to protect). INTERNAL only if OpenSSL fails.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext,
                                   absl::string_view associated_data) const;
  // The plaintext of a Seal() (or an "enc:v1:" seal); "" for "". DATA_LOSS, never garbage, when
  // `sealed` is not a seal, names a key the ring does not hold (the message names the key id),
  // or was tampered with, truncated, or sealed for other associated data.
  absl::StatusOr<std::string> Open(absl::string_view sealed,
                                   absl::string_view associated_data) const;
  // True when `text` has the form of a seal ("enc:v1:" or "enc:v2:<id>:" prefix).
  static bool IsSealed(absl::string_view text);
  // The key id a seal was made under ("k1" for "enc:v1:"); nullopt when `text` is not a seal.
  static std::optional<std::string> SealKeyId(absl::string_view text);

  // Raw AES-256-GCM under the current key: nonce || ciphertext || tag. INTERNAL only if OpenSSL
  // fails. Prefer Seal, which records the key.
  absl::StatusOr<std::string> Encrypt(absl::string_view plaintext,
                                      absl::string_view associated_data) const;
  // The inverse of Encrypt under the current key. Verifies the tag before returning anything: a
  // tampered, truncated or wrong-key input, or different associated data, gives DATA_LOSS.
  absl::StatusOr<std::string> Decrypt(absl::string_view sealed,
                                      absl::string_view associated_data) const;

  // HMAC-SHA256 of the normalised ID number (trimmed, 'x' upper-cased) under a hash key derived
  // from the current key, as 64 lowercase hex digits: what a newly written case stores. Without
  // the key the hash cannot be recomputed from a guessed number.
  std::string KeyedHash(absl::string_view id_number) const;
  // The hash under every key of the ring, the current key's first: what a search by ID number
  // and repeat detection look for, so cases written before a rotation (whose stored hash is an
  // older key's until they are re-sealed) are still found.
  std::vector<std::string> KeyedHashes(absl::string_view id_number) const;

 private:
  struct Key {
    std::string id;
    std::string encryption_key;  // the master key
    std::string hash_key;        // HMAC-SHA256(master, "gaoxin-petition-id-hash-v1")
    Key(std::string key_id, absl::string_view master);
    Key(const Key&) = default;
    Key& operator=(const Key&) = default;
    ~Key();
  };
  PiiCipher(std::vector<Key> keys, size_t current) : keys_(std::move(keys)), current_(current) {}
  const Key* Find(absl::string_view key_id) const;
  static absl::StatusOr<std::string> EncryptWith(const Key& key, absl::string_view plaintext,
                                                 absl::string_view associated_data);
  static absl::StatusOr<std::string> DecryptWith(const Key& key, absl::string_view sealed,
                                                 absl::string_view associated_data);

  std::vector<Key> keys_;  // never empty
  size_t current_ = 0;
};

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_PII_CRYPTO_H_
