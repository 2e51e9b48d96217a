// The free text of petition cases and meetings: what petitioners said and what officers wrote
// about them (subject, content, resolution plan, the notes and reasons of every move, the
// extension's reason, a meeting's attendees and notes) holds personal details as much as the
// petitioner fields do. It is sealed at rest like them (case_sealing.h) and shown only to
// `petition.pii` holders, each such read audited; everyone else gets kWithheldNotice in place of
// every non-empty field, on every output path (GetCase, ListCases, the write RPCs' answers,
// WatchCases, GetMeeting, ListMeetings).
//
//   WithholdCaseText(&c);                        // c.content() == kWithheldNotice
//   std::vector<std::string> f = CaseTextFieldNames(c);   // {"subject", "history.note", ...}
//
// The notice is never accepted as a value (HoldsWithheldNotice), so a withheld read sent back can
// never replace the stored text with it; see UpdateCaseRequest in petition.proto for the rules.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_FREE_TEXT_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_FREE_TEXT_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "gaoxin/petition/v1/petition.pb.h"

namespace gaoxin::petition {

// What a caller without petition.pii sees in place of any non-empty free-text field. Fixed and
// documented in petition.proto: clients may compare against it. Empty fields stay empty.
inline constexpr absl::string_view kWithheldNotice =
    "[已隐去：查看需 petition.pii 角色 / withheld: requires the petition.pii role]";

// One free-text field of a resource: its value, its path in the resource ("subject",
// "history.2.note", "attendees.0"; what a seal of it is bound to) and its name in an audit
// record ("history.note", "attendees": one name per kind of field).
struct TextField {
  std::string* value;
  std::string path;
  absl::string_view audit_name;
};

// Every free-text field of `c` / `m`, empty ones included, in proto order.
std::vector<TextField> CaseTextFields(v1::Case* c);
std::vector<TextField> MeetingTextFields(v1::Meeting* m);

// The audit names of the non-empty free-text fields, each once, in proto order: what a read
// reveals. Empty when there is no text.
std::vector<std::string> CaseTextFieldNames(const v1::Case& c);
std::vector<std::string> MeetingTextFieldNames(const v1::Meeting& m);

// Replaces every non-empty free-text field with kWithheldNotice.
void WithholdCaseText(v1::Case* c);
void WithholdMeetingText(v1::Meeting* m);
// Empties every free-text field (for computations that need none of it, such as ledger stats).
void ClearCaseText(v1::Case* c);

// True when `value` contains the notice: a withheld read, or an edit of one, not text.
bool HoldsWithheldNotice(absl::string_view value);
// Adds a violation naming `field` when `value` holds the notice.
void CheckNotWithheldNotice(absl::string_view value, absl::string_view field, FieldViolations* v);

// The updatable free-text paths of a case ("subject", "content", "resolution_plan").
bool IsCaseTextPath(absl::string_view path);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_FREE_TEXT_H_
