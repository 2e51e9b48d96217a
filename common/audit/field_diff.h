// A field-level diff of two protobuf messages of one type by reflection: one entry per leaf
// (scalar, enum, string, bytes) whose value differs, with its path through nested and repeated
// fields ("money.units", "history[3].stage"). A field that is not set has the value "", so a
// create (no "before") lists every field set. A sealer hook turns the values of personal-data
// fields into their seals, so a diff shows personal data only as it is kept at rest.
//
//   DiffOptions options;
//   options.ignored = {"etag"};                          // carried by the record itself
//   options.sealer = [&](absl::string_view path, absl::string_view value)
//       -> absl::StatusOr<std::string> {
//     if (!IsPersonal(path)) return std::string(value);
//     return cipher.Seal(value, path);
//   };
//   ASSIGN_OR_RETURN(std::vector<DiffEntry> diff, DiffMessages(&before, after, options));
#ifndef GAOXIN_COMMON_AUDIT_FIELD_DIFF_H_
#define GAOXIN_COMMON_AUDIT_FIELD_DIFF_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/audit/audit_record.h"
#include "google/protobuf/message.h"

namespace gaoxin::audit {

// `path` with every "[n]" index removed: "history[3].stage" -> "history.stage".
std::string WithoutIndices(absl::string_view path);

struct DiffOptions {
  // Paths without indices ("etag", "history.record_time") left out, with everything below them.
  std::vector<std::string> ignored;
  // Called with the path and each non-empty value of a changed leaf; returns what the diff
  // keeps. Unset: values are kept as they are.
  std::function<absl::StatusOr<std::string>(absl::string_view path, absl::string_view value)>
      sealer;
};

// The diff from `before` (null: nothing, as before a create) to `after`, in field-number order.
// INVALID_ARGUMENT when the types differ; the sealer's error otherwise.
absl::StatusOr<std::vector<DiffEntry>> DiffMessages(const google::protobuf::Message* before,
                                                    const google::protobuf::Message& after,
                                                    const DiffOptions& options = {});

}  // namespace gaoxin::audit

#endif  // GAOXIN_COMMON_AUDIT_FIELD_DIFF_H_
