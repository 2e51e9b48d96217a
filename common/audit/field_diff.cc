#include "common/audit/field_diff.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace gaoxin::audit {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The text of a scalar field's value (index -1: a singular field).
std::string ScalarText(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      const auto* value = f->enum_type()->FindValueByNumber(number);
      return value != nullptr ? value->name() : absl::StrCat(number);
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string s = rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
      return f->type() == FieldDescriptor::TYPE_BYTES ? absl::Base64Escape(s) : s;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "";
}

class Differ {
 public:
  Differ(const DiffOptions& options, std::vector<DiffEntry>* out) : options_(options), out_(out) {}

  absl::Status Diff(const Message& a, const Message& b, const std::string& prefix) {
    const Descriptor* type = b.GetDescriptor();
    std::vector<const FieldDescriptor*> fields;
    for (int i = 0; i < type->field_count(); ++i) fields.push_back(type->field(i));
    std::sort(fields.begin(), fields.end(), [](const FieldDescriptor* x, const FieldDescriptor* y) {
      return x->number() < y->number();
    });
    for (const FieldDescriptor* f : fields) {
      const std::string path = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
      if (Ignored(path)) continue;
      if (f->is_repeated()) {
        RETURN_IF_ERROR(DiffRepeated(a, b, f, path));
      } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const bool has_a = a.GetReflection()->HasField(a, f);
        const bool has_b = b.GetReflection()->HasField(b, f);
        if (!has_a && !has_b) continue;
        RETURN_IF_ERROR(
            Diff(a.GetReflection()->GetMessage(a, f), b.GetReflection()->GetMessage(b, f), path));
      } else {
        const std::string va = a.GetReflection()->HasField(a, f) ? ScalarText(a, f, -1) : "";
        const std::string vb = b.GetReflection()->HasField(b, f) ? ScalarText(b, f, -1) : "";
        RETURN_IF_ERROR(Leaf(path, va, vb));
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status DiffRepeated(const Message& a, const Message& b, const FieldDescriptor* f,
                            const std::string& path) {
    const int na = a.GetReflection()->FieldSize(a, f);
    const int nb = b.GetReflection()->FieldSize(b, f);
    for (int i = 0; i < std::max(na, nb); ++i) {
      const std::string item = absl::StrCat(path, "[", i, "]");
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const Message& default_item =
            *google::protobuf::MessageFactory::generated_factory()->GetPrototype(f->message_type());
        const Message& ia = i < na ? a.GetReflection()->GetRepeatedMessage(a, f, i) : default_item;
        const Message& ib = i < nb ? b.GetReflection()->GetRepeatedMessage(b, f, i) : default_item;
        RETURN_IF_ERROR(Diff(ia, ib, item));
      } else {
        RETURN_IF_ERROR(
            Leaf(item, i < na ? ScalarText(a, f, i) : "", i < nb ? ScalarText(b, f, i) : ""));
      }
    }
    return absl::OkStatus();
  }

  absl::Status Leaf(const std::string& path, std::string before, std::string after) {
    if (before == after) return absl::OkStatus();
    if (options_.sealer) {
      if (!before.empty()) {
        ASSIGN_OR_RETURN(before, options_.sealer(path, before));
      }
      if (!after.empty()) {
        ASSIGN_OR_RETURN(after, options_.sealer(path, after));
      }
    }
    out_->push_back(DiffEntry{path, std::move(before), std::move(after)});
    return absl::OkStatus();
  }

  bool Ignored(const std::string& path) const {
    if (options_.ignored.empty()) return false;
    const std::string bare = WithoutIndices(path);
    return std::find(options_.ignored.begin(), options_.ignored.end(), bare) !=
           options_.ignored.end();
  }

  const DiffOptions& options_;
  std::vector<DiffEntry>* out_;
};

}  // namespace

std::string WithoutIndices(absl::string_view path) {
  std::string out;
  out.reserve(path.size());
  bool in_index = false;
  for (char c : path) {
    if (c == '[') in_index = true;
    if (!in_index) out.push_back(c);
    if (c == ']') in_index = false;
  }
  return out;
}

absl::StatusOr<std::vector<DiffEntry>> DiffMessages(const Message* before, const Message& after,
                                                    const DiffOptions& options) {
  const Message& a =
      before != nullptr
          ? *before
          : *after.GetReflection()->GetMessageFactory()->GetPrototype(after.GetDescriptor());
  if (a.GetDescriptor() != after.GetDescriptor()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot diff a ", a.GetDescriptor()->full_name(),
                                                   " with a ", after.GetDescriptor()->full_name()));
  }
  std::vector<DiffEntry> out;
  Differ differ(options, &out);
  RETURN_IF_ERROR(differ.Diff(a, after, ""));
  return out;
}

}  // namespace gaoxin::audit
