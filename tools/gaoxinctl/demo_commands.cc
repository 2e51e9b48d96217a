#include "tools/gaoxinctl/demo_commands.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "gaoxin/demo/v1/leads_demo.pb.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tools/gaoxinctl/enterprise_commands.h"
#include "tools/gaoxinctl/petition_commands.h"

ABSL_FLAG(std::string, demo_dir, "deploy/demo", "folder holding the demo data files");
ABSL_FLAG(std::string, only, "", "demo load: comma-separated services to load (default all)");

namespace gaoxin::ctl {
namespace {

using leads::v1::LeadService;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::Status WithContext(absl::Status s, absl::string_view what) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

}  // namespace

absl::Status LoadLeadsDemo(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  demo::v1::LeadsDemo demo;
  auto parsed = google::protobuf::util::JsonStringToMessage(text, &demo);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", parsed.ToString()));
  }
  auto stub = LeadService::NewStub(MakeChannel(absl::GetFlag(FLAGS_leads_addr)));
  absl::flat_hash_map<std::string, std::string> agent_ids;
  absl::flat_hash_map<std::string, std::string> lead_ids;

  for (const auto& a : demo.agents()) {
    leads::v1::CreateAgentRequest req;
    *req.mutable_agent() = a.agent();
    req.set_request_id(absl::StrCat("demo-agent-", a.key()));
    leads::v1::Agent agent;
    RETURN_IF_ERROR(WithContext(Call(stub.get(), &LeadService::Stub::CreateAgent, req, &agent),
                                absl::StrCat("agent ", a.key())));
    agent_ids[a.key()] = agent.id();
  }

  int transitions = 0;
  int fundings = 0;
  int tickets = 0;
  for (const auto& d : demo.leads()) {
    const std::string what = absl::StrCat("lead ", d.key());
    leads::v1::CreateLeadRequest req;
    *req.mutable_lead() = d.lead();
    if (!d.agent_key().empty()) req.mutable_lead()->set_agent_id(agent_ids[d.agent_key()]);
    *req.mutable_effective_date() = d.created();
    req.set_request_id(absl::StrCat("demo-lead-", d.key()));
    leads::v1::Lead lead;
    RETURN_IF_ERROR(
        WithContext(Call(stub.get(), &LeadService::Stub::CreateLead, req, &lead), what));
    lead_ids[d.key()] = lead.id();
    // The creation is history entry 0; entries after it are transitions already applied.
    for (int i = lead.history_size() - 1; i < d.transitions_size(); ++i) {
      const auto& t = d.transitions(i);
      leads::v1::TransitionLeadRequest move;
      move.set_id(lead.id());
      move.set_to_stage(t.to());
      *move.mutable_effective_date() = t.date();
      if (t.has_signed_amount()) *move.mutable_signed_amount() = t.signed_amount();
      move.set_reason(t.reason());
      move.set_note(t.note());
      move.set_actor("demo");
      RETURN_IF_ERROR(WithContext(Call(stub.get(), &LeadService::Stub::TransitionLead, move, &lead),
                                  absl::StrCat(what, " transition ", i + 1)));
      ++transitions;
    }
    for (int i = 0; i < d.fundings_size(); ++i) {
      leads::v1::RecordFundingRequest f;
      f.mutable_funding()->set_lead_id(lead.id());
      *f.mutable_funding()->mutable_amount() = d.fundings(i).amount();
      *f.mutable_funding()->mutable_arrival_date() = d.fundings(i).date();
      f.mutable_funding()->set_note(d.fundings(i).note());
      f.set_request_id(absl::StrCat("demo-funding-", d.key(), "-", i));
      leads::v1::Funding out;
      RETURN_IF_ERROR(WithContext(Call(stub.get(), &LeadService::Stub::RecordFunding, f, &out),
                                  absl::StrCat(what, " funding ", i)));
      ++fundings;
    }
    for (int i = 0; i < d.tickets_size(); ++i) {
      const auto& t = d.tickets(i);
      leads::v1::OpenTicketRequest open;
      open.mutable_ticket()->set_agent_id(agent_ids[t.agent_key()]);
      open.mutable_ticket()->set_lead_id(lead.id());
      open.mutable_ticket()->set_problem(t.problem());
      *open.mutable_ticket()->mutable_found_date() = t.found();
      open.set_request_id(absl::StrCat("demo-ticket-", d.key(), "-", i));
      leads::v1::Ticket ticket;
      RETURN_IF_ERROR(WithContext(Call(stub.get(), &LeadService::Stub::OpenTicket, open, &ticket),
                                  absl::StrCat(what, " ticket ", i)));
      ++tickets;
      if (!t.resolution().empty() && ticket.status() == leads::v1::TICKET_STATUS_OPEN) {
        leads::v1::ResolveTicketRequest resolve;
        resolve.set_id(ticket.id());
        resolve.set_resolution(t.resolution());
        *resolve.mutable_resolved_date() = t.resolved();
        RETURN_IF_ERROR(
            WithContext(Call(stub.get(), &LeadService::Stub::ResolveTicket, resolve, &ticket),
                        absl::StrCat(what, " ticket ", i, " resolve")));
      }
    }
  }

  int revitalized = 0;
  for (const auto& d : demo.idle_assets()) {
    leads::v1::CreateIdleAssetRequest req;
    *req.mutable_idle_asset() = d.asset();
    req.set_request_id(absl::StrCat("demo-asset-", d.key()));
    leads::v1::IdleAsset asset;
    RETURN_IF_ERROR(WithContext(Call(stub.get(), &LeadService::Stub::CreateIdleAsset, req, &asset),
                                absl::StrCat("idle asset ", d.key())));
    if (d.method() != leads::v1::REVITALIZATION_METHOD_UNSPECIFIED &&
        asset.status() == leads::v1::IDLE_ASSET_STATUS_IDLE) {
      leads::v1::RevitalizeIdleAssetRequest r;
      r.set_id(asset.id());
      r.set_method(d.method());
      *r.mutable_date() = d.revitalized();
      if (!d.lead_key().empty()) r.set_lead_id(lead_ids[d.lead_key()]);
      RETURN_IF_ERROR(
          WithContext(Call(stub.get(), &LeadService::Stub::RevitalizeIdleAsset, r, &asset),
                      absl::StrCat("idle asset ", d.key(), " revitalize")));
      ++revitalized;
    }
  }
  std::cout << "leads: " << demo.agents_size() << " agents, " << demo.leads_size() << " leads, "
            << transitions << " new transitions, " << fundings << " fundings, " << tickets
            << " tickets, " << demo.idle_assets_size() << " idle assets (" << revitalized
            << " newly revitalised)\n";
  return absl::OkStatus();
}

int RunDemo(const Args& args) {
  if (args.size() != 2 || args[1] != "load") {
    return Usage("gaoxinctl demo load [--demo_dir=DIR] [--only=leads,enterprise,petition]");
  }
  // One entry per service, loaded in this order: enterprises first, because petition cases name
  // demo enterprises and a demo lead reaching 入规 names one too (enterprise_server, following
  // the leads service, then finds it registered instead of registering it itself).
  struct Part {
    const char* name;
    std::function<absl::Status(const std::string& dir)> load;
  };
  const std::vector<Part> parts = {
      {"enterprise",
       [](const std::string& dir) { return LoadEnterpriseDemo(dir + "/enterprise"); }},
      {"leads", [](const std::string& dir) { return LoadLeadsDemo(dir + "/leads.json"); }},
      {"petition", [](const std::string& dir) { return LoadPetitionDemo(dir); }},
  };
  const std::string dir = absl::GetFlag(FLAGS_demo_dir);
  const std::string only = absl::GetFlag(FLAGS_only);
  std::vector<std::string> wanted = absl::StrSplit(only, ',', absl::SkipEmpty());
  for (const auto& part : parts) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), part.name) == wanted.end()) {
      continue;
    }
    absl::Status s = part.load(dir);
    if (!s.ok()) return ReportError(s);
  }
  return 0;
}

}  // namespace gaoxin::ctl
