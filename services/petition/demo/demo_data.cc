#include "services/petition/demo/demo_data.h"

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/status_macros.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/petition/domain/case_input.h"
#include "services/petition/domain/case_state.h"
#include "services/petition/domain/repeat_detection.h"

namespace gaoxin::petition {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// Parses one JSON object (held in a Struct value) as a proto message, by its JSON mapping.
template <typename Message>
absl::Status ParseAs(const Value& value, absl::string_view what, Message* out) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(value, &json).ok() ||
      !google::protobuf::util::JsonStringToMessage(json, out).ok()) {
    return absl::InvalidArgumentError(absl::StrCat("demo data: bad ", what));
  }
  return absl::OkStatus();
}

std::string StringField(const Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "" : it->second.string_value();
}

absl::StatusOr<absl::CivilDay> DayField(const Struct& s, const std::string& key,
                                        absl::string_view what) {
  common::v1::Date date;
  if (!ParseDate(StringField(s, key), &date)) {
    return absl::InvalidArgumentError(absl::StrCat("demo data: ", what, ": bad ", key));
  }
  return ToCivilDay(date);
}

absl::StatusOr<DemoStep> ParseStep(const Struct& s, absl::string_view what) {
  DemoStep step;
  ASSIGN_OR_RETURN(step.date, DayField(s, "date", what));
  step.actor = StringField(s, "actor");
  step.note = StringField(s, "note");
  step.reason = StringField(s, "reason");
  auto days = s.fields().find("extendDays");
  if (days != s.fields().end()) {
    step.extend_days = static_cast<int>(days->second.number_value());
    return step;
  }
  v1::CaseStatus to;
  if (!v1::CaseStatus_Parse(StringField(s, "to"), &to)) {
    return absl::InvalidArgumentError(absl::StrCat("demo data: ", what, ": bad status"));
  }
  step.to = to;
  return step;
}

}  // namespace

std::string DefaultDemoPath() { return GAOXIN_PETITION_DEMO_PATH; }

absl::StatusOr<DemoData> LoadDemoData(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Struct root;
  if (!google::protobuf::util::JsonStringToMessage(json, &root).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not valid JSON"));
  }
  DemoData data;
  ASSIGN_OR_RETURN(data.as_of, DayField(root, "asOf", "root"));
  for (const Value& v : root.fields().at("ledgers").list_value().values()) {
    RETURN_IF_ERROR(ParseAs(v, "ledger", &data.ledgers.emplace_back()));
  }
  for (const Value& v : root.fields().at("cases").list_value().values()) {
    const Struct& s = v.struct_value();
    const std::string id = StringField(s, "id");
    DemoCase& c = data.cases.emplace_back();
    RETURN_IF_ERROR(ParseAs(s.fields().at("case"), absl::StrCat("case ", id), &c.input));
    c.input.set_id(id);
    c.leader = StringField(s, "leader");
    for (const Value& step : s.fields().at("steps").list_value().values()) {
      ASSIGN_OR_RETURN(DemoStep parsed, ParseStep(step.struct_value(), absl::StrCat("case ", id)));
      c.steps.push_back(parsed);
    }
  }
  for (const Value& v : root.fields().at("meetings").list_value().values()) {
    RETURN_IF_ERROR(ParseAs(v, "meeting", &data.meetings.emplace_back()));
  }
  return data;
}

absl::StatusOr<std::vector<v1::Case>> ReplayDemoCases(const DemoData& data, const PiiCipher& cipher,
                                                      const DeadlinePolicy& policy,
                                                      absl::CivilDay today) {
  std::vector<v1::Case> cases;
  std::vector<PriorCase> prior;
  for (const DemoCase& demo : data.cases) {
    auto fail = [&](const absl::Status& s) {
      return absl::Status(s.code(), absl::StrCat("demo case ", demo.input.id(), ": ", s.message()));
    };
    absl::StatusOr<v1::Case> c = PrepareNewCase(demo.input, "demo-loader", policy, today);
    if (!c.ok()) return fail(c.status());
    c->set_id(demo.input.id());
    c->set_leader(demo.leader);
    const std::string hash =
        c->petitioner().id_number().empty() ? "" : cipher.KeyedHash(c->petitioner().id_number());
    absl::StatusOr<RepeatResult> repeat = DetectRepeat(hash, c->category(), prior);
    if (!repeat.ok()) return fail(repeat.status());
    c->set_is_repeat(repeat->is_repeat);
    for (const std::string& id : repeat->repeat_of_case_ids) c->add_repeat_of_case_ids(id);

    for (const DemoStep& step : demo.steps) {
      absl::StatusOr<v1::Case> next =
          step.extend_days > 0
              ? ExtendDeadline(
                    *c, ExtensionRequest{step.extend_days, step.reason, step.date, step.actor},
                    policy, today)
              : Transition(*c, Move{step.to, step.date, step.actor, step.note, step.reason}, policy,
                           today);
      if (!next.ok()) return fail(next.status());
      c = std::move(next);
    }
    // Later cases see this one as it ends up in the file; the file lists cases in the order
    // they were received, so no later case predates the state it is compared with.
    prior.push_back(ToPriorCase(*c, hash));
    cases.push_back(*std::move(c));
  }
  return cases;
}

}  // namespace gaoxin::petition
