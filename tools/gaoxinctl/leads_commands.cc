#include "tools/gaoxinctl/leads_commands.h"

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/date.h"
#include "common/money.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"

ABSL_FLAG(std::string, stage, "", "leads: stage filter, e.g. SIGNED");
ABSL_FLAG(std::string, chain, "", "industry chain, e.g. EQUIPMENT_MANUFACTURING, GREEN_FOOD");
ABSL_FLAG(std::string, source, "", "leads: source, e.g. OFFICE_YANGTZE_RIVER_DELTA");
ABSL_FLAG(std::string, agent, "", "leads: agent id filter / assignment");
ABSL_FLAG(int32_t, year, 0, "year filter");
ABSL_FLAG(std::string, batch, "",
          "leads list: the leads of one batch of --year, NEW_BUILDS|CONTINUED_BUILDS|COMPLETIONS|"
          "RESERVE (the summary counts them)");
ABSL_FLAG(std::string, name, "", "name of the thing created");
ABSL_FLAG(std::string, investor, "", "leads create: investor name");
ABSL_FLAG(std::string, investor_uscc, "", "leads create: investor USCC");
ABSL_FLAG(std::string, sub_sector, "", "leads create: sub-sector");
ABSL_FLAG(std::string, planned, "", "leads create: planned investment in yuan, e.g. 50000000");
ABSL_FLAG(std::string, amount, "", "amount in yuan (signed amount for SIGNED)");
ABSL_FLAG(int64_t, land_m2, 0, "land area in square metres");
ABSL_FLAG(std::string, date, "", "effective date YYYY-MM-DD (default today)");
ABSL_FLAG(std::string, reason, "", "reason (SUSPENDED, DROPPED, ...)");
ABSL_FLAG(std::string, note, "", "free-text note");
ABSL_FLAG(std::string, request_id, "", "idempotency key for creates");
ABSL_FLAG(std::string, etag, "", "etag last read, for optimistic concurrency");

namespace gaoxin::ctl {
namespace {

using leads::v1::LeadService;

constexpr char kUsage[] =
    "gaoxinctl leads list [--stage=S] [--chain=C] [--source=S] [--agent=ID] [--year=Y]\n"
    "                     [--batch=NEW_BUILDS|CONTINUED_BUILDS|COMPLETIONS|RESERVE --year=Y]\n"
    "       gaoxinctl leads get <id>\n"
    "       gaoxinctl leads create --name=N --chain=C [--source=S] [--planned=YUAN] "
    "[--investor=N] [--stage=RESERVE|NEGOTIATING] [--date=D] [--request_id=R]\n"
    "       gaoxinctl leads transition <id> <STAGE> [--date=D] [--amount=YUAN] [--reason=R] "
    "[--note=N] [--etag=E]\n"
    "       gaoxinctl leads summary <year>";

std::unique_ptr<LeadService::Stub> Stub() {
  return LeadService::NewStub(MakeChannel(absl::GetFlag(FLAGS_leads_addr)));
}

std::string StageText(leads::v1::Stage s) {
  return EnumShortName(leads::v1::Stage_descriptor(), s, "STAGE_");
}
std::string ChainText(common::v1::IndustryChain c) {
  return EnumShortName(common::v1::IndustryChain_descriptor(), c, "INDUSTRY_CHAIN_");
}

bool MoneyFlag(const std::string& text, common::v1::Money* out) {
  Nanos nanos;
  if (!ParseYuan(text, &nanos)) return false;
  *out = FromNanos(nanos);
  return true;
}

void PrintLead(const leads::v1::Lead& lead) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(lead);
  std::cout << lead.id() << "  " << lead.name() << "\n"
            << "  stage:     " << StageText(lead.stage()) << "\n"
            << "  chain:     " << ChainText(lead.industry_chain()) << " " << lead.sub_sector()
            << "\n"
            << "  investor:  " << lead.investor().name() << "\n"
            << "  planned:   " << Yi(lead.planned_investment()) << "\n"
            << "  signed:    " << Yi(lead.signed_amount()) << "\n"
            << "  etag:      " << lead.etag() << "\n  history:\n";
  for (const auto& e : lead.history()) {
    std::cout << "    " << DateText(e.effective_date()) << "  " << StageText(e.from_stage())
              << " -> " << StageText(e.to_stage()) << "  by " << e.actor()
              << (e.reason().empty() ? "" : "  reason: " + e.reason())
              << (e.note().empty() ? "" : "  note: " + e.note()) << "\n";
  }
}

int List() {
  leads::v1::ListLeadsRequest req;
  if (!absl::GetFlag(FLAGS_stage).empty()) {
    leads::v1::Stage s;
    if (!ParseEnum(absl::GetFlag(FLAGS_stage), "STAGE_", &s)) return Usage("unknown --stage");
    req.set_stage(s);
  }
  if (!absl::GetFlag(FLAGS_chain).empty()) {
    common::v1::IndustryChain c;
    if (!ParseEnum(absl::GetFlag(FLAGS_chain), "INDUSTRY_CHAIN_", &c)) {
      return Usage("unknown --chain");
    }
    req.set_industry_chain(c);
  }
  if (!absl::GetFlag(FLAGS_source).empty()) {
    leads::v1::LeadSource s;
    if (!ParseEnum(absl::GetFlag(FLAGS_source), "LEAD_SOURCE_", &s)) {
      return Usage("unknown --source");
    }
    req.set_source(s);
  }
  if (!absl::GetFlag(FLAGS_batch).empty()) {
    leads::v1::Batch b;
    if (!ParseEnum(absl::GetFlag(FLAGS_batch), "BATCH_", &b)) return Usage("unknown --batch");
    req.set_batch(b);
  }
  req.set_agent_id(absl::GetFlag(FLAGS_agent));
  req.set_year(absl::GetFlag(FLAGS_year));
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  auto stub = Stub();
  leads::v1::ListLeadsResponse all;
  absl::Status listed = ForEachPage<LeadService::Stub, decltype(req), leads::v1::ListLeadsResponse>(
      stub.get(), &LeadService::Stub::ListLeads, req, [&](leads::v1::ListLeadsResponse& page) {
        for (auto& l : *page.mutable_leads()) *all.add_leads() = std::move(l);
        all.set_revision(page.revision());
      });
  if (!listed.ok()) return ReportError(listed);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
    return 0;
  }
  Table table({"ID", "NAME", "STAGE", "CHAIN", "PLANNED", "SIGNED"});
  for (const auto& l : all.leads()) {
    table.AddRow({l.id(), l.name(), StageText(l.stage()), ChainText(l.industry_chain()),
                  Yi(l.planned_investment()), Yi(l.signed_amount())});
  }
  table.Print();
  std::cout << all.leads_size() << " leads (revision " << all.revision() << ")\n";
  return 0;
}

int Get(const Args& args) {
  if (args.size() != 3) return Usage(kUsage);
  leads::v1::GetLeadRequest req;
  req.set_id(args[2]);
  leads::v1::Lead lead;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status s = Stub()->GetLead(&ctx, req, &lead);
  if (!s.ok()) return ReportError(s);
  PrintLead(lead);
  return 0;
}

int Create() {
  leads::v1::CreateLeadRequest req;
  leads::v1::Lead* lead = req.mutable_lead();
  lead->set_name(absl::GetFlag(FLAGS_name));
  lead->mutable_investor()->set_name(absl::GetFlag(FLAGS_investor));
  lead->mutable_investor()->set_uscc(absl::GetFlag(FLAGS_investor_uscc));
  lead->set_sub_sector(absl::GetFlag(FLAGS_sub_sector));
  lead->set_note(absl::GetFlag(FLAGS_note));
  lead->set_land_area_m2(absl::GetFlag(FLAGS_land_m2));
  lead->set_agent_id(absl::GetFlag(FLAGS_agent));
  if (!absl::GetFlag(FLAGS_chain).empty()) {
    common::v1::IndustryChain c;
    if (!ParseEnum(absl::GetFlag(FLAGS_chain), "INDUSTRY_CHAIN_", &c)) {
      return Usage("unknown --chain");
    }
    lead->set_industry_chain(c);
  }
  if (!absl::GetFlag(FLAGS_source).empty()) {
    leads::v1::LeadSource s;
    if (!ParseEnum(absl::GetFlag(FLAGS_source), "LEAD_SOURCE_", &s)) {
      return Usage("unknown --source");
    }
    lead->set_source(s);
  }
  if (!absl::GetFlag(FLAGS_stage).empty()) {
    leads::v1::Stage s;
    if (!ParseEnum(absl::GetFlag(FLAGS_stage), "STAGE_", &s)) return Usage("unknown --stage");
    lead->set_stage(s);
  }
  if (!absl::GetFlag(FLAGS_planned).empty() &&
      !MoneyFlag(absl::GetFlag(FLAGS_planned), lead->mutable_planned_investment())) {
    return Usage("--planned must be a decimal amount of yuan");
  }
  if (!absl::GetFlag(FLAGS_date).empty() &&
      !ParseDate(absl::GetFlag(FLAGS_date), req.mutable_effective_date())) {
    return Usage("--date must be YYYY-MM-DD");
  }
  req.set_request_id(absl::GetFlag(FLAGS_request_id));
  leads::v1::Lead created;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status s = Stub()->CreateLead(&ctx, req, &created);
  if (!s.ok()) return ReportError(s);
  PrintLead(created);
  return 0;
}

int Transition(const Args& args) {
  if (args.size() != 4) return Usage(kUsage);
  leads::v1::TransitionLeadRequest req;
  req.set_id(args[2]);
  leads::v1::Stage to;
  if (!ParseEnum(args[3], "STAGE_", &to)) return Usage("unknown stage " + args[3]);
  req.set_to_stage(to);
  if (absl::GetFlag(FLAGS_date).empty()) {
    *req.mutable_effective_date() = FromCivilDay(TodayInZone(absl::Now()));
  } else if (!ParseDate(absl::GetFlag(FLAGS_date), req.mutable_effective_date())) {
    return Usage("--date must be YYYY-MM-DD");
  }
  if (!absl::GetFlag(FLAGS_amount).empty() &&
      !MoneyFlag(absl::GetFlag(FLAGS_amount), req.mutable_signed_amount())) {
    return Usage("--amount must be a decimal amount of yuan");
  }
  req.set_reason(absl::GetFlag(FLAGS_reason));
  req.set_note(absl::GetFlag(FLAGS_note));
  req.set_etag(absl::GetFlag(FLAGS_etag));
  leads::v1::Lead lead;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status s = Stub()->TransitionLead(&ctx, req, &lead);
  if (!s.ok()) return ReportError(s);
  PrintLead(lead);
  return 0;
}

void PrintTally(absl::string_view label, const leads::v1::LeadTally& t) {
  std::cout << "  " << label << t.count() << " projects, planned " << Yi(t.planned_investment())
            << "\n";
}

int Summary(const Args& args) {
  int year = 0;
  if (args.size() != 3 || !absl::SimpleAtoi(args[2], &year)) return Usage(kUsage);
  leads::v1::GetYearSummaryRequest req;
  req.set_year(year);
  leads::v1::YearSummary s;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status status = Stub()->GetYearSummary(&ctx, req, &s);
  if (!status.ok()) return ReportError(status);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(s);
    return 0;
  }
  std::cout << year << " investment summary (revision " << s.revision() << ")\n"
            << "  signed:            " << s.signed_count() << " projects, " << Yi(s.signed_amount())
            << " (" << FormatYuan(ToNanos(s.signed_amount())) << " yuan)\n"
            << "  funds arrived:     " << Yi(s.funds_arrived()) << " (previous year "
            << Yi(s.funds_arrived_previous_year()) << ", change "
            << s.funds_arrived_change().display_percent()
            << "% = " << s.funds_arrived_change().numerator() << "/"
            << s.funds_arrived_change().denominator() << ")\n"
            << "  new starts >= " << Yi(s.major_new_start_threshold()) << ": "
            << s.major_new_starts_count() << " projects, planned "
            << Yi(s.major_new_starts_planned_investment()) << "\n"
            << "  idle assets revitalised: " << s.idle_assets_revitalized_count() << ", "
            << s.idle_assets_revitalized_land_m2() << " m2 of land\n"
            << "  four batches:\n";
  PrintTally("new builds 新建:       ", s.batches().new_builds());
  PrintTally("continued builds 续建: ", s.batches().continued_builds());
  PrintTally("completions 竣工:      ", s.batches().completions());
  PrintTally("reserve 储备:          ", s.batches().reserve());
  Table stages({"STAGE (now)", "COUNT", "PLANNED"});
  for (const auto& t : s.by_stage()) {
    stages.AddRow({StageText(t.stage()), absl::StrCat(t.tally().count()),
                   Yi(t.tally().planned_investment())});
  }
  stages.Print();
  Table chains({"CHAIN (now)", "COUNT", "PLANNED"});
  for (const auto& t : s.by_chain()) {
    chains.AddRow({ChainText(t.industry_chain()), absl::StrCat(t.tally().count()),
                   Yi(t.tally().planned_investment())});
  }
  chains.Print();
  return 0;
}

}  // namespace

int RunLeads(const Args& args) {
  if (args.size() < 2) return Usage(kUsage);
  const std::string& cmd = args[1];
  if (cmd == "list") return List();
  if (cmd == "get") return Get(args);
  if (cmd == "create") return Create();
  if (cmd == "transition") return Transition(args);
  if (cmd == "summary") return Summary(args);
  return Usage(kUsage);
}

}  // namespace gaoxin::ctl
