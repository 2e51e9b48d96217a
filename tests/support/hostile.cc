#include "tests/support/hostile.h"

#include <cstdint>
#include <limits>
#include <random>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/transport.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"
#include "tests/support/server_under_test.h"

namespace gaoxin::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

struct Leaf {
  std::vector<const FieldDescriptor*> path;
};

void CollectLeaves(const Descriptor* type, std::vector<const FieldDescriptor*>* prefix,
                   std::set<const Descriptor*>* open, int depth, int max_depth,
                   std::vector<Leaf>* out) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    prefix->push_back(f);
    out->push_back(Leaf{*prefix});
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map() && depth < max_depth &&
        !open->count(f->message_type())) {
      open->insert(f->message_type());
      CollectLeaves(f->message_type(), prefix, open, depth + 1, max_depth, out);
      open->erase(f->message_type());
    }
    prefix->pop_back();
  }
}

std::string PathName(const Leaf& leaf) {
  std::string out;
  for (const FieldDescriptor* f : leaf.path) {
    if (!out.empty()) out += ".";
    out += f->name();
    if (f->is_repeated() && f != leaf.path.back()) out += "[0]";
  }
  return out;
}

// The message that holds the leaf's field, created along the path (repeated parents get one
// entry).
Message* Holder(Message* root, const Leaf& leaf) {
  Message* m = root;
  for (size_t i = 0; i + 1 < leaf.path.size(); ++i) {
    const FieldDescriptor* f = leaf.path[i];
    m = f->is_repeated() ? m->GetReflection()->AddMessage(m, f)
                         : m->GetReflection()->MutableMessage(m, f);
  }
  return m;
}

google::protobuf::DynamicMessageFactory& Factory() {
  static auto* factory = new google::protobuf::DynamicMessageFactory();
  return *factory;
}

template <typename SetFn>
HostileCase Make(const Descriptor* type, const Leaf& leaf, const std::string& what, bool must_name,
                 SetFn set) {
  std::unique_ptr<Message> m(Factory().GetPrototype(type)->New());
  Message* holder = Holder(m.get(), leaf);
  set(holder, leaf.path.back());
  HostileCase c;
  c.field_path = PathName(leaf);
  // A value in a repeated field is its first entry; a count is the field's own.
  if (leaf.path.back()->is_repeated() && !absl::StrContains(what, "entries")) {
    c.field_path += "[0]";
  }
  c.label = absl::StrCat(c.field_path, " = ", what);
  c.must_name_field = must_name;
  // Partial: an invalid UTF-8 string is written as given (protobuf only logs about it).
  m->SerializePartialToString(&c.bytes);
  return c;
}

void SetString(Message* m, const FieldDescriptor* f, const std::string& v) {
  if (f->is_repeated()) {
    m->GetReflection()->AddString(m, f, v);
  } else {
    m->GetReflection()->SetString(m, f, v);
  }
}

template <typename T>
void SetNumber(Message* m, const FieldDescriptor* f, T v) {
  const auto* r = m->GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      f->is_repeated() ? r->AddInt32(m, f, static_cast<int32_t>(v))
                       : r->SetInt32(m, f, static_cast<int32_t>(v));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      f->is_repeated() ? r->AddInt64(m, f, static_cast<int64_t>(v))
                       : r->SetInt64(m, f, static_cast<int64_t>(v));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      f->is_repeated() ? r->AddUInt32(m, f, static_cast<uint32_t>(v))
                       : r->SetUInt32(m, f, static_cast<uint32_t>(v));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      f->is_repeated() ? r->AddUInt64(m, f, static_cast<uint64_t>(v))
                       : r->SetUInt64(m, f, static_cast<uint64_t>(v));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      f->is_repeated() ? r->AddDouble(m, f, static_cast<double>(v))
                       : r->SetDouble(m, f, static_cast<double>(v));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      f->is_repeated() ? r->AddEnumValue(m, f, static_cast<int>(v))
                       : r->SetEnumValue(m, f, static_cast<int>(v));
      break;
    default:
      break;
  }
}

}  // namespace

std::vector<HostileCase> HostileCases(const Descriptor* type, int max_depth) {
  std::vector<Leaf> leaves;
  std::vector<const FieldDescriptor*> prefix;
  std::set<const Descriptor*> open{type};
  CollectLeaves(type, &prefix, &open, 0, max_depth, &leaves);
  std::vector<HostileCase> out;
  for (const Leaf& leaf : leaves) {
    const FieldDescriptor* f = leaf.path.back();
    if (f->is_map()) continue;
    if (f->type() == FieldDescriptor::TYPE_STRING) {
      auto add = [&](const std::string& what, bool must_name, const std::string& value) {
        out.push_back(Make(type, leaf, what, must_name, [&](Message* m, const FieldDescriptor* fd) {
          SetString(m, fd, value);
        }));
      };
      add("empty", false, "");
      add("white space", true, " \t\u3000 ");
      add("1 MB", true, std::string(1 << 20, 'x'));
      add("invalid UTF-8", true, "ok\xff\xfe");
      add("NUL", true, std::string("a\0b", 3));
      add("ESC", true, "a\x1b[31mred");
      add("DEL", true, "a\x7f");
      add("CR LF", false, "line\r\nInjected: header");
      add("Chinese", false, "请求-1");
      add("malformed id", false, "lead-../../etc/passwd");
      add("bad USCC", false, "91210900MA0XXXXXXX");
      add("bad ID number", false, "210902209913011236");
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        out.push_back(
            Make(type, leaf, "100,000 entries", true, [](Message* m, const FieldDescriptor* fd) {
              for (int i = 0; i < 100000; ++i) m->GetReflection()->AddMessage(m, fd);
            }));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      for (int v : {-1, 9999, std::numeric_limits<int32_t>::max()}) {
        out.push_back(Make(type, leaf, absl::StrCat("enum ", v), false,
                           [v](Message* m, const FieldDescriptor* fd) { SetNumber(m, fd, v); }));
      }
    } else if (f->cpp_type() != FieldDescriptor::CPPTYPE_BOOL &&
               f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
      for (int64_t v : {int64_t{-1}, std::numeric_limits<int64_t>::max(),
                        std::numeric_limits<int64_t>::min(), int64_t{2147483647}}) {
        out.push_back(Make(type, leaf, absl::StrCat(v), false,
                           [v](Message* m, const FieldDescriptor* fd) { SetNumber(m, fd, v); }));
      }
    }
    if (f->is_repeated() && f->type() == FieldDescriptor::TYPE_STRING) {
      out.push_back(
          Make(type, leaf, "100,000 entries", true, [](Message* m, const FieldDescriptor* fd) {
            for (int i = 0; i < 100000; ++i) m->GetReflection()->AddString(m, fd, "a");
          }));
    }
  }
  return out;
}

RawResult CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                  const google::protobuf::MethodDescriptor* method, const std::string& bytes,
                  const std::string& token, absl::Duration timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  PrepareContext(&ctx, token, timeout);
  grpc::CompletionQueue cq;
  const std::string name = absl::StrCat("/", method->service()->full_name(), "/", method->name());
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::Status status;
  void* tag = nullptr;
  bool ok = false;
  auto call = stub.PrepareCall(&ctx, name, &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  RawResult out;
  if (ok) {
    std::vector<grpc::Slice> slices;
    if (response.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        out.response.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  // A stream that is open and sending is not a refusal: stop it.
  if (ok && method->server_streaming()) ctx.TryCancel();
  call->Finish(&status, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  out.status = FromGrpcStatus(status);
  for (const auto& [key, value] : ctx.GetServerTrailingMetadata()) {
    out.trailer_bytes += key.size() + value.size();
  }
  if (method->server_streaming() && status.error_code() == grpc::StatusCode::CANCELLED) {
    out.status = absl::OkStatus();  // it was streaming: accepted
  }
  return out;
}

bool IsCanonicalOutcome(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDataLoss:
      return false;
    default:
      return true;
  }
}

bool NamesField(const absl::Status& status, const std::string& field) {
  for (const auto& [f, description] : FieldViolationsOf(status)) {
    if (f == field) return true;
  }
  return false;
}

bool ResponseNamesField(const google::protobuf::Message& response, const std::string& path) {
  const google::protobuf::Reflection* r = response.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r->ListFields(response, &fields);
  for (const google::protobuf::FieldDescriptor* f : fields) {
    if (f->type() == google::protobuf::FieldDescriptor::TYPE_STRING && !f->is_repeated() &&
        f->name() == "field" && r->GetString(response, f) == path) {
      return true;
    }
    if (f->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(response, f); ++i) {
        if (ResponseNamesField(r->GetRepeatedMessage(response, f, i), path)) return true;
      }
    } else if (ResponseNamesField(r->GetMessage(response, f), path)) {
      return true;
    }
  }
  return false;
}

namespace {

// The response of `method` in `r`, parsed; nullptr when it does not parse (a string field of
// invalid UTF-8, say, which the client's generated stub would report as INTERNAL).
std::unique_ptr<google::protobuf::Message> ParsedResponse(
    const google::protobuf::MethodDescriptor* method, const RawResult& r) {
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method->output_type())
          ->New());
  if (!message->ParseFromString(r.response)) return nullptr;
  return message;
}

}  // namespace

std::shared_ptr<grpc::Channel> SlowReaderChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 8192);
  return grpc::CreateCustomChannel(address, ClientCredentials(), args);
}

SweepReport SweepHostileValues(ServerUnderTest& server,
                               const google::protobuf::ServiceDescriptor* service,
                               const std::string& token) {
  SweepReport report;
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* method = service->method(i);
    for (const HostileCase& c : HostileCases(method->input_type())) {
      const RawResult r = CallRaw(server.channel(), method, c.bytes, token);
      ++report.calls;
      if (r.status.ok()) ++report.accepted;
      const std::string where = absl::StrCat(method->name(), " ", c.label, ": ");
      if (!IsCanonicalOutcome(r.status)) {
        report.problems.push_back(absl::StrCat(where, "not canonical: ", r.status.ToString()));
      }
      std::unique_ptr<google::protobuf::Message> response;
      if (r.status.ok() && !method->server_streaming()) {
        response = ParsedResponse(method, r);
        if (response == nullptr) {
          report.problems.push_back(absl::StrCat(where, "the response does not parse"));
        }
      }
      // A client stream answers OK and refuses the message in its response.
      const bool named_in_response = method->client_streaming() && response != nullptr &&
                                     ResponseNamesField(*response, c.field_path);
      if (c.must_name_field && !named_in_response &&
          (r.status.code() != absl::StatusCode::kInvalidArgument ||
           !NamesField(r.status, c.field_path))) {
        report.problems.push_back(absl::StrCat(where, "expected INVALID_ARGUMENT naming ",
                                               c.field_path, ", got ",
                                               r.status.ToString().substr(0, 300)));
      }
      if (r.status.message().size() >= 4096 || r.trailer_bytes >= 16384) {
        report.problems.push_back(absl::StrCat(where, "unbounded echo: message ",
                                               r.status.message().size(), " bytes, trailers ",
                                               r.trailer_bytes));
      }
    }
    if (!server.Healthy()) {
      report.problems.push_back(absl::StrCat("server unhealthy after ", method->name()));
      return report;
    }
  }
  return report;
}

SweepReport SweepRandomBytes(ServerUnderTest& server,
                             const google::protobuf::ServiceDescriptor* service,
                             const std::string& token, int rounds) {
  SweepReport report;
  std::mt19937 rng(20261201);
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      std::string bytes(1 + rng() % 200, '\0');
      for (char& b : bytes) b = static_cast<char>(rng());
      const RawResult r = CallRaw(server.channel(), method, bytes, token, absl::Seconds(5));
      ++report.calls;
      if (r.status.ok()) ++report.accepted;
      if (!IsCanonicalOutcome(r.status)) {
        report.problems.push_back(
            absl::StrCat(method->name(), " random bytes: ", r.status.ToString()));
      }
    }
  }
  if (!server.Healthy()) report.problems.push_back("server unhealthy after random bytes");
  return report;
}

}  // namespace gaoxin::testing
