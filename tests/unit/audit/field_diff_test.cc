// The field-level diff by reflection: nested and repeated paths, create and shrink, ignored
// fields, and the sealer hook that keeps personal data only in sealed form.
#include "common/audit/field_diff.h"

#include <string>
#include <vector>

#include "gaoxin/leads/v1/leads.pb.h"
#include "gtest/gtest.h"

namespace gaoxin::audit {
namespace {

using leads::v1::Lead;

Lead Sample() {
  Lead lead;
  lead.set_id("lead-1");
  lead.set_name("old name");
  lead.mutable_investor()->set_name("某某有限公司");
  lead.mutable_planned_investment()->set_units(100);
  lead.set_stage(leads::v1::STAGE_RESERVE);
  auto* h = lead.add_history();
  h->set_to_stage(leads::v1::STAGE_RESERVE);
  h->set_actor("alice");
  lead.set_etag("1");
  return lead;
}

std::vector<DiffEntry> Diff(const Lead* before, const Lead& after, const DiffOptions& o = {}) {
  auto d = DiffMessages(before, after, o);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *d : std::vector<DiffEntry>{};
}

TEST(FieldDiffTest, SameMessageHasNoDiff) {
  const Lead a = Sample();
  EXPECT_TRUE(Diff(&a, a).empty());
}

TEST(FieldDiffTest, NestedAndRepeatedPaths) {
  const Lead a = Sample();
  Lead b = a;
  b.set_name("new name");
  b.mutable_planned_investment()->set_units(250);
  b.mutable_planned_investment()->set_nanos(5);
  b.set_stage(leads::v1::STAGE_SIGNED);
  auto* h = b.add_history();
  h->set_from_stage(leads::v1::STAGE_RESERVE);
  h->set_to_stage(leads::v1::STAGE_SIGNED);
  b.mutable_history(0)->set_note("first");
  const std::vector<DiffEntry> expected = {
      {"name", "old name", "new name"},
      {"planned_investment.units", "100", "250"},
      {"planned_investment.nanos", "", "5"},
      {"stage", "STAGE_RESERVE", "STAGE_SIGNED"},
      {"history[0].note", "", "first"},
      {"history[1].from_stage", "", "STAGE_RESERVE"},
      {"history[1].to_stage", "", "STAGE_SIGNED"},
  };
  EXPECT_EQ(Diff(&a, b), expected);
  // Shrinking a repeated field lists what went.
  const std::vector<DiffEntry> back = {
      {"name", "new name", "old name"},
      {"planned_investment.units", "250", "100"},
      {"planned_investment.nanos", "5", ""},
      {"stage", "STAGE_SIGNED", "STAGE_RESERVE"},
      {"history[0].note", "first", ""},
      {"history[1].from_stage", "STAGE_RESERVE", ""},
      {"history[1].to_stage", "STAGE_SIGNED", ""},
  };
  EXPECT_EQ(Diff(&b, a), back);
}

TEST(FieldDiffTest, CreateListsEverySetFieldAndIgnoredStayOut) {
  const Lead a = Sample();
  DiffOptions o;
  o.ignored = {"etag", "history.actor"};
  const std::vector<DiffEntry> expected = {
      {"id", "", "lead-1"},
      {"name", "", "old name"},
      {"investor.name", "", "某某有限公司"},
      {"planned_investment.units", "", "100"},
      {"stage", "", "STAGE_RESERVE"},
      {"history[0].to_stage", "", "STAGE_RESERVE"},
  };
  EXPECT_EQ(Diff(nullptr, a, o), expected);
}

TEST(FieldDiffTest, SealerSealsPersonalFieldsOnly) {
  const Lead a = Sample();
  Lead b = a;
  b.mutable_investor()->set_name("另一家公司");
  b.set_name("renamed");
  DiffOptions o;
  o.sealer = [](absl::string_view path, absl::string_view value) -> absl::StatusOr<std::string> {
    if (path != "investor.name") return std::string(value);
    return "sealed(" + std::to_string(value.size()) + ")";
  };
  const std::vector<DiffEntry> diff = Diff(&a, b, o);
  ASSERT_EQ(diff.size(), 2u);
  EXPECT_EQ(diff[0], (DiffEntry{"name", "old name", "renamed"}));
  EXPECT_EQ(diff[1].path, "investor.name");
  EXPECT_EQ(diff[1].before, "sealed(18)");
  EXPECT_EQ(diff[1].after, "sealed(15)");
  for (const DiffEntry& e : diff) {
    EXPECT_EQ(e.before.find("某某"), std::string::npos);
    EXPECT_EQ(e.after.find("另一家"), std::string::npos);
  }
  // A sealer's error is the diff's.
  o.sealer = [](absl::string_view, absl::string_view) -> absl::StatusOr<std::string> {
    return absl::InternalError("no key");
  };
  EXPECT_EQ(DiffMessages(&a, b, o).status().code(), absl::StatusCode::kInternal);
}

TEST(FieldDiffTest, TypesMustMatch) {
  const Lead a = Sample();
  leads::v1::Investor other;
  EXPECT_TRUE(absl::IsInvalidArgument(DiffMessages(&other, a).status()));
  EXPECT_EQ(WithoutIndices("history[12].notes[3].x"), "history.notes.x");
}

}  // namespace
}  // namespace gaoxin::audit
