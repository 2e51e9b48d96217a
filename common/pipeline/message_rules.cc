#include "common/pipeline/message_rules.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth.h"
#include "common/text.h"
#include "gaoxin/common/v1/field_limits.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace gaoxin::pipeline {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::internal::WireFormatLite;

// Deeper nesting than any gaoxin message has; protobuf itself stops at 100.
constexpr int kMaxDepth = 32;

std::string Path(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

void CheckString(const FieldDescriptor* field, const std::string& value, const std::string& path,
                 FieldViolations* v) {
  if (auto problem = TextProblem(value, IsMultiline(field))) {
    v->Add(path, *problem);
  } else if (static_cast<int>(value.size()) > MaxTextBytes(field)) {
    v->Add(path,
           absl::StrCat("must be at most ", MaxTextBytes(field), " bytes (is ", value.size(), ")"));
  }
}

void CheckFields(const Message& message, const std::string& prefix, int depth, FieldViolations* v) {
  if (depth > kMaxDepth) {
    v->Add(prefix, "is nested too deeply");
    return;
  }
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string path = Path(prefix, field->name());
    const bool is_string = field->type() == FieldDescriptor::TYPE_STRING;
    const bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (field->is_repeated()) {
      const int n = reflection->FieldSize(message, field);
      if (n > MaxItems(field)) {
        v->Add(path, absl::StrCat("must have at most ", MaxItems(field), " entries (has ", n, ")"));
        continue;  // not worth reporting each of a million entries
      }
      for (int i = 0; i < n; ++i) {
        const std::string item = absl::StrCat(path, "[", i, "]");
        if (is_string) {
          std::string scratch;
          CheckString(field, reflection->GetRepeatedStringReference(message, field, i, &scratch),
                      item, v);
        } else if (is_message) {
          CheckFields(reflection->GetRepeatedMessage(message, field, i), item, depth + 1, v);
        }
      }
    } else if (is_string) {
      std::string scratch;
      CheckString(field, reflection->GetStringReference(message, field, &scratch), path, v);
    } else if (is_message) {
      CheckFields(reflection->GetMessage(message, field), path, depth + 1, v);
    }
  }
}

// Walks the wire form of `type` looking for the field that made parsing fail. Returns false
// with `*field` and `*why` set when it finds the culprit (or the bytes are malformed at the top).
bool FindBadField(const Descriptor* type, absl::string_view bytes, const std::string& prefix,
                  int depth, std::string* field, std::string* why) {
  if (depth > kMaxDepth) {
    *field = prefix;
    *why = "is nested too deeply";
    return false;
  }
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  std::vector<int> seen(type->field_count(), 0);
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) {
      if (in.ConsumedEntireMessage() || in.CurrentPosition() == static_cast<int>(bytes.size())) {
        return true;
      }
      *field = prefix;
      *why = "is not a valid message (a field tag of 0)";
      return false;
    }
    const FieldDescriptor* fd = type->FindFieldByNumber(static_cast<int>(tag >> 3));
    const auto wire_type = WireFormatLite::GetTagWireType(tag);
    if (fd != nullptr && wire_type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED &&
        (fd->type() == FieldDescriptor::TYPE_STRING ||
         fd->type() == FieldDescriptor::TYPE_MESSAGE)) {
      std::string path = Path(prefix, fd->name());
      if (fd->is_repeated()) absl::StrAppend(&path, "[", seen[fd->index()]++, "]");
      uint32_t length = 0;
      std::string value;
      if (!in.ReadVarint32(&length) || !in.ReadString(&value, static_cast<int>(length))) {
        *field = path;
        *why = "is cut short (the request's bytes end inside it)";
        return false;
      }
      if (fd->type() == FieldDescriptor::TYPE_STRING) {
        if (!IsValidUtf8(value)) {
          *field = path;
          *why = "is not valid UTF-8";
          return false;
        }
      } else if (!FindBadField(fd->message_type(), value, path, depth + 1, field, why)) {
        return false;
      }
      continue;
    }
    if (!WireFormatLite::SkipField(&in, tag)) {
      *field = fd != nullptr ? Path(prefix, fd->name()) : prefix;
      *why = "is not a valid value of its type";
      return false;
    }
  }
}

}  // namespace

int MaxTextBytes(const FieldDescriptor* field) {
  const auto& limits = field->options().GetExtension(common::v1::text);
  return limits.max_bytes() > 0 ? limits.max_bytes() : kDefaultMaxTextBytes;
}

bool IsMultiline(const FieldDescriptor* field) {
  return field->options().GetExtension(common::v1::text).multiline();
}

int MaxItems(const FieldDescriptor* field) {
  const auto& limits = field->options().GetExtension(common::v1::items);
  return limits.max() > 0 ? limits.max() : kDefaultMaxItems;
}

FieldViolations CheckMessageText(const Message& message) {
  FieldViolations v;
  CheckFields(message, "", 0, &v);
  return v;
}

std::string MessageFingerprint(const Message& message,
                               std::initializer_list<absl::string_view> ignore) {
  std::unique_ptr<Message> copy(message.New());
  copy->CopyFrom(message);
  for (absl::string_view name : ignore) {
    const FieldDescriptor* fd = copy->GetDescriptor()->FindFieldByName(std::string(name));
    if (fd != nullptr) copy->GetReflection()->ClearField(copy.get(), fd);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  return Sha256Hex(absl::StrCat(message.GetDescriptor()->full_name(), "\n", bytes));
}

absl::Status DiagnoseUnparsable(const Descriptor* type, absl::string_view bytes) {
  std::string field;
  std::string why;
  if (FindBadField(type, bytes, "", 0, &field, &why) || field.empty()) {
    return MakeError(absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
                     absl::StrCat("the request is not a valid ", type->full_name(), ": ",
                                  why.empty() ? "its bytes do not parse" : why));
  }
  FieldViolations v;
  v.Add(field, why);
  return v.ToStatus();
}

}  // namespace gaoxin::pipeline
