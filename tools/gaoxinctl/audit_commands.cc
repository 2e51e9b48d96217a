#include "tools/gaoxinctl/audit_commands.h"

#include <iostream>
#include <optional>

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
    "  checks the service's audit chain from its retention anchor (needs the auditor role and the "
    "servers' audit key)";

// One page of a service's chain, whatever the service's message types.
struct ChainPage {
  std::vector<audit::v1::AuditRecord> records;
  std::string next_page_token;
  int64_t head_sequence = 0;
  std::string head_mac;
  int64_t anchor_sequence = 0;
  std::string anchor_mac;
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
    page->anchor_sequence = resp.anchor_sequence();
    page->anchor_mac = resp.anchor_mac();
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
    page->anchor_sequence = resp.anchor_sequence();
    page->anchor_mac = resp.anchor_mac();
    return absl::OkStatus();
  };
}

// One walk of the chain from the anchor of its first page. Sets `raced` (and returns nothing
// else of use) when the retention pass moved the anchor while the pages were read.
std::optional<audit::ChainVerifier> Walk(const audit::AuditKey& key, const std::string& service,
                                         const PageFn& pages, bool* raced, int* code) {
  audit::ChainVerifier verifier(&key);
  ChainPage page;
  std::string token;
  bool first = true;
  int64_t anchor = 0;
  *raced = false;
  do {
    if (absl::Status s = pages(token, &page); !s.ok()) {
      *code = ReportError(s);
      return std::nullopt;
    }
    if (first) {
      verifier.StartAt(page.anchor_sequence, page.anchor_mac);
      anchor = page.anchor_sequence;
      first = false;
    } else if (page.anchor_sequence != anchor) {
      *raced = true;
      return std::nullopt;
    }
    for (const audit::v1::AuditRecord& wire : page.records) {
      std::string mac;
      absl::StatusOr<audit::AuditRecord> record = audit::FromProto(wire, &mac);
      if (!record.ok()) {
        std::cerr << "audit chain of " << service << " is broken at record " << wire.sequence()
                  << ": " << record.status().message() << "\n";
        *code = 1;
        return std::nullopt;
      }
      if (!verifier.Add(*record, mac)) break;
    }
    if (verifier.broken()) break;
    token = page.next_page_token;
  } while (!token.empty());
  // The last page was read in one snapshot with the head and the anchor: a deleted tail and a
  // moved anchor show here.
  if (!verifier.broken()) verifier.CheckHead(page.head_sequence, page.head_mac);
  return verifier;
}

int Verify(const std::string& service, const PageFn& pages) {
  const std::string key_file = absl::GetFlag(FLAGS_audit_key_file);
  if (key_file.empty()) return Usage(kUsage);
  absl::StatusOr<audit::AuditKey> key = audit::AuditKey::LoadFromFile(key_file);
  if (!key.ok()) return ReportError(key.status());
  // A retention pass between two pages removes records not read yet: read again from the new
  // anchor (a pass runs every few minutes at most, so a few attempts are plenty).
  for (int attempt = 0; attempt < 5; ++attempt) {
    bool raced = false;
    int code = 1;
    std::optional<audit::ChainVerifier> verifier = Walk(*key, service, pages, &raced, &code);
    if (raced) continue;
    if (!verifier) return code;
    if (const auto& broken = verifier->broken()) {
      std::cerr << "audit chain of " << service << " is broken at record " << broken->sequence
                << ": " << broken->reason << "\n";
      return 1;
    }
    std::cout << "audit chain of " << service << ": " << verifier->verified()
              << " records verified from anchor " << verifier->anchor() << ", intact\n";
    return 0;
  }
  std::cerr << "audit chain of " << service
            << ": the retention pass kept moving the anchor while the chain was read; try again\n";
  return 1;
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
