// End-to-end, the real petition_server over gRPC: free text of cases and meetings withheld from
// callers without petition.pii on every path (Get, List, the write answers, WatchCases, meetings)
// and shown to petition.pii holders only with an audit record; a withheld read sent back never
// replacing the stored text; and a PII key rotation done while the server serves: k1 (the old
// single-key file), then k1 + k2, then k2 current and `gaoxinctl petition reseal` run while reads
// go on, then k2 alone, with every row on k2, every read right and the ID-number search working.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/date.h"
#include "common/db/open_database.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/petition/domain/free_text.h"
#include "tests/support/petition_fixture.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::petition {
namespace {

namespace pf = testing::petition_fixture;
using testing::Subprocess;
using testing::TempDir;

constexpr char kAdminToken[] = "petition-admin-token";
const std::string kHex1 = absl::BytesToHexString(std::string(32, '\x31'));
const std::string kHex2 = absl::BytesToHexString(std::string(32, '\x32'));

// Distinctive text in every free-text field; none may reach a caller without petition.pii.
constexpr char kSubject[] = "主题：皇甫家拖欠工资";
constexpr char kContent[] = "内容：皇甫某在厂里工作十年未签合同，其妻患病";
constexpr char kPlan[] = "方案：分三期支付欠薪";
constexpr char kNote[] = "备注：已电话联系皇甫某之妻";
constexpr char kExtensionReason[] = "延期：皇甫某住院治疗";
constexpr char kAttendee[] = "信访人皇甫某之子";
constexpr char kNotes[] = "纪要：同意先行垫付医药费";
const char* const kSecrets[] = {"皇甫家拖欠", "其妻患病",   "分三期支付", "皇甫某之妻",
                                "住院治疗",   "皇甫某之子", "垫付医药费"};

class PetitionPiiE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<testing::TestToken> tokens = pf::Tokens();
    tokens.push_back({kAdminToken, "key-keeper", "admin"});
    testing::WriteTokensFile(dir_.File("tokens"), tokens);
    // The older single-key file: one line of hex, which is key "k1".
    testing::WriteFile(dir_.File("pii.keys"), kHex1 + "\n");
    port_ = testing::FreePort();
    StartServer();
  }

  void StartServer() {
    const std::vector<std::string> argv = testing::WithStore(
        {SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port_),
         "--tokens_file=" + dir_.File("tokens"), "--pii_key_file=" + dir_.File("pii.keys"),
         absl::StrCat("--enterprise_addr=127.0.0.1:", testing::FreePort()),
         "--enterprise_timeout_ms=500", "--shutdown_grace_ms=3000"},
        dir_, "petition");
    ASSERT_TRUE(
        testing::StartServing(&server_, argv, dir_.File("server.log"), address(), pf::kService));
    stub_ = v1::PetitionService::NewStub(MakeChannel(address()));
  }
  void StopServer() { ASSERT_EQ(server_->Terminate(absl::Seconds(10)), 0); }
  void RestartWithRing(const std::string& ring) {
    ASSERT_NO_FATAL_FAILURE(StopServer());
    testing::WriteFile(dir_.File("pii.keys"), ring);
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    return testing::TokenContext(token, absl::Seconds(10));
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (v1::PetitionService::Stub::*method)(
                                    grpc::ClientContext*, const Request&, Response*),
                                const Request& req, const std::string& token) {
    Response out;
    grpc::Status s = (stub_.get()->*method)(Ctx(token).get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  // A case with every free-text field set (created by the officer, moved and extended by the
  // writer), and a reception meeting on it. Returns the case id; `meeting_id` gets the meeting's.
  std::string CaseWithText(const std::string& id_number, std::string* meeting_id = nullptr) {
    v1::CreateCaseRequest create;
    v1::Case* c = create.mutable_case_();
    c->set_channel(v1::CHANNEL_VISIT);
    *c->mutable_received_date() = FromCivilDay(TodayInZone(absl::Now()) - 3);
    c->mutable_petitioner()->set_name("皇甫测试");
    c->mutable_petitioner()->set_id_number(id_number);
    c->set_petitioner_count(1);
    c->set_category("劳动争议");
    c->set_subject(kSubject);
    c->set_content(kContent);
    c->set_resolution_plan(kPlan);
    auto created = Call(&v1::PetitionService::Stub::CreateCase, create, pf::kOfficerToken);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return "";
    v1::TransitionCaseRequest move;
    move.set_id(created->id());
    move.set_to_status(v1::CASE_STATUS_ACCEPTED);
    move.set_note(kNote);
    auto moved = Call(&v1::PetitionService::Stub::TransitionCase, move, pf::kWriterToken);
    EXPECT_TRUE(moved.ok()) << moved.status();
    v1::ExtendDeadlineRequest extend;
    extend.set_id(created->id());
    extend.set_days(10);
    extend.set_reason(kExtensionReason);
    auto extended = Call(&v1::PetitionService::Stub::ExtendDeadline, extend, pf::kWriterToken);
    EXPECT_TRUE(extended.ok()) << extended.status();
    if (extended.ok()) {
      // The writer (no petition.pii) gets its own answer withheld.
      EXPECT_EQ(extended->extension().reason(), kWithheldNotice);
      EXPECT_EQ(extended->history(1).note(), kWithheldNotice);
      EXPECT_EQ(extended->content(), kWithheldNotice);
    }
    v1::RecordMeetingRequest meeting;
    meeting.mutable_meeting()->set_kind(v1::MEETING_KIND_LEADER_RECEPTION);
    *meeting.mutable_meeting()->mutable_date() = FromCivilDay(TodayInZone(absl::Now()) - 1);
    meeting.mutable_meeting()->add_attendees(kAttendee);
    meeting.mutable_meeting()->add_case_ids(created->id());
    meeting.mutable_meeting()->set_notes(kNotes);
    auto recorded = Call(&v1::PetitionService::Stub::RecordMeeting, meeting, pf::kWriterToken);
    EXPECT_TRUE(recorded.ok()) << recorded.status();
    if (recorded.ok()) {
      EXPECT_EQ(recorded->notes(), kWithheldNotice);
      if (meeting_id != nullptr) *meeting_id = recorded->id();
    }
    return created->id();
  }

  absl::StatusOr<v1::Case> GetCase(const std::string& id, const std::string& token) {
    v1::GetCaseRequest req;
    req.set_id(id);
    return Call(&v1::PetitionService::Stub::GetCase, req, token);
  }

  std::vector<v1::AuditRecord> AuditRecords() {
    v1::ListAuditRecordsRequest req;
    req.set_page_size(1000);
    auto resp = Call(&v1::PetitionService::Stub::ListAuditRecords, req, pf::kAuditorToken);
    EXPECT_TRUE(resp.ok()) << resp.status();
    if (!resp.ok()) return {};
    return {resp->records().begin(), resp->records().end()};
  }

  static void ExpectNoSecret(const google::protobuf::Message& m, const std::string& where) {
    const std::string bytes = m.SerializeAsString();
    for (const char* secret : kSecrets) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " shown by " << where;
    }
  }

  // Every stored blob of cases, meetings and their change-log entries, read straight from the
  // store the server uses (while it runs).
  std::vector<std::string> RawStates() {
    auto db = db::OpenDatabase(
        testing::TestStoreLocation(testing::BackendFromEnvironment(), dir_, "petition"));
    EXPECT_TRUE(db.ok()) << db.status();
    std::vector<std::string> out;
    if (!db.ok()) return out;
    EXPECT_TRUE(
        (*db)
            ->Read([&](db::Transaction& tx) -> absl::Status {
              for (const char* sql :
                   {"SELECT state FROM cases", "SELECT state FROM meetings",
                    "SELECT state FROM events WHERE resource_type IN ('case', 'meeting')"}) {
                auto rows = tx.Query(sql);
                if (!rows.ok()) return rows.status();
                for (const auto& row : *rows) out.push_back(row.Blob(0));
              }
              return absl::OkStatus();
            })
            .ok());
    return out;
  }

  // Runs gaoxinctl with `args` as the admin; its exit code, with its output in `*output`.
  int Ctl(std::vector<std::string> args, std::string* output,
          const std::string& token = kAdminToken) {
    static int runs = 0;
    const std::string log = dir_.File(absl::StrCat("ctl", ++runs, ".log"));
    std::vector<std::string> argv = {GAOXINCTL_PATH, "--petition_addr=" + address(),
                                     "--token=" + token};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess ctl(argv, log);
    const int code = ctl.Wait(absl::Seconds(120));
    *output = testing::ReadFileOrEmpty(log);
    return code;
  }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Subprocess> server_;
  std::unique_ptr<v1::PetitionService::Stub> stub_;
};

TEST_F(PetitionPiiE2eTest, FreeTextIsWithheldWithoutPiiAndAuditedWithIt) {
  std::string meeting_id;
  const std::string id = CaseWithText(pf::ResidentId("21099919800101301"), &meeting_id);
  ASSERT_FALSE(id.empty());
  ASSERT_FALSE(meeting_id.empty());
  const size_t records_before = AuditRecords().size();

  // Without petition.pii: the notice in every non-empty free-text field, on every read path.
  auto masked = GetCase(id, pf::kReaderToken);
  ASSERT_TRUE(masked.ok()) << masked.status();
  EXPECT_EQ(masked->subject(), kWithheldNotice);
  EXPECT_EQ(masked->content(), kWithheldNotice);
  EXPECT_EQ(masked->resolution_plan(), kWithheldNotice);
  EXPECT_EQ(masked->history(1).note(), kWithheldNotice);
  EXPECT_EQ(masked->history(1).reason(), "");  // empty stays empty
  EXPECT_EQ(masked->extension().reason(), kWithheldNotice);
  EXPECT_EQ(masked->category(), "劳动争议");  // not free text
  ExpectNoSecret(*masked, "GetCase");
  v1::ListCasesRequest list;
  auto listed = Call(&v1::PetitionService::Stub::ListCases, list, pf::kReaderToken);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->cases_size(), 1);
  EXPECT_EQ(listed->cases(0).content(), kWithheldNotice);
  ExpectNoSecret(*listed, "ListCases");
  v1::GetMeetingRequest get_meeting;
  get_meeting.set_id(meeting_id);
  auto meeting = Call(&v1::PetitionService::Stub::GetMeeting, get_meeting, pf::kReaderToken);
  ASSERT_TRUE(meeting.ok()) << meeting.status();
  ASSERT_EQ(meeting->attendees_size(), 1);
  EXPECT_EQ(meeting->attendees(0), kWithheldNotice);
  EXPECT_EQ(meeting->notes(), kWithheldNotice);
  v1::ListMeetingsRequest list_meetings;
  list_meetings.set_case_id(id);
  auto meetings = Call(&v1::PetitionService::Stub::ListMeetings, list_meetings, pf::kReaderToken);
  ASSERT_TRUE(meetings.ok());
  ASSERT_EQ(meetings->meetings_size(), 1);
  ExpectNoSecret(*meetings, "ListMeetings");
  // The stats quote no text either.
  EXPECT_EQ(AuditRecords().size(), records_before) << "a withheld read was audited";

  // WatchCases withholds it for every caller, petition.pii included.
  {
    auto ctx = Ctx(pf::kOfficerToken);
    v1::WatchCasesRequest watch;
    watch.set_since_revision(1);
    auto reader = stub_->WatchCases(ctx.get(), watch);
    v1::WatchCasesResponse resp;
    int changes = 0;
    while (changes < 3 && reader->Read(&resp)) {
      for (const v1::CaseChange& change : resp.changes()) {
        ++changes;
        EXPECT_EQ(change.petition_case().content(), kWithheldNotice);
        ExpectNoSecret(change, "WatchCases");
      }
    }
    EXPECT_EQ(changes, 3);  // created, moved, extended
    ctx->TryCancel();
  }

  // With petition.pii: the text, and an audit record naming the fields.
  auto plain = GetCase(id, pf::kOfficerToken);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->content(), kContent);
  EXPECT_EQ(plain->history(1).note(), kNote);
  EXPECT_EQ(plain->extension().reason(), kExtensionReason);
  auto plain_meeting = Call(&v1::PetitionService::Stub::GetMeeting, get_meeting, pf::kOfficerToken);
  ASSERT_TRUE(plain_meeting.ok());
  EXPECT_EQ(plain_meeting->attendees(0), kAttendee);
  EXPECT_EQ(plain_meeting->notes(), kNotes);

  std::vector<v1::AuditRecord> records = AuditRecords();
  ASSERT_EQ(records.size(), records_before + 2);
  const v1::AuditRecord& case_read = records[records.size() - 2];
  EXPECT_EQ(case_read.method(), "GetCase");
  EXPECT_EQ(case_read.case_id(), id);
  std::set<std::string> fields(case_read.fields().begin(), case_read.fields().end());
  for (const char* f : {"subject", "content", "resolution_plan", "history.note", "extension.reason",
                        "petitioner.name"}) {
    EXPECT_TRUE(fields.count(f)) << f;
  }
  const v1::AuditRecord& meeting_read = records.back();
  EXPECT_EQ(meeting_read.method(), "GetMeeting");
  EXPECT_EQ(meeting_read.meeting_id(), meeting_id);
  EXPECT_EQ(meeting_read.case_id(), "");
  EXPECT_EQ(std::set<std::string>(meeting_read.fields().begin(), meeting_read.fields().end()),
            (std::set<std::string>{"attendees", "notes"}));

  // And the server's log holds none of it.
  ASSERT_NO_FATAL_FAILURE(StopServer());
  const std::string log = testing::ReadFileOrEmpty(dir_.File("server.log"));
  for (const char* secret : kSecrets) EXPECT_EQ(log.find(secret), std::string::npos) << secret;
}

TEST_F(PetitionPiiE2eTest, WithheldReadSentBackNeverReplacesTheText) {
  const std::string id = CaseWithText(pf::ResidentId("21099919800101302"));
  ASSERT_FALSE(id.empty());
  // The writer's read-modify-write of its withheld read, under "*" and an omitted mask.
  int n = 0;
  for (const std::vector<std::string>& paths :
       {std::vector<std::string>{"*"}, std::vector<std::string>{}}) {
    auto back = GetCase(id, pf::kWriterToken);
    ASSERT_TRUE(back.ok());
    ASSERT_EQ(back->content(), kWithheldNotice);
    v1::UpdateCaseRequest update;
    *update.mutable_case_() = *back;
    update.mutable_case_()->set_department(absl::StrCat("人社局", ++n));
    for (const std::string& p : paths) update.mutable_update_mask()->add_paths(p);
    auto out = Call(&v1::PetitionService::Stub::UpdateCase, update, pf::kWriterToken);
    ASSERT_TRUE(out.ok()) << out.status();
    auto now = GetCase(id, pf::kOfficerToken);
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(now->department(), absl::StrCat("人社局", n));
    EXPECT_EQ(now->subject(), kSubject);
    EXPECT_EQ(now->content(), kContent);
    EXPECT_EQ(now->resolution_plan(), kPlan);
  }
  // Naming the field with the notice, or sending an edit of the notice: INVALID_ARGUMENT.
  auto back = GetCase(id, pf::kWriterToken);
  ASSERT_TRUE(back.ok());
  for (const std::string& content :
       {std::string(kWithheldNotice), absl::StrCat(kWithheldNotice, "（已补充）")}) {
    v1::UpdateCaseRequest update;
    *update.mutable_case_() = *back;
    update.mutable_case_()->set_content(content);
    update.mutable_update_mask()->add_paths("content");
    auto out = Call(&v1::PetitionService::Stub::UpdateCase, update, pf::kWriterToken);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
    ASSERT_EQ(FieldViolationsOf(out.status()).size(), 1u) << out.status();
    EXPECT_EQ(FieldViolationsOf(out.status())[0].first, "case.content");
  }
  v1::TransitionCaseRequest move;
  move.set_id(id);
  move.set_to_status(v1::CASE_STATUS_ASSIGNED);
  move.set_note(std::string(kWithheldNotice));
  EXPECT_EQ(
      Call(&v1::PetitionService::Stub::TransitionCase, move, pf::kWriterToken).status().code(),
      absl::StatusCode::kInvalidArgument);
  auto now = GetCase(id, pf::kOfficerToken);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->content(), kContent);
  EXPECT_EQ(now->history_size(), 2);
  // Real new text from the writer is written (and withheld from it in the answer).
  v1::UpdateCaseRequest update;
  update.mutable_case_()->set_id(id);
  update.mutable_case_()->set_resolution_plan("方案：改为一次付清");
  update.mutable_update_mask()->add_paths("resolution_plan");
  auto out = Call(&v1::PetitionService::Stub::UpdateCase, update, pf::kWriterToken);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->resolution_plan(), kWithheldNotice);
  EXPECT_EQ(GetCase(id, pf::kOfficerToken)->resolution_plan(), "方案：改为一次付清");
}

TEST_F(PetitionPiiE2eTest, KeyRotationWhileTheServerServes) {
  std::map<std::string, std::string> number_of;  // case id -> ID number
  for (int i = 0; i < 8; ++i) {
    const std::string number = pf::ResidentId(absl::StrCat("2109991980010140", i));
    const std::string id = CaseWithText(number);
    ASSERT_FALSE(id.empty());
    number_of[id] = number;
  }
  // Step 1: every replica learns k2 (k1 still current). Step 2: k2 becomes current.
  ASSERT_NO_FATAL_FAILURE(
      RestartWithRing(absl::StrCat("k1 ", kHex1, " current\nk2 ", kHex2, "\n")));
  ASSERT_EQ(GetCase(number_of.begin()->first, pf::kOfficerToken)->content(), kContent);
  ASSERT_NO_FATAL_FAILURE(
      RestartWithRing(absl::StrCat("k1 ", kHex1, " \nk2 ", kHex2, " current\n")));
  const std::string number = pf::ResidentId("21099919800101409");
  const std::string newest = CaseWithText(number);  // sealed under k2 already
  number_of[newest] = number;

  // A key mismatch (a replica still on the old ring) and a caller without admin are refused.
  std::string output;
  EXPECT_NE(Ctl({"petition", "reseal", "--key_id=k1"}, &output), 0);
  EXPECT_NE(output.find("PII_KEY_MISMATCH"), std::string::npos) << output;
  EXPECT_NE(Ctl({"petition", "reseal"}, &output, pf::kOfficerToken), 0);
  EXPECT_NE(output.find("PERMISSION_DENIED"), std::string::npos) << output;

  // Step 3: the re-sealing command, while reads go on.
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, bad_reads{0};
  std::thread reader([&] {
    auto stub = v1::PetitionService::NewStub(MakeChannel(address()));
    while (!stop) {
      for (const auto& [id, id_number] : number_of) {
        v1::GetCaseRequest req;
        req.set_id(id);
        v1::Case c;
        grpc::Status s = stub->GetCase(Ctx(pf::kOfficerToken).get(), req, &c);
        if (!s.ok() || c.content() != kContent || c.petitioner().id_number() != id_number) {
          ++bad_reads;
        }
        ++reads;
      }
    }
  });
  const int code = Ctl({"petition", "reseal", "--batch_rows=3"}, &output);
  stop = true;
  reader.join();
  ASSERT_EQ(code, 0) << output;
  EXPECT_NE(output.find("done:"), std::string::npos) << output;
  EXPECT_NE(output.find("re-sealed under k2"), std::string::npos) << output;
  EXPECT_NE(output.find("k1="), std::string::npos) << output;  // it found k1 seals
  // Each batch that re-sealed rows is in the audit chain, as the admin's.
  int reseal_records = 0;
  for (const auto& r : AuditRecords()) {
    if (r.entry().method() != "/gaoxin.petition.v1.PetitionService/ResealPersonalData") continue;
    ++reseal_records;
    EXPECT_EQ(r.entry().principal(), "key-keeper");
    EXPECT_EQ(r.entry().resource(), "personal_data");
  }
  EXPECT_GE(reseal_records, 1);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0);

  // Every row, meeting and change-log entry now carries k2 only.
  const std::vector<std::string> states = RawStates();
  ASSERT_GE(states.size(), 18u);
  for (const std::string& state : states) {
    EXPECT_EQ(state.find("enc:v1:"), std::string::npos);
    EXPECT_EQ(state.find("enc:v2:k1:"), std::string::npos);
    EXPECT_NE(state.find("enc:v2:k2:"), std::string::npos);
    for (const char* secret : kSecrets) EXPECT_EQ(state.find(secret), std::string::npos);
  }
  // Idempotent: a second run re-seals nothing.
  ASSERT_EQ(Ctl({"petition", "reseal"}, &output), 0) << output;
  EXPECT_NE(output.find(" 0 re-sealed under k2"), std::string::npos) << output;

  // Step 4: k1 leaves the ring. Every read is right, and the ID-number search finds each case.
  ASSERT_NO_FATAL_FAILURE(RestartWithRing(absl::StrCat("k2 ", kHex2, "\n")));
  for (const auto& [id, id_number] : number_of) {
    auto c = GetCase(id, pf::kOfficerToken);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->content(), kContent);
    EXPECT_EQ(c->history(1).note(), kNote);
    EXPECT_EQ(c->petitioner().id_number(), id_number);
    v1::ListCasesRequest search;
    search.set_petitioner_id_number(id_number);
    auto found = Call(&v1::PetitionService::Stub::ListCases, search, pf::kOfficerToken);
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_EQ(found->cases_size(), 1);
    EXPECT_EQ(found->cases(0).id(), id);
  }
  v1::ListMeetingsRequest meetings;
  auto listed = Call(&v1::PetitionService::Stub::ListMeetings, meetings, pf::kOfficerToken);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->meetings_size(), 9);
  for (const auto& m : listed->meetings()) EXPECT_EQ(m.notes(), kNotes);
}

TEST_F(PetitionPiiE2eTest, ABadKeyRingFileStopsTheServerNamingTheLine) {
  ASSERT_NO_FATAL_FAILURE(StopServer());
  testing::WriteFile(dir_.File("pii.keys"),
                     absl::StrCat("# ring\nk1 ", kHex1, "\nk2 ", kHex2.substr(4), " current\n"));
  const std::vector<std::string> argv = testing::WithStore(
      {SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port_),
       "--tokens_file=" + dir_.File("tokens"), "--pii_key_file=" + dir_.File("pii.keys")},
      dir_, "petition");
  Subprocess server(argv, dir_.File("bad.log"));
  EXPECT_NE(server.Wait(absl::Seconds(20)), 0);
  const std::string log = testing::ReadFileOrEmpty(dir_.File("bad.log"));
  EXPECT_NE(log.find("line 3"), std::string::npos) << log;
  EXPECT_EQ(log.find(kHex2.substr(4)), std::string::npos) << "key material in the log";
}

}  // namespace
}  // namespace gaoxin::petition
