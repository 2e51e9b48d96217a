// The client side every gaoxin tool and test uses: a channel with keepalive settings the servers
// accept, and per-call metadata (bearer token, request id, deadline).
//
//   auto channel = gaoxin::MakeChannel("127.0.0.1:50051");
//   auto stub = gaoxin::leads::v1::LeadService::NewStub(channel);
//   grpc::ClientContext ctx;
//   gaoxin::PrepareContext(&ctx, token, absl::Seconds(10));
#ifndef GAOXIN_COMMON_CLIENT_H_
#define GAOXIN_COMMON_CLIENT_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace gaoxin {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// Sets `authorization: Bearer <token>` (when token is not empty) and a deadline.
void PrepareContext(grpc::ClientContext* ctx, const std::string& token,
                    absl::Duration timeout = absl::Seconds(30));

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_CLIENT_H_
