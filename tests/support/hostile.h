// Test support: hostile requests derived from a service's descriptors, and raw calls that send
// any bytes as a request. The hostile end-to-end suites of every service use these, so a field
// added to a proto tomorrow is attacked without anyone editing a test.
//
//   for (const HostileCase& c : HostileCases(method->input_type())) {
//     RawResult r = CallRaw(channel, method, c.bytes, token);
//     EXPECT_TRUE(IsCanonicalRefusal(r.status)) << c.label;
//   }
#ifndef GAOXIN_TESTS_SUPPORT_HOSTILE_H_
#define GAOXIN_TESTS_SUPPORT_HOSTILE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/channel.h"

namespace gaoxin::testing {

struct HostileCase {
  std::string label;       // "lead.name = invalid UTF-8"
  std::string field_path;  // "lead.name"
  // The pipeline must answer INVALID_ARGUMENT naming `field_path` (text rules), not just any
  // canonical refusal.
  bool must_name_field = false;
  std::string bytes;  // the serialized request
};

// One case per hostile value per field of `type`, nested fields included (to `max_depth`):
// strings empty, white space, 1 MB, invalid UTF-8, control characters; integers -1, extreme;
// enums with unknown numbers; repeated fields far over any count.
std::vector<HostileCase> HostileCases(const google::protobuf::Descriptor* type, int max_depth = 3);

struct RawResult {
  absl::Status status;  // with the server's details (ErrorInfo, BadRequest)
  size_t trailer_bytes = 0;
  std::string response;  // the first response message, as received
};

// Calls `method` with `bytes` as the request (for a client stream, its one message); a
// server-streaming method is read until its first message or its end (then cancelled).
// Bounded by `timeout`.
RawResult CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                  const google::protobuf::MethodDescriptor* method, const std::string& bytes,
                  const std::string& token, absl::Duration timeout = absl::Seconds(10));

// A refusal a client can act on: one of the canonical codes for bad input or state, never
// UNKNOWN, INTERNAL, UNIMPLEMENTED, UNAVAILABLE or DATA_LOSS.
bool IsCanonicalOutcome(const absl::Status& status);

// True when `status` carries a BadRequest violation for `field`.
bool NamesField(const absl::Status& status, const std::string& field);

// How a client stream that answers OK refuses one of its messages: in its response (for
// ImportMonthlyReports, an ImportRowError). True when some string field called `field`
// anywhere in `response` equals `path`.
bool ResponseNamesField(const google::protobuf::Message& response, const std::string& path);

// A channel whose client barely reads: HTTP/2 flow control with an 8 KiB window and no BDP
// probing, so the server's writes stall as soon as a few messages are unread.
std::shared_ptr<grpc::Channel> SlowReaderChannel(const std::string& address);

class ServerUnderTest;

// What a sweep found wrong, one line each (empty: nothing), and how much it tried.
struct SweepReport {
  std::vector<std::string> problems;
  int calls = 0;
  int accepted = 0;  // calls answered OK
};

// Every hostile case of every method of `service` against `server` (a client stream gets each
// as its one message): each answer canonical, each text-rule case INVALID_ARGUMENT naming its
// field (or, for a client stream answering OK, a response naming it), every response parsable,
// messages and trailers bounded, the server healthy after each method.
SweepReport SweepHostileValues(ServerUnderTest& server,
                               const google::protobuf::ServiceDescriptor* service,
                               const std::string& token);

// `rounds` random byte strings as the request of every method: canonical answers, no hang, a
// healthy server.
SweepReport SweepRandomBytes(ServerUnderTest& server,
                             const google::protobuf::ServiceDescriptor* service,
                             const std::string& token, int rounds);

}  // namespace gaoxin::testing

#endif  // GAOXIN_TESTS_SUPPORT_HOSTILE_H_
