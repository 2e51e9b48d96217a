#include "tools/gaoxinctl/enterprise_commands.h"

#include <iostream>
#include <memory>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/date.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "common/status_macros.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "tools/gaoxinctl/import_rows.h"

ABSL_DECLARE_FLAG(std::string, chain);
ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(std::string, sub_sector);
ABSL_DECLARE_FLAG(std::string, agent);
ABSL_DECLARE_FLAG(std::string, note);
ABSL_DECLARE_FLAG(std::string, request_id);
ABSL_DECLARE_FLAG(std::string, etag);

ABSL_FLAG(std::string, uscc, "", "enterprise: unified social credit code (18 characters)");
ABSL_FLAG(std::string, title, "", "enterprise list: only holders of this title, e.g. HIGH_TECH");
ABSL_FLAG(std::string, above_scale, "", "enterprise: true|false (list filter / create flag)");
ABSL_FLAG(std::string, above_scale_date, "", "enterprise create: date entered the list YYYY-MM-DD");
ABSL_FLAG(std::string, key_enterprise, "", "enterprise: true|false (list filter / create flag)");
ABSL_FLAG(std::string, enterprise_status, "", "enterprise: OPERATING|REDUCED_PRODUCTION|STOPPED");
ABSL_FLAG(int32_t, month, 0, "enterprise structure: year to date through this month (1..12)");
ABSL_FLAG(std::string, output, "", "enterprise report: output value in yuan");
ABSL_FLAG(std::string, revenue, "", "enterprise report: main-business revenue in yuan");
ABSL_FLAG(std::string, taxes, "", "enterprise report: taxes paid in yuan");
ABSL_FLAG(std::string, export_value, "", "enterprise report: export delivery value in yuan");
ABSL_FLAG(int32_t, employees, 0, "enterprise report: employees at month end");
ABSL_FLAG(int64_t, energy_kgce, 0, "enterprise report: energy use in kg standard coal");
ABSL_FLAG(bool, validate_only, false, "enterprise import: check every row, file nothing");
ABSL_FLAG(std::string, alert_state, "", "enterprise alerts: OPEN|ACKNOWLEDGED|RESOLVED");
ABSL_FLAG(std::string, alert_rule, "", "enterprise alerts: OUTPUT_DROP|ZERO_OUTPUT|NOT_REPORTED");
ABSL_FLAG(std::string, enterprise, "", "enterprise alerts/reports: enterprise id filter");

namespace gaoxin::ctl {
namespace {

using enterprise::v1::EnterpriseService;
namespace ev1 = enterprise::v1;

constexpr char kUsage[] =
    "gaoxinctl enterprise list [--chain=C] [--title=T] [--above_scale=B] [--key_enterprise=B] "
    "[--enterprise_status=S]\n"
    "       gaoxinctl enterprise get <id|uscc>\n"
    "       gaoxinctl enterprise create --uscc=U --name=N --chain=C [--sub_sector=S] "
    "[--above_scale=true --above_scale_date=D] [--key_enterprise=true] [--request_id=R]\n"
    "       gaoxinctl enterprise report <id|uscc> <YYYY-MM> --output=YUAN [--revenue=YUAN] "
    "[--taxes=YUAN] [--export_value=YUAN] [--employees=N] [--energy_kgce=N] [--note=T]\n"
    "       gaoxinctl enterprise reports [--enterprise=ID]\n"
    "       gaoxinctl enterprise import <file.csv> [--validate_only]\n"
    "         (columns uscc,period,output_value_yuan,revenue_yuan,taxes_yuan,employees,"
    "energy_kgce,export_value_yuan)\n"
    "       gaoxinctl enterprise structure <year> [--month=M]\n"
    "       gaoxinctl enterprise indicators <year>\n"
    "       gaoxinctl enterprise trend <id> <YYYY-MM> <YYYY-MM>\n"
    "       gaoxinctl enterprise alerts [--alert_state=S] [--alert_rule=R] [--enterprise=ID]\n"
    "       gaoxinctl enterprise ack <alert-id> [--etag=E]\n"
    "       gaoxinctl enterprise resolve <alert-id> --note=WHAT_WAS_DONE [--etag=E]\n"
    "       gaoxinctl enterprise candidates <ABOVE_SCALE|HIGH_TECH|SPECIALIZED|LITTLE_GIANT|"
    "FLEDGLING|GAZELLE|LISTED> [--chain=C]";

std::unique_ptr<EnterpriseService::Stub> Stub() {
  return EnterpriseService::NewStub(MakeChannel(absl::GetFlag(FLAGS_enterprise_addr)));
}

std::string ChainText(common::v1::IndustryChain c) {
  return EnumShortName(common::v1::IndustryChain_descriptor(), c, "INDUSTRY_CHAIN_");
}

std::string Percent(const common::v1::Ratio& r) {
  return r.display_percent().empty() ? "-" : r.display_percent() + "%";
}

std::string YuanText(const common::v1::Money& m) { return FormatYuan(ToNanos(m)); }

// "true"/"false"/"" → set or unset.
bool ParseBoolFlag(const std::string& text, std::optional<bool>* out) {
  if (text.empty()) return true;
  if (text == "true" || text == "1" || text == "yes") {
    *out = true;
    return true;
  }
  if (text == "false" || text == "0" || text == "no") {
    *out = false;
    return true;
  }
  return false;
}

// Resolves "<id>" or "<USCC>" to an enterprise id.
absl::StatusOr<std::string> ResolveEnterprise(EnterpriseService::Stub* stub,
                                              const std::string& key) {
  if (absl::StartsWith(key, "ent-")) return key;
  ev1::GetEnterpriseRequest req;
  req.set_uscc(key);
  ev1::Enterprise e;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  RETURN_IF_ERROR(FromGrpcStatus(stub->GetEnterprise(&ctx, req, &e)));
  return e.id();
}

// Streams `csv` through ImportMonthlyReports, printing progress to stderr when `progress`.
absl::StatusOr<ev1::ImportMonthlyReportsResponse> StreamImport(const Csv& csv, bool validate_only,
                                                               bool progress) {
  auto stub = Stub();
  grpc::ClientContext ctx;
  PrepareContext(&ctx, absl::GetFlag(FLAGS_token), absl::Minutes(30));
  ev1::ImportMonthlyReportsResponse response;
  auto writer = stub->ImportMonthlyReports(&ctx, &response);
  const size_t total = csv.rows.size();
  const size_t step = std::max<size_t>(1, total / 20);
  const absl::Time start = absl::Now();
  size_t sent = 0;
  for (const auto& [line, row] : csv.rows) {
    ev1::ImportMonthlyReportsRequest req = ImportRowOf(csv, line, row);
    if (sent == 0) req.set_validate_only(validate_only);
    if (!writer->Write(req)) break;  // the server ended the call; Finish says why
    ++sent;
    if (progress && (sent % step == 0 || sent == total)) {
      std::cerr << "\rsent " << sent << "/" << total << " rows (" << (100 * sent / total) << "%)"
                << std::flush;
    }
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (progress) {
    std::cerr << "\n"
              << (s.ok() ? "done" : "failed") << " in "
              << absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1)))
              << "\n";
  }
  if (!s.ok()) return FromGrpcStatus(s);
  return response;
}

void PrintEnterprise(const ev1::Enterprise& e) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(e);
  std::cout << e.id() << "  " << e.name() << "\n"
            << "  uscc:        " << e.uscc() << "\n"
            << "  chain:       " << ChainText(e.industry_chain()) << " " << e.sub_sector() << "\n"
            << "  above scale: "
            << (e.above_scale() ? "yes since " + DateText(e.above_scale_date()) : "no") << "\n"
            << "  key:         " << (e.key_enterprise() ? "yes" : "no") << "\n"
            << "  status:      "
            << EnumShortName(ev1::EnterpriseStatus_descriptor(), e.status(), "ENTERPRISE_STATUS_")
            << "\n"
            << "  agent:       " << (e.agent_id().empty() ? "-" : e.agent_id()) << "\n"
            << "  etag:        " << e.etag() << "\n";
  for (const auto& t : e.titles()) {
    std::cout << "  title:       "
              << EnumShortName(ev1::TitleKind_descriptor(), t.kind(), "TITLE_KIND_") << " "
              << DateText(t.grant_date()) << " .. " << DateText(t.expiry_date()) << "\n";
  }
}

int List() {
  ev1::ListEnterprisesRequest req;
  if (!absl::GetFlag(FLAGS_chain).empty()) {
    common::v1::IndustryChain c;
    if (!ParseEnum(absl::GetFlag(FLAGS_chain), "INDUSTRY_CHAIN_", &c))
      return Usage("unknown --chain");
    req.set_industry_chain(c);
  }
  if (!absl::GetFlag(FLAGS_title).empty()) {
    ev1::TitleKind t;
    if (!ParseEnum(absl::GetFlag(FLAGS_title), "TITLE_KIND_", &t)) return Usage("unknown --title");
    req.set_title(t);
  }
  if (!absl::GetFlag(FLAGS_enterprise_status).empty()) {
    ev1::EnterpriseStatus s;
    if (!ParseEnum(absl::GetFlag(FLAGS_enterprise_status), "ENTERPRISE_STATUS_", &s)) {
      return Usage("unknown --enterprise_status");
    }
    req.set_status(s);
  }
  std::optional<bool> above, key;
  if (!ParseBoolFlag(absl::GetFlag(FLAGS_above_scale), &above))
    return Usage("--above_scale=true|false");
  if (!ParseBoolFlag(absl::GetFlag(FLAGS_key_enterprise), &key))
    return Usage("--key_enterprise=true|false");
  if (above) req.set_above_scale(*above);
  if (key) req.set_key_enterprise(*key);
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  auto stub = Stub();
  ev1::ListEnterprisesResponse all;
  absl::Status listed =
      ForEachPage<ev1::EnterpriseService::Stub, decltype(req), ev1::ListEnterprisesResponse>(
          stub.get(), &ev1::EnterpriseService::Stub::ListEnterprises, req,
          [&](ev1::ListEnterprisesResponse& page) {
            for (auto& e : *page.mutable_enterprises()) *all.add_enterprises() = std::move(e);
          });
  if (!listed.ok()) return ReportError(listed);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
    return 0;
  }
  Table table({"ID", "USCC", "NAME", "CHAIN", "ABOVE", "KEY"});
  for (const auto& e : all.enterprises()) {
    table.AddRow({e.id(), e.uscc(), e.name(), ChainText(e.industry_chain()),
                  e.above_scale() ? "yes" : "no", e.key_enterprise() ? "yes" : "no"});
  }
  table.Print();
  std::cout << all.enterprises_size() << " enterprises\n";
  return 0;
}

int Get(const Args& args) {
  if (args.size() != 3) return Usage(kUsage);
  ev1::GetEnterpriseRequest req;
  if (absl::StartsWith(args[2], "ent-")) {
    req.set_id(args[2]);
  } else {
    req.set_uscc(args[2]);
  }
  ev1::Enterprise e;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status s = Stub()->GetEnterprise(&ctx, req, &e);
  if (!s.ok()) return ReportError(s);
  PrintEnterprise(e);
  return 0;
}

int Create() {
  ev1::CreateEnterpriseRequest req;
  ev1::Enterprise* e = req.mutable_enterprise();
  e->set_uscc(absl::GetFlag(FLAGS_uscc));
  e->set_name(absl::GetFlag(FLAGS_name));
  e->set_sub_sector(absl::GetFlag(FLAGS_sub_sector));
  e->set_agent_id(absl::GetFlag(FLAGS_agent));
  if (!absl::GetFlag(FLAGS_chain).empty()) {
    common::v1::IndustryChain c;
    if (!ParseEnum(absl::GetFlag(FLAGS_chain), "INDUSTRY_CHAIN_", &c))
      return Usage("unknown --chain");
    e->set_industry_chain(c);
  }
  std::optional<bool> above, key;
  if (!ParseBoolFlag(absl::GetFlag(FLAGS_above_scale), &above))
    return Usage("--above_scale=true|false");
  if (!ParseBoolFlag(absl::GetFlag(FLAGS_key_enterprise), &key))
    return Usage("--key_enterprise=true|false");
  e->set_above_scale(above.value_or(false));
  e->set_key_enterprise(key.value_or(false));
  if (!absl::GetFlag(FLAGS_above_scale_date).empty() &&
      !ParseDate(absl::GetFlag(FLAGS_above_scale_date), e->mutable_above_scale_date())) {
    return Usage("--above_scale_date must be YYYY-MM-DD");
  }
  req.set_request_id(absl::GetFlag(FLAGS_request_id));
  ev1::Enterprise created;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status s = Stub()->CreateEnterprise(&ctx, req, &created);
  if (!s.ok()) return ReportError(s);
  PrintEnterprise(created);
  return 0;
}

int Report(const Args& args) {
  if (args.size() != 4) return Usage(kUsage);
  auto stub = Stub();
  absl::StatusOr<std::string> id = ResolveEnterprise(stub.get(), args[2]);
  if (!id.ok()) return ReportError(id.status());
  ev1::SubmitMonthlyReportRequest req;
  ev1::MonthlyReport* r = req.mutable_report();
  r->set_enterprise_id(*id);
  r->set_period(args[3]);
  if (!ParseMoney(absl::GetFlag(FLAGS_output), r->mutable_output_value())) {
    return Usage("--output is required: output value in yuan (0 for none)");
  }
  struct {
    std::string text;
    common::v1::Money* out;
    const char* flag;
  } amounts[] = {{absl::GetFlag(FLAGS_revenue), r->mutable_revenue(), "--revenue"},
                 {absl::GetFlag(FLAGS_taxes), r->mutable_taxes(), "--taxes"},
                 {absl::GetFlag(FLAGS_export_value), r->mutable_export_value(), "--export_value"}};
  for (auto& a : amounts) {
    if (!a.text.empty() && !ParseMoney(a.text, a.out)) {
      return Usage(absl::StrCat(a.flag, " must be an amount in yuan"));
    }
  }
  r->set_employees(absl::GetFlag(FLAGS_employees));
  r->set_energy_use_kgce(absl::GetFlag(FLAGS_energy_kgce));
  r->set_note(absl::GetFlag(FLAGS_note));
  req.set_request_id(absl::GetFlag(FLAGS_request_id));
  ev1::MonthlyReport filed;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status s = stub->SubmitMonthlyReport(&ctx, req, &filed);
  if (!s.ok()) return ReportError(s);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(filed);
  } else {
    std::cout << filed.id() << "  " << filed.period() << " revision " << filed.revision()
              << "  output " << YuanText(filed.output_value()) << " yuan\n";
  }
  return 0;
}

int Reports() {
  ev1::ListMonthlyReportsRequest req;
  req.set_enterprise_id(absl::GetFlag(FLAGS_enterprise));
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  auto stub = Stub();
  ev1::ListMonthlyReportsResponse all;
  absl::Status listed =
      ForEachPage<ev1::EnterpriseService::Stub, decltype(req), ev1::ListMonthlyReportsResponse>(
          stub.get(), &ev1::EnterpriseService::Stub::ListMonthlyReports, req,
          [&](ev1::ListMonthlyReportsResponse& page) {
            for (auto& r : *page.mutable_reports()) *all.add_reports() = std::move(r);
          });
  if (!listed.ok()) return ReportError(listed);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
    return 0;
  }
  Table table({"PERIOD", "ENTERPRISE", "REV", "OUTPUT", "REVENUE", "TAXES", "EMPLOYEES"});
  for (const auto& r : all.reports()) {
    table.AddRow({r.period(), r.enterprise_id(), absl::StrCat(r.revision()),
                  YuanText(r.output_value()), YuanText(r.revenue()), YuanText(r.taxes()),
                  absl::StrCat(r.employees())});
  }
  table.Print();
  std::cout << all.reports_size() << " reports\n";
  return 0;
}

int Import(const Args& args) {
  if (args.size() != 3) return Usage(kUsage);
  absl::StatusOr<Csv> csv = ReadCsv(args[2]);
  if (!csv.ok()) return ReportError(csv.status());
  if (csv->Column("uscc") < 0 || csv->Column("period") < 0 ||
      csv->Column("output_value_yuan") < 0) {
    return Usage("the CSV needs the columns uscc, period and output_value_yuan");
  }
  auto result = StreamImport(*csv, absl::GetFlag(FLAGS_validate_only), /*progress=*/true);
  if (!result.ok()) return ReportError(result.status());
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(*result);
  } else {
    std::cout << result->rows_received() << " rows received, " << result->rows_accepted()
              << (absl::GetFlag(FLAGS_validate_only) ? " would be accepted, " : " accepted, ")
              << result->rows_rejected() << " rejected\n";
    if (result->errors_size() > 0) {
      Table table({"ROW", "FIELD", "REASON", "MESSAGE"});
      for (const auto& e : result->errors()) {
        table.AddRow({absl::StrCat(e.row_number()), e.field(), e.reason(), e.message()});
      }
      table.Print();
    }
  }
  return result->rows_rejected() > 0 ? 2 : 0;
}

void AddFiguresRow(Table* table, const std::string& label, const ev1::StructureFigures& f,
                   const std::string& share) {
  table->AddRow({label, Yi(f.output_value()), share, Percent(f.yoy_change()),
                 absl::StrCat(f.above_scale_count()), absl::StrCat(f.over_100_million_count()),
                 absl::StrCat(f.grew_10_percent_count())});
}

int Structure(const Args& args) {
  int year = 0;
  if (args.size() != 3 || !absl::SimpleAtoi(args[2], &year)) return Usage(kUsage);
  ev1::GetIndustryStructureRequest req;
  req.set_year(year);
  req.set_month(absl::GetFlag(FLAGS_month));
  ev1::IndustryStructure s;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status status = Stub()->GetIndustryStructure(&ctx, req, &s);
  if (!status.ok()) return ReportError(status);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(s);
    return 0;
  }
  std::cout << "industry structure " << s.year() << " (January.." << s.through_month() << ")\n";
  Table table({"CHAIN", "OUTPUT", "SHARE", "YOY", "ABOVE-SCALE", ">=1亿", "GREW>=10%"});
  for (const auto& c : s.chains()) {
    AddFiguresRow(&table, ChainText(c.industry_chain()), c.figures(), Percent(c.share_of_zone()));
  }
  AddFiguresRow(&table, "ZONE", s.zone_total(), "100%");
  table.Print();
  return 0;
}

int Indicators(const Args& args) {
  int year = 0;
  if (args.size() != 3 || !absl::SimpleAtoi(args[2], &year)) return Usage(kUsage);
  ev1::GetZoneIndicatorsRequest req;
  req.set_year(year);
  ev1::ZoneIndicators z;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status s = Stub()->GetZoneIndicators(&ctx, req, &z);
  if (!s.ok()) return ReportError(s);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(z);
    return 0;
  }
  Table table({"INDICATOR", "VALUE", "PREVIOUS", "YOY", "TARGET", "OF TARGET", "ESTIMATE"});
  for (const auto& l : z.lines()) {
    table.AddRow({EnumShortName(ev1::Indicator_descriptor(), l.indicator(), "INDICATOR_"),
                  Yi(l.value()), l.has_previous_year_value() ? Yi(l.previous_year_value()) : "-",
                  Percent(l.yoy_change()), l.has_target() ? Yi(l.target()) : "-",
                  Percent(l.share_of_target()), l.estimate() ? "yes" : ""});
  }
  table.Print();
  return 0;
}

int Trend(const Args& args) {
  if (args.size() != 5) return Usage(kUsage);
  auto stub = Stub();
  absl::StatusOr<std::string> id = ResolveEnterprise(stub.get(), args[2]);
  if (!id.ok()) return ReportError(id.status());
  ev1::GetEnterpriseTrendRequest req;
  req.set_enterprise_id(*id);
  req.set_start_period(args[3]);
  req.set_end_period(args[4]);
  ev1::EnterpriseTrend t;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  grpc::Status s = stub->GetEnterpriseTrend(&ctx, req, &t);
  if (!s.ok()) return ReportError(s);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(t);
    return 0;
  }
  Table table({"PERIOD", "OUTPUT", "YOY", "YTD", "YTD YOY", "REVENUE", "EMPLOYEES"});
  for (const auto& p : t.points()) {
    table.AddRow({p.period(), p.reported() ? YuanText(p.output_value().value()) : "-",
                  Percent(p.output_value().yoy_change()), YuanText(p.output_value().year_to_date()),
                  Percent(p.output_value().year_to_date_yoy_change()),
                  p.reported() ? YuanText(p.revenue().value()) : "-", absl::StrCat(p.employees())});
  }
  table.Print();
  return 0;
}

int Alerts() {
  ev1::ListAlertsRequest req;
  if (!absl::GetFlag(FLAGS_alert_state).empty()) {
    ev1::AlertState st;
    if (!ParseEnum(absl::GetFlag(FLAGS_alert_state), "ALERT_STATE_", &st)) {
      return Usage("unknown --alert_state");
    }
    req.set_state(st);
  }
  if (!absl::GetFlag(FLAGS_alert_rule).empty()) {
    ev1::AlertRule r;
    if (!ParseEnum(absl::GetFlag(FLAGS_alert_rule), "ALERT_RULE_", &r)) {
      return Usage("unknown --alert_rule");
    }
    req.set_rule(r);
  }
  req.set_enterprise_id(absl::GetFlag(FLAGS_enterprise));
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  auto stub = Stub();
  ev1::ListAlertsResponse all;
  absl::Status listed =
      ForEachPage<ev1::EnterpriseService::Stub, decltype(req), ev1::ListAlertsResponse>(
          stub.get(), &ev1::EnterpriseService::Stub::ListAlerts, req,
          [&](ev1::ListAlertsResponse& page) {
            for (auto& a : *page.mutable_alerts()) *all.add_alerts() = std::move(a);
          });
  if (!listed.ok()) return ReportError(listed);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
    return 0;
  }
  Table table({"ID", "ENTERPRISE", "RULE", "PERIOD", "STATE", "DETAIL"});
  for (const auto& a : all.alerts()) {
    table.AddRow({a.id(), a.enterprise_id(),
                  EnumShortName(ev1::AlertRule_descriptor(), a.rule(), "ALERT_RULE_"), a.period(),
                  EnumShortName(ev1::AlertState_descriptor(), a.state(), "ALERT_STATE_"),
                  a.detail()});
  }
  table.Print();
  std::cout << all.alerts_size() << " alerts\n";
  return 0;
}

int PrintAlert(const grpc::Status& s, const ev1::Alert& a) {
  if (!s.ok()) return ReportError(s);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(a);
  } else {
    std::cout << a.id() << "  "
              << EnumShortName(ev1::AlertState_descriptor(), a.state(), "ALERT_STATE_") << "  etag "
              << a.etag() << "\n";
  }
  return 0;
}

int Ack(const Args& args) {
  if (args.size() != 3) return Usage(kUsage);
  ev1::AcknowledgeAlertRequest req;
  req.set_id(args[2]);
  req.set_etag(absl::GetFlag(FLAGS_etag));
  ev1::Alert a;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  return PrintAlert(Stub()->AcknowledgeAlert(&ctx, req, &a), a);
}

int Resolve(const Args& args) {
  if (args.size() != 3) return Usage(kUsage);
  ev1::ResolveAlertRequest req;
  req.set_id(args[2]);
  req.set_etag(absl::GetFlag(FLAGS_etag));
  req.set_resolution_note(absl::GetFlag(FLAGS_note));
  ev1::Alert a;
  grpc::ClientContext ctx;
  Prepare(&ctx);
  return PrintAlert(Stub()->ResolveAlert(&ctx, req, &a), a);
}

int Candidates(const Args& args) {
  if (args.size() != 3) return Usage(kUsage);
  ev1::ListCultivationCandidatesRequest req;
  ev1::CultivationTarget target;
  if (!ParseEnum(args[2], "CULTIVATION_TARGET_", &target))
    return Usage("unknown target " + args[2]);
  req.set_target(target);
  if (!absl::GetFlag(FLAGS_chain).empty()) {
    common::v1::IndustryChain c;
    if (!ParseEnum(absl::GetFlag(FLAGS_chain), "INDUSTRY_CHAIN_", &c))
      return Usage("unknown --chain");
    req.set_industry_chain(c);
  }
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  auto stub = Stub();
  ev1::ListCultivationCandidatesResponse all;
  absl::Status listed = ForEachPage<ev1::EnterpriseService::Stub, decltype(req),
                                    ev1::ListCultivationCandidatesResponse>(
      stub.get(), &ev1::EnterpriseService::Stub::ListCultivationCandidates, req,
      [&](ev1::ListCultivationCandidatesResponse& page) {
        for (auto& c : *page.mutable_candidates()) *all.add_candidates() = std::move(c);
      });
  if (!listed.ok()) return ReportError(listed);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
    return 0;
  }
  for (const auto& c : all.candidates()) {
    std::cout << c.enterprise_id() << "  " << c.enterprise_name() << "  last 12 months revenue "
              << YuanText(c.last_12_month_revenue()) << " yuan\n";
    for (const auto& e : c.evidence()) std::cout << "    - " << e << "\n";
  }
  std::cout << all.candidates_size() << " candidates\n";
  return 0;
}

absl::Status WithContext(absl::Status s, absl::string_view what) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

}  // namespace

absl::Status LoadEnterpriseDemo(const std::string& dir) {
  auto stub = Stub();
  ASSIGN_OR_RETURN(Csv ents, ReadCsv(dir + "/enterprises.csv"));
  int created = 0;
  for (const auto& [line, row] : ents.rows) {
    const std::string what = absl::StrCat(dir, "/enterprises.csv line ", line);
    ev1::CreateEnterpriseRequest req;
    ev1::Enterprise* e = req.mutable_enterprise();
    e->set_uscc(Field(ents, row, "uscc"));
    e->set_name(Field(ents, row, "name"));
    e->set_sub_sector(Field(ents, row, "sub_sector"));
    common::v1::IndustryChain chain;
    if (!ParseEnum(Field(ents, row, "chain"), "INDUSTRY_CHAIN_", &chain)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": unknown chain"));
    }
    e->set_industry_chain(chain);
    e->set_above_scale(Field(ents, row, "above_scale") == "1");
    const std::string since = Field(ents, row, "above_scale_date");
    if (!since.empty() && !ParseDate(since, e->mutable_above_scale_date())) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": bad above_scale_date"));
    }
    e->set_key_enterprise(Field(ents, row, "key_enterprise") == "1");
    ev1::EnterpriseStatus status;
    if (!ParseEnum(Field(ents, row, "status"), "ENTERPRISE_STATUS_", &status)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": unknown status"));
    }
    e->set_status(status);
    for (absl::string_view t : absl::StrSplit(Field(ents, row, "titles"), '|', absl::SkipEmpty())) {
      std::vector<std::string> parts = absl::StrSplit(t, '@');
      ev1::Title* title = e->add_titles();
      ev1::TitleKind kind;
      if (parts.size() != 3 || !ParseEnum(parts[0], "TITLE_KIND_", &kind) ||
          !ParseDate(parts[1], title->mutable_grant_date()) ||
          (!parts[2].empty() && !ParseDate(parts[2], title->mutable_expiry_date()))) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": bad title '", t, "'"));
      }
      title->set_kind(kind);
    }
    req.set_request_id(absl::StrCat("demo-enterprise-", e->uscc()));
    ev1::Enterprise out;
    grpc::ClientContext ctx;
    Prepare(&ctx);
    // The server may still be starting (deploy/run-suite.sh starts every service at once).
    ctx.set_wait_for_ready(true);
    RETURN_IF_ERROR(WithContext(FromGrpcStatus(stub->CreateEnterprise(&ctx, req, &out)), what));
    ++created;
  }

  ASSIGN_OR_RETURN(Csv inds, ReadCsv(dir + "/indicators.csv"));
  for (const auto& [line, row] : inds.rows) {
    const std::string what = absl::StrCat(dir, "/indicators.csv line ", line);
    ev1::RecordIndicatorRequest req;
    ev1::IndicatorRecord* r = req.mutable_record();
    ev1::Indicator indicator;
    int year = 0;
    if (!ParseEnum(Field(inds, row, "indicator"), "INDICATOR_", &indicator) ||
        !absl::SimpleAtoi(Field(inds, row, "year"), &year) ||
        !ParseMoney(Field(inds, row, "value_yuan"), r->mutable_value())) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": bad indicator, year or value"));
    }
    r->set_indicator(indicator);
    r->set_year(year);
    const std::string target = Field(inds, row, "target_yuan");
    if (!target.empty() && !ParseMoney(target, r->mutable_target())) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": bad target"));
    }
    r->set_estimate(Field(inds, row, "estimate") == "1");
    req.set_request_id(absl::StrCat("demo-indicator-", Field(inds, row, "indicator"), "-", year));
    ev1::IndicatorRecord out;
    grpc::ClientContext ctx;
    Prepare(&ctx);
    RETURN_IF_ERROR(WithContext(FromGrpcStatus(stub->RecordIndicator(&ctx, req, &out)), what));
  }

  ASSIGN_OR_RETURN(Csv reports, ReadCsv(dir + "/monthly_reports.csv"));
  ASSIGN_OR_RETURN(ev1::ImportMonthlyReportsResponse imported,
                   StreamImport(reports, /*validate_only=*/false, /*progress=*/false));
  if (imported.rows_rejected() > 0) {
    const auto& e = imported.errors(0);
    return absl::InvalidArgumentError(absl::StrCat(
        dir, "/monthly_reports.csv: ", imported.rows_rejected(), " rows rejected; first: line ",
        e.row_number(), " ", e.field(), " ", e.reason(), ": ", e.message()));
  }
  std::cout << "enterprise: " << created << " enterprises, " << inds.rows.size()
            << " indicator records, " << imported.rows_accepted() << " monthly reports\n";
  return absl::OkStatus();
}

int RunEnterprise(const Args& args) {
  if (args.size() < 2) return Usage(kUsage);
  const std::string& sub = args[1];
  if (sub == "list") return List();
  if (sub == "get") return Get(args);
  if (sub == "create") return Create();
  if (sub == "report") return Report(args);
  if (sub == "reports") return Reports();
  if (sub == "import") return Import(args);
  if (sub == "structure") return Structure(args);
  if (sub == "indicators") return Indicators(args);
  if (sub == "trend") return Trend(args);
  if (sub == "alerts") return Alerts();
  if (sub == "ack") return Ack(args);
  if (sub == "resolve") return Resolve(args);
  if (sub == "candidates") return Candidates(args);
  return Usage(kUsage);
}

}  // namespace gaoxin::ctl
