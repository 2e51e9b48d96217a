#include "common/pagination.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <vector>

#include "absl/base/call_once.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/auth.h"
#include "common/errors.h"

namespace gaoxin {
namespace {

constexpr absl::string_view kVersion = "p2";
// 128 bits of MAC: forging a token is as hard as guessing a random 128-bit value.
constexpr size_t kMacBytes = 16;

absl::Mutex key_mu(absl::kConstInit);
std::string* key ABSL_GUARDED_BY(key_mu) = nullptr;

std::string Key() {
  absl::MutexLock lock(&key_mu);
  if (key == nullptr) {
    unsigned char random[32];
    RAND_bytes(random, sizeof(random));
    key = new std::string(reinterpret_cast<const char*>(random), sizeof(random));
  }
  return *key;
}

std::string Mac(absl::string_view payload) {
  const std::string k = Key();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), kMacBytes);
}

// Keyed: a token must not let anyone test guesses of a filter offline (an ID number searched
// for has little entropy).
std::string Fingerprint(absl::string_view filters) {
  return absl::BytesToHexString(Mac(absl::StrCat("filters\n", filters))).substr(0, 16);
}

absl::Status NotOurs() { return InvalidField("page_token", "is not a token this server issued"); }

}  // namespace

void SetPageTokenKey(absl::string_view new_key) {
  absl::MutexLock lock(&key_mu);
  delete key;
  key = new std::string(new_key);
}

absl::StatusOr<Page> ParsePage(int page_size, absl::string_view page_token,
                               absl::string_view filter_fingerprint) {
  Page page;
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  if (page_size > 0) page.size = std::min(page_size, kMaxPageSize);
  if (page_token.empty()) return page;
  std::vector<absl::string_view> halves = absl::StrSplit(page_token, '.');
  std::string payload;
  std::string mac;
  if (halves.size() != 2 || !absl::WebSafeBase64Unescape(halves[0], &payload) ||
      !absl::WebSafeBase64Unescape(halves[1], &mac) || mac.size() != kMacBytes ||
      absl::WebSafeBase64Escape(payload) != halves[0] ||
      absl::WebSafeBase64Escape(mac) != halves[1]) {
    // Only the canonical encoding is ours: base64's unused low bits must not let one token be
    // spelled several ways.
    return NotOurs();
  }
  const std::string expected = Mac(payload);
  if (CRYPTO_memcmp(expected.data(), mac.data(), kMacBytes) != 0) return NotOurs();
  std::vector<std::string> parts = absl::StrSplit(payload, absl::MaxSplits('\n', 2));
  if (parts.size() != 3 || parts[0] != kVersion) return NotOurs();
  if (parts[1] != Fingerprint(filter_fingerprint)) {
    return InvalidField("page_token",
                        "was issued for a request with other filters; repeat the filters of the "
                        "first page");
  }
  page.after_key = parts[2];
  return page;
}

std::string NextPageToken(absl::string_view last_key, absl::string_view filter_fingerprint) {
  const std::string payload =
      absl::StrCat(kVersion, "\n", Fingerprint(filter_fingerprint), "\n", last_key);
  return absl::StrCat(absl::WebSafeBase64Escape(payload), ".",
                      absl::WebSafeBase64Escape(Mac(payload)));
}

}  // namespace gaoxin
