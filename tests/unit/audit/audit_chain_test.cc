// The audit record's canonical encoding, the HMAC chain and its verifier: an edited, deleted,
// reordered or inserted record is found, and named by its sequence number.
#include "common/audit/audit_chain.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/audit/audit_record.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace gaoxin::audit {
namespace {

AuditKey Key(char fill = 'k') { return AuditKey::FromBytesForTest(std::string(32, fill)); }

AuditRecord Record(int64_t sequence) {
  AuditRecord r;
  r.sequence = sequence;
  r.time_us = 1700000000000000 + sequence;
  r.principal = "alice";
  r.method = "/gaoxin.leads.v1.LeadService/UpdateLead";
  r.resource = "leads/lead-" + std::to_string(sequence);
  r.etag_before = std::to_string(sequence);
  r.etag_after = std::to_string(sequence + 1);
  r.diff = {{"name", "old", "new"}, {"history[0].stage", "", "STAGE_SIGNED"}};
  return r;
}

struct Chained {
  AuditRecord record;
  std::string mac;
};

std::vector<Chained> Chain(const AuditKey& key, int n) {
  std::vector<Chained> out;
  std::string previous = GenesisMac();
  for (int i = 1; i <= n; ++i) {
    AuditRecord r = Record(i);
    std::string mac = ChainMac(key, previous, r);
    previous = mac;
    out.push_back({std::move(r), std::move(mac)});
  }
  return out;
}

// The first break found walking `records` and checking the head of `head` (the untouched chain's).
std::optional<ChainBreak> Verify(const AuditKey& key, const std::vector<Chained>& records,
                                 const std::vector<Chained>& head) {
  ChainVerifier verifier(&key);
  for (const Chained& c : records) {
    if (!verifier.Add(c.record, c.mac)) break;
  }
  verifier.CheckHead(head.empty() ? 0 : head.back().record.sequence,
                     head.empty() ? "" : head.back().mac);
  return verifier.broken();
}

TEST(AuditRecordTest, EncodingIsUnambiguous) {
  AuditRecord a = Record(1);
  AuditRecord b = a;
  a.principal = "ab";
  a.on_behalf_of = "c";
  b.principal = "a";
  b.on_behalf_of = "bc";
  EXPECT_NE(EncodeCanonical(a), EncodeCanonical(b));
  AuditRecord c = Record(1);
  AuditRecord d = c;
  d.diff = {{"name", "oldn", "ew"}, {"history[0].stage", "", "STAGE_SIGNED"}};
  EXPECT_NE(EncodeCanonical(c), EncodeCanonical(d));
  EXPECT_EQ(EncodeCanonical(c), EncodeCanonical(Record(1)));
}

TEST(AuditRecordTest, EveryFieldIsCovered) {
  const std::string base = EncodeCanonical(Record(2));
  std::vector<AuditRecord> edits(11, Record(2));
  edits[0].sequence = 3;
  edits[1].time_us += 1;
  edits[2].principal = "mallory";
  edits[3].on_behalf_of = "bob";
  edits[4].method = "/x/Y";
  edits[5].resource = "leads/other";
  edits[6].request_id = "r";
  edits[7].etag_before = "9";
  edits[8].etag_after = "9";
  edits[9].diff[0].after = "newer";
  edits[10].kind = RecordKind::kRead;
  for (size_t i = 0; i < edits.size(); ++i) {
    EXPECT_NE(EncodeCanonical(edits[i]), base) << "edit " << i << " left the encoding alone";
  }
}

TEST(AuditRecordTest, DiffAndProtoRoundTrip) {
  const AuditRecord r = Record(5);
  auto diff = DecodeDiff(EncodeDiff(r.diff));
  ASSERT_TRUE(diff.ok()) << diff.status();
  EXPECT_EQ(*diff, r.diff);
  EXPECT_FALSE(DecodeDiff("garbage").ok());
  EXPECT_FALSE(DecodeDiff(EncodeDiff(r.diff) + "x").ok());
  std::string huge(8, '\xff');
  EXPECT_FALSE(DecodeDiff(huge).ok());

  std::string mac;
  auto back = FromProto(ToProto(r, "the mac"), &mac);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(EncodeCanonical(*back), EncodeCanonical(r));
  EXPECT_EQ(mac, "the mac");
  AuditRecord before_epoch = r;
  before_epoch.time_us = -1500001;
  auto back2 = FromProto(ToProto(before_epoch, ""), nullptr);
  ASSERT_TRUE(back2.ok());
  EXPECT_EQ(back2->time_us, -1500001);
}

TEST(AuditChainTest, GoodChainVerifies) {
  const AuditKey key = Key();
  const auto chain = Chain(key, 5);
  EXPECT_FALSE(Verify(key, chain, chain).has_value());
  ChainVerifier empty(&key);
  EXPECT_TRUE(empty.CheckHead(0, ""));
}

TEST(AuditChainTest, EditedRecordIsNamed) {
  const AuditKey key = Key();
  const auto chain = Chain(key, 5);
  auto edited = chain;
  edited[2].record.principal = "mallory";
  auto broken = Verify(key, edited, chain);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 3);
  EXPECT_NE(broken->reason.find("edited"), std::string::npos) << broken->reason;

  auto diff_edited = chain;
  diff_edited[3].record.diff[0].before = "forged";
  broken = Verify(key, diff_edited, chain);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 4);
}

TEST(AuditChainTest, DeletedRecordIsNamed) {
  const AuditKey key = Key();
  const auto chain = Chain(key, 5);
  auto deleted = chain;
  deleted.erase(deleted.begin() + 1);
  auto broken = Verify(key, deleted, chain);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 2);
  EXPECT_NE(broken->reason.find("missing"), std::string::npos) << broken->reason;

  // The newest record, found by the head.
  auto tail = chain;
  tail.pop_back();
  broken = Verify(key, tail, chain);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 5);
}

TEST(AuditChainTest, RenumberedAfterDeletionIsNamed) {
  // Deleting record 2 and renumbering 3..5 as 2..4 keeps the sequence run but not the macs.
  const AuditKey key = Key();
  const auto chain = Chain(key, 5);
  std::vector<Chained> renumbered = {chain[0]};
  for (int i = 2; i < 5; ++i) {
    Chained c = chain[i];
    c.record.sequence = i;
    renumbered.push_back(c);
  }
  auto broken = Verify(key, renumbered, renumbered);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 2);
}

TEST(AuditChainTest, ReorderedRecordIsNamed) {
  const AuditKey key = Key();
  const auto chain = Chain(key, 5);
  auto swapped = chain;
  std::swap(swapped[1], swapped[2]);
  auto broken = Verify(key, swapped, chain);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 2);

  // Swapped contents under the original sequence numbers: the macs no longer link.
  auto contents = chain;
  std::swap(contents[1].record.resource, contents[2].record.resource);
  broken = Verify(key, contents, chain);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 2);
}

TEST(AuditChainTest, InsertedRecordIsNamed) {
  const AuditKey key = Key();
  const auto chain = Chain(key, 4);
  // A forged record 3 chained under another key, the rest renumbered after it.
  auto inserted = chain;
  Chained forged{Record(3), ""};
  forged.record.principal = "mallory";
  forged.mac = ChainMac(Key('x'), chain[1].mac, forged.record);
  inserted.insert(inserted.begin() + 2, forged);
  for (size_t i = 3; i < inserted.size(); ++i) inserted[i].record.sequence = i + 1;
  auto broken = Verify(key, inserted, chain);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 3);

  // A duplicate of record 2 after it.
  auto duplicated = chain;
  duplicated.insert(duplicated.begin() + 2, chain[1]);
  broken = Verify(key, duplicated, chain);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 2);
}

TEST(AuditChainTest, OtherKeyDoesNotVerify) {
  const auto chain = Chain(Key('a'), 3);
  auto broken = Verify(Key('b'), chain, chain);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 1);
}

// Records 1..n with a retention record at `retention_at` (0: none) that states it pruned
// 1..`pruned_last`, chained under `key`.
std::vector<Chained> ChainWithRetention(const AuditKey& key, int n, int retention_at,
                                        int pruned_last) {
  std::vector<Chained> out;
  std::string previous = GenesisMac();
  for (int i = 1; i <= n; ++i) {
    AuditRecord r = Record(i);
    if (i == retention_at) {
      RetentionStatement s;
      s.pruned_first = 1;
      s.pruned_last = pruned_last;
      s.anchor_before = 0;
      s.anchor_after = pruned_last;
      s.anchor_mac_after = out[pruned_last - 1].mac;
      r = RetentionRecord(s);
      r.sequence = i;
      r.time_us = 1700000000000000 + i;
    }
    std::string mac = ChainMac(key, previous, r);
    previous = mac;
    out.push_back({std::move(r), std::move(mac)});
  }
  return out;
}

// Verifies `chain` from the anchor after record `anchor` (its mac, or `anchor_mac` when given),
// walking the records after it but those in `skip`, against the chain's head.
std::optional<ChainBreak> VerifyFrom(const AuditKey& key, const std::vector<Chained>& chain,
                                     int anchor, std::vector<int> skip = {},
                                     std::optional<std::string> anchor_mac = std::nullopt) {
  ChainVerifier verifier(&key);
  verifier.StartAt(anchor, anchor_mac ? *anchor_mac : chain[anchor - 1].mac);
  for (const Chained& c : chain) {
    if (c.record.sequence <= anchor) continue;
    if (std::find(skip.begin(), skip.end(), c.record.sequence) != skip.end()) continue;
    if (!verifier.Add(c.record, c.mac)) break;
  }
  verifier.CheckHead(chain.back().record.sequence, chain.back().mac);
  EXPECT_EQ(verifier.anchor(), anchor);
  return verifier.broken();
}

TEST(AuditChainTest, RetentionRecordStatesItsRange) {
  RetentionStatement s;
  s.pruned_first = 4;
  s.pruned_last = 9;
  s.anchor_before = 3;
  s.anchor_mac_before = std::string(32, '\x01');
  s.anchor_after = 9;
  s.anchor_mac_after = std::string(32, '\xfe');
  AuditRecord r = RetentionRecord(s);
  r.sequence = 12;
  EXPECT_TRUE(IsRetentionRecord(r));
  EXPECT_EQ(r.principal, "system:audit-retention");
  EXPECT_EQ(r.resource, "audit_log");
  auto back = ParseRetentionRecord(r);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->anchor_after, 9);
  EXPECT_EQ(back->anchor_mac_after, s.anchor_mac_after);
  EXPECT_EQ(back->anchor_mac_before, s.anchor_mac_before);
  EXPECT_FALSE(IsRetentionRecord(Record(1)));
  // An anchor at or past its own record is no statement.
  r.sequence = 9;
  EXPECT_FALSE(ParseRetentionRecord(r).ok());
}

TEST(AuditChainTest, VerifiesFromTheRetentionAnchor) {
  const AuditKey key = Key();
  // Records 1..3 pruned; record 6 says so.
  const auto chain = ChainWithRetention(key, 7, 6, 3);
  EXPECT_FALSE(VerifyFrom(key, chain, 3).has_value());
  ChainVerifier verifier(&key);
  verifier.StartAt(3, chain[2].mac);
  for (int i = 3; i < 7; ++i) ASSERT_TRUE(verifier.Add(chain[i].record, chain[i].mac));
  EXPECT_TRUE(verifier.CheckHead(7, chain[6].mac));
  EXPECT_EQ(verifier.verified(), 4);
  // From genesis the whole chain verifies too (nothing was pruned yet, the statement's anchor
  // is not the log's: the log's head says 0): that is an anchor moved backwards.
  ChainVerifier whole(&key);
  for (const Chained& c : chain) ASSERT_TRUE(whole.Add(c.record, c.mac));
  EXPECT_FALSE(whole.CheckHead(7, chain[6].mac));
}

TEST(AuditChainTest, AnchorMovedWithoutARetentionRecordIsNamed) {
  const AuditKey key = Key();
  // No retention record at all: records 1..3 deleted and the anchor set by hand.
  const auto plain = ChainWithRetention(key, 6, 0, 0);
  auto broken = VerifyFrom(key, plain, 3);
  ASSERT_TRUE(broken.has_value());
  EXPECT_NE(broken->reason.find("anchor was moved"), std::string::npos) << broken->reason;
  EXPECT_NE(broken->reason.find("no retention record"), std::string::npos) << broken->reason;
  // A retention record says 1..3; someone removed record 4 as well and moved the anchor to it.
  const auto chain = ChainWithRetention(key, 7, 6, 3);
  broken = VerifyFrom(key, chain, 4);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 5);
  EXPECT_NE(broken->reason.find("anchor was moved"), std::string::npos) << broken->reason;
  EXPECT_NE(broken->reason.find("(6) left it at 3"), std::string::npos) << broken->reason;
}

TEST(AuditChainTest, FirstRecordNotAfterTheAnchorIsNamed) {
  const AuditKey key = Key();
  const auto chain = ChainWithRetention(key, 7, 6, 3);
  // Record 4 deleted, the anchor left at 3.
  auto broken = VerifyFrom(key, chain, 3, {4});
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 4);
  EXPECT_NE(broken->reason.find("missing"), std::string::npos) << broken->reason;
  EXPECT_NE(broken->reason.find("anchor is at 3"), std::string::npos) << broken->reason;
  // The anchor's mac changed: record 4 does not chain from it.
  broken = VerifyFrom(key, chain, 3, {}, std::string(32, 'x'));
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 4);
  EXPECT_NE(broken->reason.find("retention anchor"), std::string::npos) << broken->reason;
}

TEST(AuditKeyTest, LoadsHexAndRefusesTheRest) {
  testing::TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.File(name)) << text;
    return dir.File(name);
  };
  const std::string hex64(64, 'a');
  auto good = AuditKey::LoadFromFile(write("good", hex64 + "\n"));
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->bytes(), std::string(32, '\xaa'));
  EXPECT_TRUE(absl::IsNotFound(AuditKey::LoadFromFile(dir.File("absent")).status()));
  auto short_key = AuditKey::LoadFromFile(write("short", std::string(62, 'a')));
  EXPECT_TRUE(absl::IsInvalidArgument(short_key.status()));
  EXPECT_NE(short_key.status().message().find("64 hex digits"), std::string::npos);
  auto not_hex = AuditKey::LoadFromFile(write("raw", std::string(40, 'z')));
  EXPECT_TRUE(absl::IsInvalidArgument(not_hex.status()));
  // Never the key material in the message.
  EXPECT_EQ(not_hex.status().message().find("zzzz"), std::string::npos);
  EXPECT_TRUE(
      absl::IsInvalidArgument(AuditKey::LoadFromFile(write("odd", std::string(65, 'a'))).status()));
}

}  // namespace
}  // namespace gaoxin::audit
