#include "tools/gaoxinctl/petition_commands.h"

#include <iostream>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/client.h"
#include "common/date.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"
#include "services/petition/demo/demo_data.h"

// Flags shared with the leads commands (defined in leads_commands.cc).
ABSL_DECLARE_FLAG(int32_t, year);
ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(std::string, date);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(std::string, note);
ABSL_DECLARE_FLAG(std::string, request_id);
ABSL_DECLARE_FLAG(std::string, etag);

ABSL_FLAG(bool, overdue, false, "petition cases: only overdue cases");
ABSL_FLAG(std::string, ledger, "", "petition: ledger id (filter, or the ledger of a new case)");
ABSL_FLAG(std::string, case_status, "", "petition cases: status filter, e.g. IN_PROGRESS");
ABSL_FLAG(std::string, category, "", "petition: category, e.g. 回迁房办证");
ABSL_FLAG(std::string, department, "", "petition: responsible department");
ABSL_FLAG(std::string, leader, "", "petition cases: leader filter");
ABSL_FLAG(std::string, channel, "visit", "petition create: letter|visit|phone|online|hotline");
ABSL_FLAG(std::string, received, "", "petition create: received date YYYY-MM-DD (default today)");
ABSL_FLAG(std::string, id_number, "",
          "petition: petitioner's resident ID number (create; or find cases by it, which needs "
          "petition.pii and is audited)");
ABSL_FLAG(std::string, phone, "", "petition create: petitioner's phone");
ABSL_FLAG(std::string, address, "", "petition create: petitioner's address");
ABSL_FLAG(int32_t, petitioners, 1, "petition create: number of petitioners");
ABSL_FLAG(std::string, subject, "", "petition create: subject");
ABSL_FLAG(std::string, content, "", "petition create: content");
ABSL_FLAG(std::string, case_uscc, "", "petition create: USCC of the enterprise concerned");
ABSL_FLAG(std::string, audit_case, "", "petition audit: case id filter");
ABSL_FLAG(std::string, actor, "", "petition audit: actor filter");
ABSL_FLAG(int32_t, batch_rows, 200,
          "petition reseal: rows per call (one write transaction), 1..1000");
ABSL_FLAG(std::string, key_id, "",
          "petition reseal: the key every batch must seal under (default: the first batch's)");
ABSL_FLAG(std::string, cursor, "", "petition reseal: continue from this cursor (printed on error)");

namespace gaoxin::ctl {
namespace {

namespace v1 = petition::v1;
using v1::PetitionService;

constexpr char kUsage[] =
    "gaoxinctl petition ledgers [--year=Y]\n"
    "       gaoxinctl petition cases [--overdue] [--ledger=ID] [--case_status=S] [--category=C]\n"
    "                                [--department=D] [--leader=L] [--id_number=N]\n"
    "       gaoxinctl petition case <id>\n"
    "       gaoxinctl petition create --ledger=ID --name=N --category=C --subject=S\n"
    "                                 [--channel=visit] [--received=D] [--id_number=N] "
    "[--phone=P]\n"
    "                                 [--address=A] [--petitioners=1] [--content=T]\n"
    "                                 [--department=D] [--case_uscc=U] [--request_id=R]\n"
    "       gaoxinctl petition transition <id> <STATUS> [--date=D] [--note=N] [--reason=R] "
    "[--etag=E]\n"
    "       gaoxinctl petition extend <id> <days> --reason=R [--date=D]\n"
    "       gaoxinctl petition leader <id> <leader>\n"
    "       gaoxinctl petition stats <ledger_id>\n"
    "       gaoxinctl petition meetings [--case=ID]\n"
    "       gaoxinctl petition audit [--audit_case=ID] [--actor=A]   (role auditor)\n"
    "       gaoxinctl petition reseal [--batch_rows=200] [--key_id=K] [--cursor=C]   (role admin)";

std::unique_ptr<PetitionService::Stub> Stub() {
  return PetitionService::NewStub(MakeChannel(absl::GetFlag(FLAGS_petition_addr)));
}

std::string StatusText(v1::CaseStatus s) {
  return EnumShortName(v1::CaseStatus_descriptor(), s, "CASE_STATUS_");
}

bool DateFlag(const std::string& text, common::v1::Date* out) {
  if (text.empty()) return true;
  return ParseDate(text, out);
}

void PrintCase(const v1::Case& c) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(c);
  std::cout << c.id() << "  " << c.subject() << "\n"
            << "  status:      " << StatusText(c.status()) << "\n"
            << "  received:    " << DateText(c.received_date()) << "  channel "
            << EnumShortName(v1::Channel_descriptor(), c.channel(), "CHANNEL_") << "\n"
            << "  petitioner:  " << c.petitioner().name() << "  " << c.petitioner().id_number()
            << "  " << c.petitioner().phone() << "  " << c.petitioner().address() << "  ("
            << c.petitioner_count() << " petitioners)\n"
            << "  category:    " << c.category() << "\n"
            << "  ledgers:     " << absl::StrJoin(c.ledger_ids(), ", ") << "\n"
            << "  department:  " << c.department() << "\n"
            << "  leader:      " << c.leader() << "\n";
  if (!c.enterprise_uscc().empty()) {
    std::cout << "  enterprise:  " << c.enterprise_name() << " (" << c.enterprise_uscc() << ")\n";
  }
  std::cout << "  due:         " << DateText(c.due_date()) << (c.overdue() ? "  OVERDUE" : "")
            << "\n";
  if (c.has_extension()) {
    std::cout << "  extension:   " << c.extension().days() << " days (" << c.extension().reason()
              << ")\n";
  }
  if (c.is_repeat()) {
    std::cout << "  repeat of:   " << absl::StrJoin(c.repeat_of_case_ids(), ", ") << "\n";
  }
  if (!c.resolution_plan().empty()) std::cout << "  plan:        " << c.resolution_plan() << "\n";
  std::cout << "  etag:        " << c.etag() << "\n  history:\n";
  for (const auto& e : c.history()) {
    std::cout << "    " << DateText(e.date()) << "  " << StatusText(e.from_status()) << " -> "
              << StatusText(e.to_status()) << "  by " << e.actor()
              << (e.reason().empty() ? "" : "  reason: " + e.reason())
              << (e.note().empty() ? "" : "  note: " + e.note()) << "\n";
  }
}

int Ledgers() {
  v1::ListLedgersRequest req;
  req.set_year(absl::GetFlag(FLAGS_year));
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  auto stub = Stub();
  Table table({"id", "name", "year", "kind"});
  v1::ListLedgersResponse all;
  absl::Status listed = ForEachPage<PetitionService::Stub, decltype(req), v1::ListLedgersResponse>(
      stub.get(), &PetitionService::Stub::ListLedgers, req, [&](v1::ListLedgersResponse& resp) {
        for (const auto& l : resp.ledgers()) {
          *all.add_ledgers() = l;
          table.AddRow({l.id(), l.name(), absl::StrCat(l.year()),
                        EnumShortName(v1::LedgerKind_descriptor(), l.kind(), "LEDGER_KIND_")});
        }
      });
  if (!listed.ok()) return ReportError(listed);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
  } else {
    table.Print();
  }
  return 0;
}

int Cases() {
  v1::ListCasesRequest req;
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  req.set_overdue_only(absl::GetFlag(FLAGS_overdue));
  req.set_ledger_id(absl::GetFlag(FLAGS_ledger));
  req.set_category(absl::GetFlag(FLAGS_category));
  req.set_department(absl::GetFlag(FLAGS_department));
  req.set_leader(absl::GetFlag(FLAGS_leader));
  req.set_petitioner_id_number(absl::GetFlag(FLAGS_id_number));
  if (const std::string s = absl::GetFlag(FLAGS_case_status); !s.empty()) {
    v1::CaseStatus status;
    if (!ParseEnum(s, "CASE_STATUS_", &status)) return Usage(absl::StrCat("unknown status ", s));
    req.set_status(status);
  }
  auto stub = Stub();
  Table table({"id", "status", "received", "due", "overdue", "category", "petitioner", "department",
               "leader"});
  v1::ListCasesResponse all;
  absl::Status listed = ForEachPage<PetitionService::Stub, decltype(req), v1::ListCasesResponse>(
      stub.get(), &PetitionService::Stub::ListCases, req, [&](v1::ListCasesResponse& resp) {
        for (const auto& c : resp.cases()) {
          *all.add_cases() = c;
          table.AddRow({c.id(), StatusText(c.status()), DateText(c.received_date()),
                        DateText(c.due_date()), c.overdue() ? "yes" : "", c.category(),
                        c.petitioner().name(), c.department(), c.leader()});
        }
      });
  if (!listed.ok()) return ReportError(listed);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
  } else {
    table.Print();
    std::cout << all.cases_size() << " cases\n";
  }
  return 0;
}

int GetCase(const Args& args) {
  if (args.size() != 3) return Usage(kUsage);
  v1::GetCaseRequest req;
  req.set_id(args[2]);
  v1::Case c;
  absl::Status s = Call(Stub().get(), &PetitionService::Stub::GetCase, req, &c);
  if (!s.ok()) return ReportError(s);
  PrintCase(c);
  return 0;
}

int Create() {
  v1::CreateCaseRequest req;
  v1::Case* c = req.mutable_case_();
  v1::Channel channel;
  if (!ParseEnum(absl::GetFlag(FLAGS_channel), "CHANNEL_", &channel)) {
    return Usage("--channel must be letter, visit, phone, online or hotline");
  }
  c->set_channel(channel);
  if (!DateFlag(absl::GetFlag(FLAGS_received), c->mutable_received_date())) {
    return Usage("--received must be YYYY-MM-DD");
  }
  if (!IsSet(c->received_date()))
    *c->mutable_received_date() = FromCivilDay(TodayInZone(absl::Now()));
  c->mutable_petitioner()->set_name(absl::GetFlag(FLAGS_name));
  c->mutable_petitioner()->set_id_number(absl::GetFlag(FLAGS_id_number));
  c->mutable_petitioner()->set_phone(absl::GetFlag(FLAGS_phone));
  c->mutable_petitioner()->set_address(absl::GetFlag(FLAGS_address));
  c->set_petitioner_count(absl::GetFlag(FLAGS_petitioners));
  c->set_category(absl::GetFlag(FLAGS_category));
  c->set_subject(absl::GetFlag(FLAGS_subject));
  c->set_content(absl::GetFlag(FLAGS_content));
  c->set_department(absl::GetFlag(FLAGS_department));
  c->set_enterprise_uscc(absl::GetFlag(FLAGS_case_uscc));
  if (const std::string l = absl::GetFlag(FLAGS_ledger); !l.empty()) c->add_ledger_ids(l);
  req.set_request_id(absl::GetFlag(FLAGS_request_id));
  v1::Case out;
  absl::Status s = Call(Stub().get(), &PetitionService::Stub::CreateCase, req, &out);
  if (!s.ok()) return ReportError(s);
  PrintCase(out);
  return 0;
}

int Transition(const Args& args) {
  if (args.size() != 4) return Usage(kUsage);
  v1::TransitionCaseRequest req;
  req.set_id(args[2]);
  v1::CaseStatus to;
  if (!ParseEnum(args[3], "CASE_STATUS_", &to))
    return Usage(absl::StrCat("unknown status ", args[3]));
  req.set_to_status(to);
  if (!DateFlag(absl::GetFlag(FLAGS_date), req.mutable_date()))
    return Usage("--date must be YYYY-MM-DD");
  req.set_note(absl::GetFlag(FLAGS_note));
  req.set_reason(absl::GetFlag(FLAGS_reason));
  req.set_etag(absl::GetFlag(FLAGS_etag));
  v1::Case out;
  absl::Status s = Call(Stub().get(), &PetitionService::Stub::TransitionCase, req, &out);
  if (!s.ok()) return ReportError(s);
  PrintCase(out);
  return 0;
}

int Extend(const Args& args) {
  int days = 0;
  if (args.size() != 4 || !absl::SimpleAtoi(args[3], &days)) return Usage(kUsage);
  v1::ExtendDeadlineRequest req;
  req.set_id(args[2]);
  req.set_days(days);
  req.set_reason(absl::GetFlag(FLAGS_reason));
  if (!DateFlag(absl::GetFlag(FLAGS_date), req.mutable_date()))
    return Usage("--date must be YYYY-MM-DD");
  req.set_etag(absl::GetFlag(FLAGS_etag));
  v1::Case out;
  absl::Status s = Call(Stub().get(), &PetitionService::Stub::ExtendDeadline, req, &out);
  if (!s.ok()) return ReportError(s);
  PrintCase(out);
  return 0;
}

int Leader(const Args& args) {
  if (args.size() != 4) return Usage(kUsage);
  v1::AssignLeaderRequest req;
  req.set_id(args[2]);
  req.set_leader(args[3]);
  req.set_etag(absl::GetFlag(FLAGS_etag));
  v1::Case out;
  absl::Status s = Call(Stub().get(), &PetitionService::Stub::AssignLeader, req, &out);
  if (!s.ok()) return ReportError(s);
  PrintCase(out);
  return 0;
}

void CountsRow(Table* table, const std::string& label, const v1::CaseCounts& c) {
  table->AddRow(
      {label, absl::StrCat(c.total()), absl::StrCat(c.resolved_and_reported()),
       absl::StrCat(c.resolution_rate().numerator(), "/", c.resolution_rate().denominator()),
       c.resolution_rate().display_percent(), absl::StrCat(c.open()), absl::StrCat(c.overdue()),
       absl::StrCat(c.repeat_cases())});
}

int Stats(const Args& args) {
  if (args.size() != 3) return Usage(kUsage);
  v1::GetLedgerStatsRequest req;
  req.set_ledger_id(args[2]);
  v1::LedgerStats stats;
  absl::Status s = Call(Stub().get(), &PetitionService::Stub::GetLedgerStats, req, &stats);
  if (!s.ok()) return ReportError(s);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(stats);
    return 0;
  }
  std::cout << stats.ledger_name() << " (" << stats.ledger_id() << "), as of "
            << DateText(stats.as_of()) << "\n";
  Table table(
      {"group", "total", "resolved+reported", "ratio", "rate %", "open", "overdue", "repeat"});
  CountsRow(&table, "ALL", stats.totals());
  for (const auto& c : stats.by_category()) CountsRow(&table, "category " + c.key(), c);
  if (stats.has_other_categories()) {
    CountsRow(&table, absl::StrCat(stats.omitted_category_count(), " other categories"),
              stats.other_categories());
  }
  for (const auto& c : stats.by_department()) CountsRow(&table, "department " + c.key(), c);
  if (stats.has_other_departments()) {
    CountsRow(&table, absl::StrCat(stats.omitted_department_count(), " other departments"),
              stats.other_departments());
  }
  table.Print();
  return 0;
}

int Meetings() {
  v1::ListMeetingsRequest req;
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  req.set_case_id(absl::GetFlag(FLAGS_audit_case));
  auto stub = Stub();
  Table table({"id", "kind", "date", "attendees", "cases", "notes"});
  v1::ListMeetingsResponse all;
  absl::Status listed = ForEachPage<PetitionService::Stub, decltype(req), v1::ListMeetingsResponse>(
      stub.get(), &PetitionService::Stub::ListMeetings, req, [&](v1::ListMeetingsResponse& resp) {
        for (const auto& m : resp.meetings()) {
          *all.add_meetings() = m;
          table.AddRow({m.id(),
                        EnumShortName(v1::MeetingKind_descriptor(), m.kind(), "MEETING_KIND_"),
                        DateText(m.date()), absl::StrJoin(m.attendees(), "、"),
                        absl::StrCat(m.case_ids_size()), m.notes()});
        }
      });
  if (!listed.ok()) return ReportError(listed);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
  } else {
    table.Print();
  }
  return 0;
}

int Audit() {
  v1::ListAuditRecordsRequest req;
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  req.set_case_id(absl::GetFlag(FLAGS_audit_case));
  req.set_actor(absl::GetFlag(FLAGS_actor));
  auto stub = Stub();
  Table table({"id", "time", "actor", "method", "case", "fields"});
  v1::ListAuditRecordsResponse all;
  absl::Status listed =
      ForEachPage<PetitionService::Stub, decltype(req), v1::ListAuditRecordsResponse>(
          stub.get(), &PetitionService::Stub::ListAuditRecords, req,
          [&](v1::ListAuditRecordsResponse& resp) {
            for (const auto& r : resp.records()) {
              *all.add_records() = r;
              table.AddRow(
                  {r.id(),
                   absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(r.time().seconds()),
                                    absl::FixedTimeZone(8 * 3600)),
                   r.actor(), r.method(), r.case_id(), absl::StrJoin(r.fields(), ",")});
            }
          });
  if (!listed.ok()) return ReportError(listed);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
  } else {
    table.Print();
  }
  return 0;
}

// Re-seals the store under the server's current PII key, batch by batch, until the server says it
// has seen every row. Every batch after the first must seal under the first one's key
// (expected_key_id), so a run behind a load balancer never mixes a replica still on the old
// ring. Prints one line per batch and the totals; on an error, the cursor to resume from.
int Reseal() {
  const int batch = absl::GetFlag(FLAGS_batch_rows);
  if (batch < 1 || batch > 1000) return Usage("--batch_rows must be between 1 and 1000");
  auto stub = Stub();
  v1::ResealPersonalDataRequest req;
  req.set_batch_size(batch);
  req.set_expected_key_id(absl::GetFlag(FLAGS_key_id));
  req.set_cursor(absl::GetFlag(FLAGS_cursor));
  int64_t examined = 0, resealed = 0, conflicts = 0, unreadable = 0;
  std::map<std::string, int64_t> found;
  int calls = 0;
  do {
    v1::ResealPersonalDataResponse resp;
    absl::Status s = Call(stub.get(), &PetitionService::Stub::ResealPersonalData, req, &resp);
    if (!s.ok()) {
      std::cerr << "stopped after " << calls << " batches; resume with --cursor=" << req.cursor()
                << (req.expected_key_id().empty() ? "" : " --key_id=" + req.expected_key_id())
                << "\n";
      return ReportError(s);
    }
    ++calls;
    req.set_expected_key_id(resp.current_key_id());
    examined += resp.examined();
    resealed += resp.resealed();
    conflicts += resp.conflicts();
    unreadable += resp.unreadable();
    for (const auto& [key, count] : resp.found_by_key()) found[key] += count;
    if (!absl::GetFlag(FLAGS_json)) {
      std::cout << "batch " << calls << ": " << resp.examined() << " rows, " << resp.resealed()
                << " re-sealed under " << resp.current_key_id()
                << (resp.next_cursor().empty() ? "" : ", next " + resp.next_cursor()) << "\n";
    }
    req.set_cursor(resp.next_cursor());
  } while (!req.cursor().empty());
  std::vector<std::string> by_key;
  for (const auto& [key, count] : found) by_key.push_back(absl::StrCat(key, "=", count));
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << "{\"currentKeyId\": \"" << req.expected_key_id() << "\", \"batches\": " << calls
              << ", \"examined\": " << examined << ", \"resealed\": " << resealed
              << ", \"conflicts\": " << conflicts << ", \"unreadable\": " << unreadable << "}\n";
  } else {
    std::cout << "done: " << examined << " rows in " << calls << " batches, " << resealed
              << " re-sealed under " << req.expected_key_id() << ", " << conflicts
              << " changed meanwhile, " << unreadable << " unreadable; fields found by key: "
              << (by_key.empty() ? "none" : absl::StrJoin(by_key, " ")) << "\n";
    if (conflicts > 0 || resealed > 0) {
      std::cout << "run it again: a run that re-seals nothing confirms the rotation\n";
    }
  }
  return unreadable > 0 ? 1 : 0;
}

absl::Status WithContext(absl::Status s, absl::string_view what) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

}  // namespace

absl::Status LoadPetitionDemo(const std::string& dir) {
  ASSIGN_OR_RETURN(petition::DemoData demo, petition::LoadDemoData(dir + "/petition.json"));
  auto stub = Stub();
  absl::flat_hash_map<std::string, std::string> ledger_ids;
  absl::flat_hash_map<std::string, std::string> case_ids;

  for (const v1::Ledger& l : demo.ledgers) {
    v1::CreateLedgerRequest req;
    *req.mutable_ledger() = l;
    req.mutable_ledger()->clear_id();
    req.set_request_id(absl::StrCat("demo-ledger-", l.id()));
    v1::Ledger out;
    RETURN_IF_ERROR(WithContext(Call(stub.get(), &PetitionService::Stub::CreateLedger, req, &out),
                                absl::StrCat("ledger ", l.id())));
    ledger_ids[l.id()] = out.id();
  }

  int moves = 0;
  for (const petition::DemoCase& d : demo.cases) {
    const std::string demo_id = d.input.id();
    const std::string what = absl::StrCat("case ", demo_id);
    v1::CreateCaseRequest req;
    *req.mutable_case_() = d.input;
    req.mutable_case_()->clear_id();
    req.mutable_case_()->clear_ledger_ids();
    for (const std::string& l : d.input.ledger_ids())
      req.mutable_case_()->add_ledger_ids(ledger_ids[l]);
    req.set_request_id(absl::StrCat("demo-case-", demo_id));
    v1::Case c;
    RETURN_IF_ERROR(
        WithContext(Call(stub.get(), &PetitionService::Stub::CreateCase, req, &c), what));
    case_ids[demo_id] = c.id();
    if (!d.leader.empty() && c.leader() != d.leader) {
      v1::AssignLeaderRequest a;
      a.set_id(c.id());
      a.set_leader(d.leader);
      RETURN_IF_ERROR(WithContext(Call(stub.get(), &PetitionService::Stub::AssignLeader, a, &c),
                                  absl::StrCat(what, " leader")));
    }
    // Steps already made (a re-run): the moves after creation, plus the extension if granted.
    const size_t done_steps = (c.history_size() - 1) + (c.has_extension() ? 1 : 0);
    for (size_t i = done_steps; i < d.steps.size(); ++i) {
      const petition::DemoStep& step = d.steps[i];
      const std::string step_what = absl::StrCat(what, " step ", i + 1);
      if (step.extend_days > 0) {
        v1::ExtendDeadlineRequest e;
        e.set_id(c.id());
        e.set_days(step.extend_days);
        e.set_reason(step.reason);
        *e.mutable_date() = FromCivilDay(step.date);
        RETURN_IF_ERROR(WithContext(Call(stub.get(), &PetitionService::Stub::ExtendDeadline, e, &c),
                                    step_what));
      } else {
        v1::TransitionCaseRequest t;
        t.set_id(c.id());
        t.set_to_status(step.to);
        *t.mutable_date() = FromCivilDay(step.date);
        t.set_note(step.note);
        t.set_reason(step.reason);
        RETURN_IF_ERROR(WithContext(Call(stub.get(), &PetitionService::Stub::TransitionCase, t, &c),
                                    step_what));
      }
      ++moves;
    }
  }

  for (const v1::Meeting& m : demo.meetings) {
    v1::RecordMeetingRequest req;
    *req.mutable_meeting() = m;
    req.mutable_meeting()->clear_id();
    req.mutable_meeting()->clear_case_ids();
    for (const std::string& id : m.case_ids()) req.mutable_meeting()->add_case_ids(case_ids[id]);
    req.set_request_id(absl::StrCat("demo-meeting-", m.id()));
    v1::Meeting out;
    RETURN_IF_ERROR(WithContext(Call(stub.get(), &PetitionService::Stub::RecordMeeting, req, &out),
                                absl::StrCat("meeting ", m.id())));
  }

  std::cout << "petition: " << demo.ledgers.size() << " ledgers, " << demo.cases.size()
            << " cases, " << moves << " new moves, " << demo.meetings.size() << " meetings\n";
  for (const v1::Ledger& l : demo.ledgers) {
    v1::GetLedgerStatsRequest req;
    req.set_ledger_id(ledger_ids[l.id()]);
    v1::LedgerStats stats;
    RETURN_IF_ERROR(
        WithContext(Call(stub.get(), &PetitionService::Stub::GetLedgerStats, req, &stats),
                    absl::StrCat("stats of ledger ", l.id())));
    std::cout << "  " << stats.ledger_name() << " (" << stats.ledger_id()
              << "): " << stats.totals().resolved_and_reported() << "/" << stats.totals().total()
              << " resolved and reported, " << stats.totals().resolution_rate().display_percent()
              << "%\n";
  }
  return absl::OkStatus();
}

int RunPetition(const Args& args) {
  if (args.size() < 2) return Usage(kUsage);
  const std::string& cmd = args[1];
  if (cmd == "ledgers") return Ledgers();
  if (cmd == "cases") return Cases();
  if (cmd == "case") return GetCase(args);
  if (cmd == "create") return Create();
  if (cmd == "transition") return Transition(args);
  if (cmd == "extend") return Extend(args);
  if (cmd == "leader") return Leader(args);
  if (cmd == "stats") return Stats(args);
  if (cmd == "meetings") return Meetings();
  if (cmd == "audit") return Audit();
  if (cmd == "reseal") return Reseal();
  return Usage(kUsage);
}

}  // namespace gaoxin::ctl
