// The PII key ring: its file format (parse errors name the line and never quote a key), seals
// that name their key, decryption by key id (unknown id -> DATA_LOSS naming it), seals from
// before rotation ("enc:v1:", no key id) opening with key "k1", and the keyed ID-number hash
// under every key.
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/petition/domain/pii_crypto.h"

namespace gaoxin::petition {
namespace {

// Test keys only.
const std::string kRaw1(32, '\x11');
const std::string kRaw2(32, '\x22');
const std::string kHex1 = absl::BytesToHexString(kRaw1);
const std::string kHex2 = absl::BytesToHexString(kRaw2);
const std::string kB64Two = absl::Base64Escape(kRaw2);

PiiCipher Ring(const std::string& text) {
  absl::StatusOr<PiiCipher> c = PiiCipher::FromKeyRingText(text, "test ring");
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : *PiiCipher::FromRawKey(std::string(32, '\x7f'));
}

// The seal the store wrote before rotation existed: "enc:v1:" + base64(raw AES-GCM under the
// one key).
std::string LegacySeal(const std::string& raw_key, const std::string& text, const std::string& ad) {
  absl::StatusOr<std::string> raw = PiiCipher::FromRawKey(raw_key)->Encrypt(text, ad);
  EXPECT_TRUE(raw.ok());
  return absl::StrCat("enc:v1:", absl::Base64Escape(*raw));
}

TEST(PiiKeyRingTest, RingWithCurrentMark) {
  PiiCipher ring = Ring(absl::StrCat("# keys\n\nk1 ", kHex1, "\n  k2\t", kB64Two, " current\n"));
  EXPECT_EQ(ring.current_key_id(), "k2");
  EXPECT_EQ(ring.key_ids(), (std::vector<std::string>{"k1", "k2"}));
  EXPECT_TRUE(ring.HasKey("k1"));
  EXPECT_FALSE(ring.HasKey("k3"));
}

TEST(PiiKeyRingTest, OneKeyNeedsNoMark) {
  PiiCipher ring = Ring(absl::StrCat("2024-a ", kHex2, "\n"));
  EXPECT_EQ(ring.current_key_id(), "2024-a");
}

TEST(PiiKeyRingTest, SingleKeyFormatsAreKeyK1) {
  EXPECT_EQ(Ring(kHex1 + "\n").current_key_id(), "k1");
  EXPECT_EQ(Ring("  " + absl::Base64Escape(kRaw1) + "  ").current_key_id(), "k1");
  EXPECT_EQ(PiiCipher::FromRawKey(kRaw1)->current_key_id(), "k1");
  // And they are the same key as "k1 <key>" in a ring.
  PiiCipher single = Ring(kHex1);
  PiiCipher ring = Ring(absl::StrCat("k1 ", kHex1, "\nk2 ", kHex2, " current"));
  absl::StatusOr<std::string> sealed = single.Seal("张某某", "ad");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(*ring.Open(*sealed, "ad"), "张某某");
}

TEST(PiiKeyRingTest, ParseErrorsNameTheLineAndNoKey) {
  struct Bad {
    std::string text;
    std::string line;
    std::string says;
  };
  const Bad bad[] = {
      {absl::StrCat("k1 ", kHex1, "\nk2\n"), "line 2", "expected"},
      {absl::StrCat("# c\nk1 ", kHex1, "\n", kHex2, " k2 current\n"), "line 3", "key id"},
      {absl::StrCat("k1 ", kHex1, "\nk2 ", kHex2.substr(2), "\n"), "line 2", "hex"},
      {absl::StrCat("k1 ", kHex1, "\nk2 ", absl::Base64Escape(std::string(31, 'x')), " current"),
       "line 2", "32 bytes"},
      {absl::StrCat("k1 ", kHex1, "\nk1 ", kHex2, " current\n"), "line 2", "already used"},
      {absl::StrCat("k1 ", kHex1, "\nk2 ", kHex1, " current\n"), "line 2", "same key"},
      {absl::StrCat("k1 ", kHex1, " current\nk2 ", kHex2, " current\n"), "line 2", "second"},
      {absl::StrCat("k1 ", kHex1, " newest\n"), "line 1", "current"},
      {absl::StrCat("k1 ", kHex1, " current extra\n"), "line 1", "expected"},
  };
  for (const Bad& b : bad) {
    absl::StatusOr<PiiCipher> r = PiiCipher::FromKeyRingText(b.text, "ring.keys");
    ASSERT_FALSE(r.ok()) << b.text;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(r.status().message());
    EXPECT_TRUE(absl::StartsWith(message, "ring.keys " + b.line + ":")) << message;
    EXPECT_NE(message.find(b.says), std::string::npos) << message;
    for (const std::string& key : {kHex1, kHex2, kHex2.substr(2)}) {
      EXPECT_EQ(message.find(key), std::string::npos) << "key material in: " << message;
    }
  }
  // Whole-file problems.
  absl::StatusOr<PiiCipher> none = PiiCipher::FromKeyRingText("# nothing\n\n", "ring.keys");
  EXPECT_NE(none.status().message().find("no key"), absl::string_view::npos) << none.status();
  absl::StatusOr<PiiCipher> unmarked =
      PiiCipher::FromKeyRingText(absl::StrCat("k1 ", kHex1, "\nk2 ", kHex2), "ring.keys");
  EXPECT_NE(unmarked.status().message().find("none marked current"), absl::string_view::npos)
      << unmarked.status();
  EXPECT_FALSE(PiiCipher::FromKeyRingText("", "ring.keys").ok());
  EXPECT_FALSE(PiiCipher::FromKeyRingText("not-a-key", "ring.keys").ok());
}

TEST(PiiKeyRingTest, SealsNameTheCurrentKey) {
  PiiCipher ring = Ring(absl::StrCat("k1 ", kHex1, "\nk2 ", kHex2, " current"));
  absl::StatusOr<std::string> sealed = ring.Seal("上访材料", "case/1/content");
  ASSERT_TRUE(sealed.ok());
  EXPECT_TRUE(absl::StartsWith(*sealed, "enc:v2:k2:")) << *sealed;
  EXPECT_EQ(PiiCipher::SealKeyId(*sealed), "k2");
  EXPECT_TRUE(PiiCipher::IsSealed(*sealed));
  EXPECT_EQ(sealed->find("上访材料"), std::string::npos);
  EXPECT_EQ(*ring.Open(*sealed, "case/1/content"), "上访材料");
  // Empty stays empty, both ways.
  EXPECT_EQ(*ring.Seal("", "ad"), "");
  EXPECT_EQ(*ring.Open("", "ad"), "");
  EXPECT_FALSE(PiiCipher::IsSealed("上访材料"));
  EXPECT_EQ(PiiCipher::SealKeyId("enc:v2::abc"), std::nullopt);
}

TEST(PiiKeyRingTest, DecryptionPicksTheKeyById) {
  PiiCipher old_ring = Ring(absl::StrCat("k1 ", kHex1));
  PiiCipher both = Ring(absl::StrCat("k1 ", kHex1, "\nk2 ", kHex2, " current"));
  PiiCipher new_only = Ring(absl::StrCat("k2 ", kHex2));
  const std::string under_k1 = *old_ring.Seal("张某某", "ad");
  const std::string under_k2 = *both.Seal("李某某", "ad");
  EXPECT_EQ(*both.Open(under_k1, "ad"), "张某某");
  EXPECT_EQ(*both.Open(under_k2, "ad"), "李某某");
  EXPECT_EQ(*new_only.Open(under_k2, "ad"), "李某某");

  absl::StatusOr<std::string> unknown = new_only.Open(under_k1, "ad");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(unknown.status().message().find("'k1'"), absl::string_view::npos) << unknown.status();
  EXPECT_EQ(old_ring.Open(under_k2, "ad").status().code(), absl::StatusCode::kDataLoss);

  // Relabelling a seal with another key's id does not make it open.
  std::string relabelled = under_k1;
  relabelled.replace(0, std::string("enc:v2:k1:").size(), "enc:v2:k2:");
  EXPECT_EQ(both.Open(relabelled, "ad").status().code(), absl::StatusCode::kDataLoss);
  // Nor do garbage, a hostile key id, or a cut seal.
  for (const std::string& bad :
       {std::string("enc:v2:k2:!!!"), std::string("enc:v2:") + std::string(5000, 'x') + ":AAAA",
        under_k2.substr(0, under_k2.size() - 4), std::string("enc:v3:k2:AAAA"),
        std::string("plain text")}) {
    absl::StatusOr<std::string> r = both.Open(bad, "ad");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << bad.substr(0, 40);
    EXPECT_LT(r.status().message().size(), 200u);
  }
}

TEST(PiiKeyRingTest, SealsFromBeforeRotationOpenWithKeyK1) {
  const std::string legacy = LegacySeal(kRaw1, "13900000001", "case/7/petitioner.phone");
  EXPECT_EQ(PiiCipher::SealKeyId(legacy), "k1");
  PiiCipher rotated = Ring(absl::StrCat("k1 ", kHex1, "\nk2 ", kHex2, " current"));
  absl::StatusOr<std::string> opened = rotated.Open(legacy, "case/7/petitioner.phone");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "13900000001");
  // The single-key ring of old deployments opens it too.
  EXPECT_EQ(*PiiCipher::FromRawKey(kRaw1)->Open(legacy, "case/7/petitioner.phone"), "13900000001");
  // Without k1 in the ring it cannot be opened: DATA_LOSS naming k1.
  absl::StatusOr<std::string> lost =
      Ring(absl::StrCat("k2 ", kHex2)).Open(legacy, "case/7/petitioner.phone");
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(lost.status().message().find("'k1'"), absl::string_view::npos);
  // Still bound to its field.
  EXPECT_FALSE(rotated.Open(legacy, "case/8/petitioner.phone").ok());
}

TEST(PiiKeyRingTest, KeyedHashesCoverEveryKeyCurrentFirst) {
  const std::string id = "11010519491231002X";
  PiiCipher old_ring = PiiCipher::FromRawKey(kRaw1).value();
  PiiCipher rotated = Ring(absl::StrCat("k1 ", kHex1, "\nk2 ", kHex2, " current"));
  PiiCipher new_only = Ring(absl::StrCat("k2 ", kHex2));
  const std::vector<std::string> hashes = rotated.KeyedHashes(id);
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_EQ(hashes[0], rotated.KeyedHash(id));
  EXPECT_EQ(hashes[0], new_only.KeyedHash(id));
  // The hash stored before rotation (single-key file) is among them.
  EXPECT_EQ(hashes[1], old_ring.KeyedHash(id));
  EXPECT_NE(hashes[0], hashes[1]);
  EXPECT_EQ(rotated.KeyedHash(" 11010519491231002x "), hashes[0]);  // normalised
}

}  // namespace
}  // namespace gaoxin::petition
