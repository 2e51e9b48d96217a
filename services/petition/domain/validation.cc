#include "services/petition/domain/validation.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "services/petition/domain/free_text.h"
#include "services/petition/domain/identity_codes.h"
#include "services/petition/domain/masking.h"
#include "services/petition/domain/utf8.h"

namespace gaoxin::petition {
namespace {

std::string Field(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

void CheckText(absl::string_view value, bool required, size_t max_chars, absl::string_view field,
               FieldViolations* v) {
  if (absl::StripAsciiWhitespace(value).empty()) {
    if (required) v->Add(field, "is required");
    return;
  }
  if (!IsValidUtf8(value)) {
    v->Add(field, "must be valid UTF-8");
  } else if (Utf8Length(value) > max_chars) {
    v->Add(field, absl::StrCat("must be at most ", max_chars, " characters"));
  }
}

void CheckNotFuture(const common::v1::Date& date, absl::CivilDay today, absl::string_view field,
                    FieldViolations* v) {
  FieldViolations date_v;
  ValidateDate(date, field, &date_v);
  if (!date_v.empty()) {
    for (const auto& [f, d] : date_v.violations()) v->Add(f, d);
    return;
  }
  if (ToCivilDay(date) > today) v->Add(field, "must not be in the future");
}

bool IsPhoneChar(char c) {
  return absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '+' || c == '-' ||
         c == '(' || c == ')';
}

void Trim(std::string* s) { absl::StripAsciiWhitespace(s); }

}  // namespace

void CheckResidentId(absl::string_view id_number, absl::string_view field, absl::CivilDay today,
                     FieldViolations* v) {
  if (std::string problem = ResidentIdProblem(id_number, today); !problem.empty()) {
    v->Add(field, problem);
  }
}

void ValidatePetitioner(const v1::Petitioner& p, absl::string_view prefix, absl::CivilDay today,
                        FieldViolations* v) {
  CheckText(p.name(), /*required=*/true, 50, Field(prefix, "name"), v);
  if (!p.id_number().empty()) CheckResidentId(p.id_number(), Field(prefix, "id_number"), today, v);
  if (!p.phone().empty()) {
    bool ok = p.phone().size() >= 7 && p.phone().size() <= 20;
    for (char c : p.phone()) ok = ok && IsPhoneChar(c);
    if (!ok) {
      v->Add(Field(prefix, "phone"),
             "must be 7-20 characters of digits, spaces, '+', '-', '(' and ')'");
    }
  }
  CheckText(p.address(), /*required=*/false, 200, Field(prefix, "address"), v);
}

void CheckNotMasked(const v1::Petitioner& written, const v1::Petitioner& stored,
                    absl::string_view prefix, FieldViolations* v) {
  struct Value {
    const char* field;
    const std::string& written;
    const std::string& stored;
    std::string (*mask)(absl::string_view);
  };
  const Value values[] = {
      {"name", written.name(), stored.name(), MaskName},
      {"id_number", written.id_number(), stored.id_number(), MaskIdNumber},
      {"phone", written.phone(), stored.phone(), MaskPhone},
      {"address", written.address(), stored.address(), MaskAddress},
  };
  for (const Value& value : values) {
    if (value.written == value.stored) continue;
    if (LooksMasked(value.written) || value.written == value.mask(value.stored)) {
      v->Add(Field(prefix, value.field),
             absl::StrCat("is a masked value ('", std::string(1, kMaskChar),
                          "' hides characters), not personal data: send the plaintext, or leave "
                          "the field out"));
    }
  }
}

void ValidateCaseInput(const v1::Case& c, absl::string_view prefix, absl::CivilDay today,
                       FieldViolations* v) {
  if (c.channel() == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(c.channel())) {
    v->Add(Field(prefix, "channel"), "must be one of letter, visit, phone, online, hotline");
  }
  CheckNotFuture(c.received_date(), today, Field(prefix, "received_date"), v);
  ValidatePetitioner(c.petitioner(), Field(prefix, "petitioner"), today, v);
  if (c.petitioner_count() < 1 || c.petitioner_count() > 100000) {
    v->Add(Field(prefix, "petitioner_count"), "must be between 1 and 100000");
  }
  CheckText(c.category(), /*required=*/true, 50, Field(prefix, "category"), v);
  CheckText(c.subject(), /*required=*/true, 200, Field(prefix, "subject"), v);
  CheckText(c.content(), /*required=*/false, 20000, Field(prefix, "content"), v);
  std::set<std::string> seen;
  for (int i = 0; i < c.ledger_ids_size(); ++i) {
    const std::string field = absl::StrCat(Field(prefix, "ledger_ids"), "[", i, "]");
    if (c.ledger_ids(i).empty()) {
      v->Add(field, "must not be empty");
    } else if (!seen.insert(c.ledger_ids(i)).second) {
      v->Add(field, "is listed twice");
    }
  }
  if (!c.enterprise_uscc().empty()) {
    if (!IsValidUscc(c.enterprise_uscc())) {
      v->Add(Field(prefix, "enterprise_uscc"),
             "must be an 18-character unified social credit code with a valid check character "
             "(GB 32100-2015)");
    }
    CheckText(c.enterprise_name(), /*required=*/true, 100, Field(prefix, "enterprise_name"), v);
  } else {
    CheckText(c.enterprise_name(), /*required=*/false, 100, Field(prefix, "enterprise_name"), v);
  }
  CheckText(c.department(), /*required=*/false, 100, Field(prefix, "department"), v);
  CheckText(c.resolution_plan(), /*required=*/false, 20000, Field(prefix, "resolution_plan"), v);
  CheckNotWithheldNotice(c.subject(), Field(prefix, "subject"), v);
  CheckNotWithheldNotice(c.content(), Field(prefix, "content"), v);
  CheckNotWithheldNotice(c.resolution_plan(), Field(prefix, "resolution_plan"), v);
}

void ValidateLedgerInput(const v1::Ledger& ledger, absl::string_view prefix, FieldViolations* v) {
  CheckText(ledger.name(), /*required=*/true, 100, Field(prefix, "name"), v);
  if (ledger.year() < 1990 || ledger.year() > 2100) {
    v->Add(Field(prefix, "year"), "must be a year between 1990 and 2100");
  }
  if (ledger.kind() == v1::LEDGER_KIND_UNSPECIFIED || !v1::LedgerKind_IsValid(ledger.kind())) {
    v->Add(Field(prefix, "kind"), "must be campaign, repeat petition or other");
  }
  CheckText(ledger.description(), /*required=*/false, 2000, Field(prefix, "description"), v);
}

void ValidateMeetingInput(const v1::Meeting& meeting, absl::string_view prefix,
                          absl::CivilDay today, FieldViolations* v) {
  if (meeting.kind() == v1::MEETING_KIND_UNSPECIFIED || !v1::MeetingKind_IsValid(meeting.kind())) {
    v->Add(Field(prefix, "kind"), "must be a joint meeting or a leader reception");
  }
  CheckNotFuture(meeting.date(), today, Field(prefix, "date"), v);
  if (meeting.attendees_size() == 0) v->Add(Field(prefix, "attendees"), "at least one attendee");
  for (int i = 0; i < meeting.attendees_size(); ++i) {
    const std::string field = absl::StrCat(Field(prefix, "attendees"), "[", i, "]");
    CheckText(meeting.attendees(i), /*required=*/true, 100, field, v);
    CheckNotWithheldNotice(meeting.attendees(i), field, v);
  }
  for (int i = 0; i < meeting.case_ids_size(); ++i) {
    if (meeting.case_ids(i).empty()) {
      v->Add(absl::StrCat(Field(prefix, "case_ids"), "[", i, "]"), "must not be empty");
    }
  }
  CheckText(meeting.notes(), /*required=*/false, 20000, Field(prefix, "notes"), v);
  CheckNotWithheldNotice(meeting.notes(), Field(prefix, "notes"), v);
}

void NormalizeCaseInput(v1::Case* c) {
  v1::Petitioner* p = c->mutable_petitioner();
  Trim(p->mutable_name());
  Trim(p->mutable_id_number());
  absl::AsciiStrToUpper(p->mutable_id_number());
  Trim(p->mutable_phone());
  Trim(p->mutable_address());
  Trim(c->mutable_category());
  Trim(c->mutable_subject());
  Trim(c->mutable_enterprise_uscc());
  absl::AsciiStrToUpper(c->mutable_enterprise_uscc());
  Trim(c->mutable_enterprise_name());
  Trim(c->mutable_department());
  for (std::string& id : *c->mutable_ledger_ids()) Trim(&id);
}

}  // namespace gaoxin::petition
