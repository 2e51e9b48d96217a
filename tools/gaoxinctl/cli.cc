#include "tools/gaoxinctl/cli.h"

#include <cstdio>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/client.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "google/protobuf/util/json_util.h"

ABSL_FLAG(std::string, token, "", "bearer token (env GAOXIN_TOKEN)");
ABSL_FLAG(bool, json, false, "print JSON instead of tables");
ABSL_FLAG(std::string, leads_addr, "127.0.0.1:50051", "leads service address");
ABSL_FLAG(std::string, enterprise_addr, "127.0.0.1:50052", "enterprise service address");
ABSL_FLAG(std::string, petition_addr, "127.0.0.1:50053", "petition service address");
ABSL_FLAG(int32_t, page_size, 0, "page size for list commands (0 = server default)");

namespace gaoxin::ctl {

void Prepare(grpc::ClientContext* ctx) { PrepareContext(ctx, absl::GetFlag(FLAGS_token)); }

int ReportError(const absl::Status& status) {
  std::string code = absl::StatusCodeToString(status.code());
  std::cerr << "error: " << code << ": " << status.message();
  std::string reason = ErrorReason(status);
  if (!reason.empty()) std::cerr << " [" << reason << "]";
  std::cerr << "\n";
  for (const auto& [field, description] : FieldViolationsOf(status)) {
    std::cerr << "  " << field << ": " << description << "\n";
  }
  return 1;
}

int ReportError(const grpc::Status& status) { return ReportError(FromGrpcStatus(status)); }

int Usage(absl::string_view text) {
  std::cerr << "usage: " << text << "\n";
  return 2;
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

void PrintJson(const google::protobuf::Message& message) { std::cout << ToJson(message); }

namespace {

// Display width of UTF-8 text: East Asian wide characters take two columns.
size_t DisplayWidth(absl::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    uint32_t cp;
    int len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c >> 5) == 6) {
      cp = c & 0x1f;
      len = 2;
    } else if ((c >> 4) == 14) {
      cp = c & 0x0f;
      len = 3;
    } else {
      cp = c & 0x07;
      len = 4;
    }
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3f);
    i += len;
    bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                (cp >= 0xffe0 && cp <= 0xffe6);
    width += wide ? 2 : 1;
  }
  return width;
}

}  // namespace

Table::Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }

void Table::AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

void Table::Print() const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

bool ParseEnumName(const google::protobuf::EnumDescriptor* descriptor, absl::string_view prefix,
                   absl::string_view text, int* value) {
  std::string upper = absl::AsciiStrToUpper(text);
  for (char& c : upper) {
    if (c == '-') c = '_';
  }
  const auto* v = descriptor->FindValueByName(upper);
  if (v == nullptr) v = descriptor->FindValueByName(absl::StrCat(prefix, upper));
  if (v == nullptr || v->number() == 0) return false;
  *value = v->number();
  return true;
}

std::string EnumShortName(const google::protobuf::EnumDescriptor* descriptor, int value,
                          absl::string_view prefix) {
  const auto* v = descriptor->FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat(value);
  absl::string_view name = v->name();
  absl::ConsumePrefix(&name, prefix);
  return std::string(name);
}

std::string Yi(const common::v1::Money& money) {
  return absl::StrCat(FormatYi(ToNanos(money)), "亿");
}

std::string DateText(const common::v1::Date& date) { return IsSet(date) ? FormatDate(date) : "-"; }

}  // namespace gaoxin::ctl
