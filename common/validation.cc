#include "common/validation.h"

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/text.h"

namespace gaoxin {

absl::Status CheckId(absl::string_view id, absl::string_view prefix, absl::string_view field) {
  if (id.empty()) return InvalidField(field, "is required");
  if (!IsValidId(id, prefix)) {
    return InvalidField(field, absl::StrCat(Excerpt(id), " is not a ", prefix, " id"));
  }
  return absl::OkStatus();
}

absl::Status CheckOptionalId(absl::string_view id, absl::string_view prefix,
                             absl::string_view field) {
  return id.empty() ? absl::OkStatus() : CheckId(id, prefix, field);
}

void CheckOptionalId(absl::string_view id, absl::string_view prefix, absl::string_view field,
                     FieldViolations* v) {
  if (!id.empty() && !IsValidId(id, prefix)) {
    v->Add(field, absl::StrCat(Excerpt(id), " is not a ", prefix, " id"));
  }
}

absl::Status CheckYear(int year, absl::string_view field, bool required) {
  if (year == 0 && !required) return absl::OkStatus();
  if (year < 1900 || year > 2200) return InvalidField(field, "must be a year in 1900..2200");
  return absl::OkStatus();
}

void CheckText(const std::string& text, absl::string_view field, size_t max, bool required,
               FieldViolations* v) {
  if (required && text.empty()) {
    v->Add(field, "is required");
  } else if (text.size() > max) {
    v->Add(field, absl::StrCat("must be at most ", max, " bytes"));
  }
}

}  // namespace gaoxin
