#include "services/petition/domain/free_text.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gaoxin::petition {
namespace {

void AddName(std::vector<std::string>* names, absl::string_view name) {
  if (std::find(names->begin(), names->end(), name) == names->end()) names->emplace_back(name);
}

template <typename Resource>
std::vector<std::string> NamesOf(const Resource& r, std::vector<TextField> (*fields)(Resource*)) {
  // The field table works on a mutable resource; a copy keeps `r` untouched.
  Resource copy = r;
  std::vector<std::string> names;
  for (const TextField& f : fields(&copy)) {
    if (!f.value->empty()) AddName(&names, f.audit_name);
  }
  return names;
}

}  // namespace

std::vector<TextField> CaseTextFields(v1::Case* c) {
  std::vector<TextField> out = {
      {c->mutable_subject(), "subject", "subject"},
      {c->mutable_content(), "content", "content"},
      {c->mutable_resolution_plan(), "resolution_plan", "resolution_plan"},
  };
  for (int i = 0; i < c->history_size(); ++i) {
    v1::CaseEvent* e = c->mutable_history(i);
    out.push_back({e->mutable_note(), absl::StrCat("history.", i, ".note"), "history.note"});
    out.push_back({e->mutable_reason(), absl::StrCat("history.", i, ".reason"), "history.reason"});
  }
  if (c->has_extension()) {
    out.push_back(
        {c->mutable_extension()->mutable_reason(), "extension.reason", "extension.reason"});
  }
  return out;
}

std::vector<TextField> MeetingTextFields(v1::Meeting* m) {
  std::vector<TextField> out;
  for (int i = 0; i < m->attendees_size(); ++i) {
    out.push_back({m->mutable_attendees(i), absl::StrCat("attendees.", i), "attendees"});
  }
  out.push_back({m->mutable_notes(), "notes", "notes"});
  return out;
}

std::vector<std::string> CaseTextFieldNames(const v1::Case& c) {
  return NamesOf<v1::Case>(c, &CaseTextFields);
}

std::vector<std::string> MeetingTextFieldNames(const v1::Meeting& m) {
  return NamesOf<v1::Meeting>(m, &MeetingTextFields);
}

void WithholdCaseText(v1::Case* c) {
  for (const TextField& f : CaseTextFields(c)) {
    if (!f.value->empty()) *f.value = std::string(kWithheldNotice);
  }
}

void WithholdMeetingText(v1::Meeting* m) {
  for (const TextField& f : MeetingTextFields(m)) {
    if (!f.value->empty()) *f.value = std::string(kWithheldNotice);
  }
}

void ClearCaseText(v1::Case* c) {
  for (const TextField& f : CaseTextFields(c)) f.value->clear();
}

bool HoldsWithheldNotice(absl::string_view value) {
  return value.find(kWithheldNotice) != absl::string_view::npos;
}

void CheckNotWithheldNotice(absl::string_view value, absl::string_view field, FieldViolations* v) {
  if (!HoldsWithheldNotice(value)) return;
  v->Add(field,
         "holds the notice shown in place of text withheld from callers without petition.pii, "
         "not text: send the text itself, or leave the field out");
}

bool IsCaseTextPath(absl::string_view path) {
  return path == "subject" || path == "content" || path == "resolution_plan";
}

}  // namespace gaoxin::petition
