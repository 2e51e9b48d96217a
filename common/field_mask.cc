#include "common/field_mask.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/text.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/field_mask_util.h"

namespace gaoxin {

using google::protobuf::FieldDescriptor;
using google::protobuf::util::FieldMaskUtil;

absl::Status ApplyUpdateMask(const google::protobuf::Message& patch,
                             const google::protobuf::FieldMask& mask,
                             const std::vector<std::string>& updatable,
                             google::protobuf::Message* target) {
  google::protobuf::FieldMask effective;
  bool full_replace = mask.paths_size() == 1 && mask.paths(0) == "*";
  if (full_replace) {
    for (const auto& path : updatable) effective.add_paths(path);
  } else if (mask.paths_size() == 0) {
    std::vector<const FieldDescriptor*> fields;
    patch.GetReflection()->ListFields(patch, &fields);
    for (const FieldDescriptor* f : fields) {
      // Server-owned fields echoed back from a Get are ignored, not errors, for an implicit mask.
      if (std::find(updatable.begin(), updatable.end(), f->name()) != updatable.end()) {
        effective.add_paths(f->name());
      }
    }
  } else {
    FieldViolations v;
    for (const auto& path : mask.paths()) {
      std::string top = path.substr(0, path.find('.'));
      if (std::find(updatable.begin(), updatable.end(), top) == updatable.end()) {
        v.Add("update_mask",
              absl::StrCat("field ", Excerpt(path),
                           " cannot be updated; updatable: ", absl::StrJoin(updatable, ", ")));
      } else if (!FieldMaskUtil::GetFieldDescriptors(patch.GetDescriptor(), path, nullptr)) {
        v.Add("update_mask", absl::StrCat("no field ", Excerpt(path)));
      }
      effective.add_paths(path);
    }
    if (!v.empty()) return v.ToStatus();
  }
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(patch, effective, options, target);
  return absl::OkStatus();
}

}  // namespace gaoxin
