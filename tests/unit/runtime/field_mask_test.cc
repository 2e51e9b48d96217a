#include "common/field_mask.h"

#include "gaoxin/leads/v1/leads.pb.h"
#include "gtest/gtest.h"

namespace gaoxin {
namespace {

const std::vector<std::string> kUpdatable = {"name", "investor", "note"};

TEST(FieldMaskTest, ExplicitMaskCopiesOnlyNamedFields) {
  leads::v1::Lead stored;
  stored.set_name("old");
  stored.set_note("keep");
  leads::v1::Lead patch;
  patch.set_name("new");
  patch.set_note("ignored");
  google::protobuf::FieldMask mask;
  mask.add_paths("name");
  ASSERT_TRUE(ApplyUpdateMask(patch, mask, kUpdatable, &stored).ok());
  EXPECT_EQ(stored.name(), "new");
  EXPECT_EQ(stored.note(), "keep");
}

TEST(FieldMaskTest, EmptyMaskMeansPopulatedUpdatableFields) {
  leads::v1::Lead stored;
  stored.set_name("old");
  stored.set_stage(leads::v1::STAGE_SIGNED);
  leads::v1::Lead patch;
  patch.set_note("n");
  patch.set_stage(leads::v1::STAGE_RESERVE);  // server-owned: ignored
  ASSERT_TRUE(ApplyUpdateMask(patch, {}, kUpdatable, &stored).ok());
  EXPECT_EQ(stored.name(), "old");
  EXPECT_EQ(stored.note(), "n");
  EXPECT_EQ(stored.stage(), leads::v1::STAGE_SIGNED);
}

TEST(FieldMaskTest, StarReplacesEveryUpdatableField) {
  leads::v1::Lead stored;
  stored.set_name("old");
  stored.set_note("old note");
  leads::v1::Lead patch;
  patch.set_name("new");
  google::protobuf::FieldMask mask;
  mask.add_paths("*");
  ASSERT_TRUE(ApplyUpdateMask(patch, mask, kUpdatable, &stored).ok());
  EXPECT_EQ(stored.name(), "new");
  EXPECT_EQ(stored.note(), "");
}

TEST(FieldMaskTest, ServerOwnedOrUnknownPathsAreRejected) {
  leads::v1::Lead stored;
  google::protobuf::FieldMask mask;
  mask.add_paths("stage");
  absl::Status s = ApplyUpdateMask(leads::v1::Lead(), mask, kUpdatable, &stored);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("update_mask"), absl::string_view::npos);
  google::protobuf::FieldMask unknown;
  unknown.add_paths("investor.nope");
  EXPECT_FALSE(ApplyUpdateMask(leads::v1::Lead(), unknown, kUpdatable, &stored).ok());
}

}  // namespace
}  // namespace gaoxin
