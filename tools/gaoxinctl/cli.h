// Shared plumbing of gaoxinctl's commands: connection flags, printing as tables or JSON, error
// reports that show the canonical code, the ErrorInfo reason and every field violation, and
// parsing of enum names as people type them ("signed", "STAGE_SIGNED", "Signed").
#ifndef GAOXIN_TOOLS_GAOXINCTL_CLI_H_
#define GAOXIN_TOOLS_GAOXINCTL_CLI_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/grpc_status.h"
#include "gaoxin/common/v1/types.pb.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

ABSL_DECLARE_FLAG(std::string, token);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(std::string, leads_addr);
ABSL_DECLARE_FLAG(std::string, enterprise_addr);
ABSL_DECLARE_FLAG(std::string, petition_addr);
ABSL_DECLARE_FLAG(int32_t, page_size);

namespace gaoxin::ctl {

using Args = std::vector<std::string>;

// A ClientContext with the token and a deadline.
void Prepare(grpc::ClientContext* ctx);

// One unary call with the CLI's token and deadline.
template <typename Stub, typename Req, typename Resp>
absl::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                  const Req& req, Resp* resp) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  return FromGrpcStatus((stub->*method)(&ctx, req, resp));
}

// Every page of a List call, in order, each handed to `on_page`; an empty next_page_token is the
// only end (AIP-158). Returns the first error.
template <typename Stub, typename Req, typename Resp>
absl::Status ForEachPage(Stub* stub,
                         grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                         Req req, const std::function<void(Resp&)>& on_page) {
  do {
    Resp page;
    absl::Status s = Call(stub, method, req, &page);
    if (!s.ok()) return s;
    on_page(page);
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return absl::OkStatus();
}

// Prints `status` on stderr with code, reason and field violations; returns the exit code 1.
int ReportError(const grpc::Status& status);
int ReportError(const absl::Status& status);
int Usage(absl::string_view text);

void PrintJson(const google::protobuf::Message& message);
std::string ToJson(const google::protobuf::Message& message);

// Columns padded by display width (CJK characters are two columns wide).
class Table {
 public:
  explicit Table(std::vector<std::string> header);
  void AddRow(std::vector<std::string> row);
  void Print() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Parses an enum value by its name with or without the enum prefix, any case.
bool ParseEnumName(const google::protobuf::EnumDescriptor* descriptor, absl::string_view prefix,
                   absl::string_view text, int* value);
template <typename E>
bool ParseEnum(absl::string_view text, absl::string_view prefix, E* out) {
  int value = 0;
  if (!ParseEnumName(google::protobuf::GetEnumDescriptor<E>(), prefix, text, &value)) return false;
  *out = static_cast<E>(value);
  return true;
}
// The enum value's name without its prefix, e.g. "SIGNED".
std::string EnumShortName(const google::protobuf::EnumDescriptor* descriptor, int value,
                          absl::string_view prefix);

std::string Yi(const common::v1::Money& money);  // "69.30亿"
std::string DateText(const common::v1::Date& date);

}  // namespace gaoxin::ctl

#endif  // GAOXIN_TOOLS_GAOXINCTL_CLI_H_
