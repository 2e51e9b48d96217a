#include "tools/gaoxinctl/audit_commands.h"

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/audit/audit_chain.h"
#include "common/client.h"
#include "common/config.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"

namespace gaoxin::ctl {
namespace {

constexpr char kUsage[] =
    "gaoxinctl audit verify <leads|enterprise|petition> --audit_key_file=<file>\n"
    "  checks the service's whole audit chain (needs the auditor role and the servers' audit key)";

// One page of a service's chain, whatever the service's message types.
struct ChainPage {
  std::vector<audit::v1::AuditRecord> records;
  std::string next_page_token;
  int64_t head_sequence = 0;
  std::string head_mac;
};
using PageFn = std::function<absl::Status(const std::string& token, ChainPage* page)>;

template <typename Stub>
PageFn SharedPages(Stub* stub) {
  return [stub](const std::string& token, ChainPage* page) -> absl::Status {
    audit::v1::ListAuditRecordsRequest req;
    req.set_page_size(1000);
    req.set_page_token(token);
    audit::v1::ListAuditRecordsResponse resp;
    absl::Status s = Call(stub, &Stub::ListAuditRecords, req, &resp);
    if (!s.ok()) return s;
    page->records.assign(resp.records().begin(), resp.records().end());
    page->next_page_token = resp.next_page_token();
    page->head_sequence = resp.head_sequence();
    page->head_mac = resp.head_mac();
    return absl::OkStatus();
  };
}

PageFn PetitionPages(petition::v1::PetitionService::Stub* stub) {
  return [stub](const std::string& token, ChainPage* page) -> absl::Status {
    petition::v1::ListAuditRecordsRequest req;
    req.set_page_size(1000);
    req.set_page_token(token);
    petition::v1::ListAuditRecordsResponse resp;
    absl::Status s = Call(stub, &petition::v1::PetitionService::Stub::ListAuditRecords, req, &resp);
    if (!s.ok()) return s;
    page->records.clear();
    for (const auto& r : resp.records()) page->records.push_back(r.entry());
    page->next_page_token = resp.next_page_token();
    page->head_sequence = resp.head_sequence();
    page->head_mac = resp.head_mac();
    return absl::OkStatus();
  };
}

int Verify(const std::string& service, const PageFn& pages) {
  const std::string key_file = absl::GetFlag(FLAGS_audit_key_file);
  if (key_file.empty()) return Usage(kUsage);
  absl::StatusOr<audit::AuditKey> key = audit::AuditKey::LoadFromFile(key_file);
  if (!key.ok()) return ReportError(key.status());
  audit::ChainVerifier verifier(&*key);
  ChainPage page;
  std::string token;
  do {
    if (absl::Status s = pages(token, &page); !s.ok()) return ReportError(s);
    for (const audit::v1::AuditRecord& wire : page.records) {
      std::string mac;
      absl::StatusOr<audit::AuditRecord> record = audit::FromProto(wire, &mac);
      if (!record.ok()) {
        std::cerr << "audit chain of " << service << " is broken at record " << wire.sequence()
                  << ": " << record.status().message() << "\n";
        return 1;
      }
      if (!verifier.Add(*record, mac)) break;
    }
    if (verifier.broken()) break;
    token = page.next_page_token;
  } while (!token.empty());
  // The last page was read in one snapshot with the head: a deleted tail shows here.
  if (!verifier.broken()) verifier.CheckHead(page.head_sequence, page.head_mac);
  if (const auto& broken = verifier.broken()) {
    std::cerr << "audit chain of " << service << " is broken at record " << broken->sequence << ": "
              << broken->reason << "\n";
    return 1;
  }
  std::cout << "audit chain of " << service << ": " << verifier.verified()
            << " records verified, intact\n";
  return 0;
}

}  // namespace

int RunAudit(const Args& args) {
  if (args.size() != 3 || args[1] != "verify") return Usage(kUsage);
  const std::string& service = args[2];
  if (service == "leads") {
    auto stub = leads::v1::LeadService::NewStub(MakeChannel(absl::GetFlag(FLAGS_leads_addr)));
    return Verify(service, SharedPages(stub.get()));
  }
  if (service == "enterprise") {
    auto stub = enterprise::v1::EnterpriseService::NewStub(
        MakeChannel(absl::GetFlag(FLAGS_enterprise_addr)));
    return Verify(service, SharedPages(stub.get()));
  }
  if (service == "petition") {
    auto stub =
        petition::v1::PetitionService::NewStub(MakeChannel(absl::GetFlag(FLAGS_petition_addr)));
    return Verify(service, PetitionPages(stub.get()));
  }
  return Usage(kUsage);
}

}  // namespace gaoxin::ctl
