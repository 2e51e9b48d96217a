// AIP-134 updates: apply the fields named by an update_mask from a patch onto a stored resource.
// An empty mask means "the fields set in the patch"; "*" means full replacement of every
// updatable field. Paths outside `updatable` are INVALID_ARGUMENT naming update_mask, so clients
// cannot touch server-owned fields (id, stage, etag, timestamps) through Update.
//
//   RETURN_IF_ERROR(ApplyUpdateMask(req.lead(), req.update_mask(), {"name", "investor"}, &stored));
#ifndef GAOXIN_COMMON_FIELD_MASK_H_
#define GAOXIN_COMMON_FIELD_MASK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace gaoxin {

absl::Status ApplyUpdateMask(const google::protobuf::Message& patch,
                             const google::protobuf::FieldMask& mask,
                             const std::vector<std::string>& updatable,
                             google::protobuf::Message* target);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_FIELD_MASK_H_
