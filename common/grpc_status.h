// Converts between absl::Status (what domain and store code return) and grpc::Status (what goes on
// the wire), carrying ErrorInfo / BadRequest details as google.rpc.Status in
// grpc-status-details-bin.
#ifndef GAOXIN_COMMON_GRPC_STATUS_H_
#define GAOXIN_COMMON_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace gaoxin {

grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, for clients: keeps code, message and the details payloads.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_GRPC_STATUS_H_
