// The rules every request message obeys, applied from its descriptor so that no RPC can forget
// one and a field added tomorrow is covered without code: text fields are UTF-8 without control
// characters, not only white space and within their declared length; repeated fields within
// their declared count (gaoxin/common/v1/field_limits.proto declares both; defaults apply when a
// field declares nothing). Also the two things the pipeline derives from a message as a whole:
// its fingerprint (for page tokens and request_id binding) and, for bytes that did not parse,
// which field is at fault.
//
//   FieldViolations v = CheckMessageText(request);   // "lead.name: must not be only white space"
//   RETURN_IF_ERROR(v.ToStatus());
#ifndef GAOXIN_COMMON_PIPELINE_MESSAGE_RULES_H_
#define GAOXIN_COMMON_PIPELINE_MESSAGE_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace gaoxin::pipeline {

inline constexpr int kDefaultMaxTextBytes = 400;
inline constexpr int kDefaultMaxItems = 1000;

// The declared limits of a string field / a repeated field (defaults when undeclared).
int MaxTextBytes(const google::protobuf::FieldDescriptor* field);
bool IsMultiline(const google::protobuf::FieldDescriptor* field);
int MaxItems(const google::protobuf::FieldDescriptor* field);

// Every text and count problem in `message`, named by field path ("agent.enterprise_usccs[2]").
FieldViolations CheckMessageText(const google::protobuf::Message& message);

// A digest of `message` without the fields named in `ignore` (e.g. page_size, page_token):
// equal for requests that ask the same thing.
std::string MessageFingerprint(const google::protobuf::Message& message,
                               std::initializer_list<absl::string_view> ignore = {});

// For bytes that did not parse as `type`: INVALID_ARGUMENT naming the field at fault (a string
// that is not UTF-8, a field whose value is cut short) or, when no field is to blame, the request
// as a whole.
absl::Status DiagnoseUnparsable(const google::protobuf::Descriptor* type, absl::string_view bytes);

}  // namespace gaoxin::pipeline

#endif  // GAOXIN_COMMON_PIPELINE_MESSAGE_RULES_H_
