#include "services/petition/domain/pii_crypto.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace gaoxin::petition {
namespace {

// Test keys only; a deployment's key comes from a file or the environment.
const std::string kKeyA(32, 'A');
const std::string kKeyB(32, 'B');

PiiCipher Cipher(const std::string& key) {
  absl::StatusOr<PiiCipher> c = PiiCipher::FromRawKey(key);
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

TEST(PiiCryptoTest, RoundTrip) {
  PiiCipher c = Cipher(kKeyA);
  for (std::string text : {std::string("张某某"), std::string(""), std::string(1000, 'x'),
                           std::string("21099919800101001X")}) {
    absl::StatusOr<std::string> sealed = c.Encrypt(text, "case/1/petitioner.name");
    ASSERT_TRUE(sealed.ok()) << sealed.status();
    EXPECT_EQ(sealed->size(), PiiCipher::kNonceSize + text.size() + PiiCipher::kTagSize);
    if (!text.empty()) {
      EXPECT_EQ(sealed->find(text), std::string::npos);
    }
    absl::StatusOr<std::string> opened = c.Decrypt(*sealed, "case/1/petitioner.name");
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, text);
  }
}

TEST(PiiCryptoTest, EveryTamperedByteIsDetected) {
  PiiCipher c = Cipher(kKeyA);
  absl::StatusOr<std::string> sealed = c.Encrypt("张某某", "ad");
  ASSERT_TRUE(sealed.ok());
  for (size_t i = 0; i < sealed->size(); ++i) {
    std::string bad = *sealed;
    bad[i] ^= 0x01;
    absl::StatusOr<std::string> r = c.Decrypt(bad, "ad");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << "byte " << i;
  }
  EXPECT_FALSE(c.Decrypt(sealed->substr(0, sealed->size() - 1), "ad").ok());  // truncated
  EXPECT_FALSE(c.Decrypt("short", "ad").ok());
  EXPECT_FALSE(c.Decrypt("", "ad").ok());
}

TEST(PiiCryptoTest, AssociatedDataBindsTheField) {
  PiiCipher c = Cipher(kKeyA);
  absl::StatusOr<std::string> sealed = c.Encrypt("13900000001", "case/1/petitioner.phone");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(c.Decrypt(*sealed, "case/2/petitioner.phone").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_FALSE(c.Decrypt(*sealed, "").ok());
}

TEST(PiiCryptoTest, WrongKeyFails) {
  absl::StatusOr<std::string> sealed = Cipher(kKeyA).Encrypt("张某某", "ad");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(Cipher(kKeyB).Decrypt(*sealed, "ad").status().code(), absl::StatusCode::kDataLoss);
}

TEST(PiiCryptoTest, NoncesAreFresh) {
  PiiCipher c = Cipher(kKeyA);
  std::set<std::string> nonces, sealed_texts;
  for (int i = 0; i < 1000; ++i) {
    absl::StatusOr<std::string> sealed = c.Encrypt("same", "ad");
    ASSERT_TRUE(sealed.ok());
    nonces.insert(sealed->substr(0, PiiCipher::kNonceSize));
    sealed_texts.insert(*sealed);
  }
  EXPECT_EQ(nonces.size(), 1000u);
  EXPECT_EQ(sealed_texts.size(), 1000u);  // equal plaintexts are not recognisable
}

TEST(PiiCryptoTest, KeyedHashIsStableNormalisedAndKeyDependent) {
  PiiCipher a = Cipher(kKeyA);
  const std::string h = a.KeyedHash("11010519491231002X");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, a.KeyedHash("11010519491231002X"));
  EXPECT_EQ(h, Cipher(kKeyA).KeyedHash("11010519491231002X"));  // stable across instances
  EXPECT_EQ(h, a.KeyedHash(" 11010519491231002x "));
  EXPECT_NE(h, a.KeyedHash("210999198001010014"));
  EXPECT_NE(h, Cipher(kKeyB).KeyedHash("11010519491231002X"));
  EXPECT_EQ(h.find("11010519491231002X"), std::string::npos);
}

TEST(PiiCryptoTest, KeyedHashIsPinnedAndNotAPlainHash) {
  // HMAC-SHA256(HMAC-SHA256(key, "gaoxin-petition-id-hash-v1"), id), computed independently
  // (Python hmac). Pinned: a change of derivation would orphan every stored hash.
  const std::string h = Cipher(std::string(32, '\0')).KeyedHash("11010519491231002X");
  EXPECT_EQ(h, "7f6f899c4df2667632678a4ef89f301ee8e2b9085207a3242899e3b1c4807eaa");
  // Plain SHA-256 of the number, which anyone could compute from a guess.
  EXPECT_NE(h, "426695a0efdb59b9eaedaf0b5ca3eddf013cc2a7f9e283437704ea605f421e6d");
}

TEST(PiiCryptoTest, KeyLengthIsChecked) {
  for (size_t n : {0u, 16u, 31u, 33u}) {
    absl::StatusOr<PiiCipher> c = PiiCipher::FromRawKey(std::string(n, 'k'));
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find("32 bytes"), std::string::npos);
  }
}

TEST(PiiCryptoTest, EncodedKeys) {
  const std::string hex = absl::BytesToHexString(kKeyA);
  absl::StatusOr<PiiCipher> from_hex = PiiCipher::FromEncodedKey(hex + "\n");
  ASSERT_TRUE(from_hex.ok()) << from_hex.status();
  absl::StatusOr<PiiCipher> from_b64 = PiiCipher::FromEncodedKey(absl::Base64Escape(kKeyA));
  ASSERT_TRUE(from_b64.ok()) << from_b64.status();
  absl::StatusOr<std::string> sealed = from_hex->Encrypt("x", "");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(*from_b64->Decrypt(*sealed, ""), "x");
  EXPECT_FALSE(PiiCipher::FromEncodedKey(absl::Base64Escape(std::string(16, 'k'))).ok());
  EXPECT_FALSE(PiiCipher::FromEncodedKey("not a key!").ok());
}

TEST(PiiCryptoTest, LoadFromFileAndEnv) {
  const std::string path = ::testing::TempDir() + "/pii_key_test.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out << kKeyA;
  }
  absl::StatusOr<PiiCipher> from_file = PiiCipher::LoadFromFile(path);
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_EQ(from_file->KeyedHash("1"), Cipher(kKeyA).KeyedHash("1"));
  std::remove(path.c_str());
  EXPECT_FALSE(PiiCipher::LoadFromFile(path).ok());

  ::unsetenv("GAOXIN_TEST_PII_KEY");
  EXPECT_EQ(PiiCipher::LoadFromEnv("GAOXIN_TEST_PII_KEY").status().code(),
            absl::StatusCode::kFailedPrecondition);
  ::setenv("GAOXIN_TEST_PII_KEY", absl::BytesToHexString(kKeyB).c_str(), 1);
  absl::StatusOr<PiiCipher> from_env = PiiCipher::LoadFromEnv("GAOXIN_TEST_PII_KEY");
  ASSERT_TRUE(from_env.ok()) << from_env.status();
  EXPECT_EQ(from_env->KeyedHash("1"), Cipher(kKeyB).KeyedHash("1"));
  ::setenv("GAOXIN_TEST_PII_KEY", "abcd", 1);
  absl::StatusOr<PiiCipher> bad = PiiCipher::LoadFromEnv("GAOXIN_TEST_PII_KEY");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().find("abcd"), std::string::npos);  // no key text in errors
  ::unsetenv("GAOXIN_TEST_PII_KEY");
}

}  // namespace
}  // namespace gaoxin::petition
