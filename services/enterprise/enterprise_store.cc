#include "services/enterprise/enterprise_store.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/date.h"
#include "common/db/common_tables.h"
#include "common/db/create_once.h"
#include "common/db/filters.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/money.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/enterprise/domain/period.h"
#include "services/enterprise/domain/report_series.h"
#include "services/enterprise/domain/titles.h"
#include "services/enterprise/domain/validation.h"

namespace gaoxin::enterprise {
namespace {

using db::AddFilter;
using db::Row;
using db::SqlValue;
using db::Transaction;

constexpr db::Migration kMigrations[] = {
    {1, "enterprises, titles, monthly reports, current figures, indicators, alerts",
     "CREATE TABLE enterprises (id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
     "  state BLOB NOT NULL, uscc TEXT NOT NULL, chain INTEGER NOT NULL,"
     "  above_scale INTEGER NOT NULL, above_scale_year INTEGER NOT NULL,"
     "  key_enterprise INTEGER NOT NULL, status INTEGER NOT NULL, agent_id TEXT NOT NULL);"
     "CREATE UNIQUE INDEX enterprises_by_uscc ON enterprises(uscc);"
     "CREATE INDEX enterprises_by_chain ON enterprises(chain, id);"
     "CREATE INDEX enterprises_above_scale ON enterprises(above_scale, above_scale_year);"
     "CREATE TABLE enterprise_titles (enterprise_id TEXT NOT NULL, kind INTEGER NOT NULL,"
     "  grant_date TEXT NOT NULL, expiry_date TEXT NOT NULL);"
     "CREATE INDEX titles_by_kind ON enterprise_titles(kind, enterprise_id);"
     "CREATE INDEX titles_by_enterprise ON enterprise_titles(enterprise_id);"
     // Every revision of every report (history).
     "CREATE TABLE monthly_reports (id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL,"
     "  period TEXT NOT NULL, revision INTEGER NOT NULL, current INTEGER NOT NULL,"
     "  state BLOB NOT NULL);"
     "CREATE UNIQUE INDEX reports_by_key ON monthly_reports(enterprise_id, period, revision);"
     "CREATE INDEX reports_by_period ON monthly_reports(period, enterprise_id, revision);"
     // The current revision's figures, as integers (yuan units + nanos, so SQL sums of any
     // realistic total fit in 64 bits), for summaries computed in SQL.
     "CREATE TABLE report_figures (enterprise_id TEXT NOT NULL, period TEXT NOT NULL,"
     "  month_index INTEGER NOT NULL, report_id TEXT NOT NULL, revision INTEGER NOT NULL,"
     "  output_units INTEGER NOT NULL, output_nanos INTEGER NOT NULL,"
     "  revenue_units INTEGER NOT NULL, revenue_nanos INTEGER NOT NULL,"
     "  content BLOB NOT NULL, PRIMARY KEY (enterprise_id, period)) WITHOUT ROWID;"
     "CREATE INDEX figures_by_month ON report_figures(month_index, enterprise_id,"
     "  output_units, output_nanos, revenue_units, revenue_nanos);"
     "CREATE TABLE indicators (id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
     "  state BLOB NOT NULL, indicator INTEGER NOT NULL, year INTEGER NOT NULL);"
     "CREATE UNIQUE INDEX indicators_by_key ON indicators(indicator, year);"
     "CREATE TABLE alerts (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state BLOB NOT NULL,"
     "  enterprise_id TEXT NOT NULL, rule INTEGER NOT NULL, alert_state INTEGER NOT NULL,"
     "  dedup_key TEXT NOT NULL, create_us INTEGER NOT NULL);"
     "CREATE UNIQUE INDEX alerts_by_dedup ON alerts(dedup_key);"
     "CREATE INDEX alerts_by_time ON alerts(create_us DESC, id);"},
    {2, "alerts by rule and state (the per-import check for open NOT_REPORTED alerts)",
     "CREATE INDEX alerts_by_rule ON alerts(rule, alert_state);"},
};

int MonthIndex(absl::CivilMonth m) { return static_cast<int>(m.year() * 12 + m.month() - 1); }

int64_t TimestampMicros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

Nanos SumColumns(const Row& row, size_t units, size_t nanos) {
  return Nanos(row.Int(units)) * kNanosPerUnit + Nanos(row.Int(nanos));
}

// The bytes that decide whether a resubmission changes anything: the filed figures and note,
// with amounts normalised, serialized deterministically.
std::string ContentOf(const v1::MonthlyReport& r) {
  v1::MonthlyReport c;
  c.set_enterprise_id(r.enterprise_id());
  c.set_period(r.period());
  *c.mutable_output_value() = FromNanos(ToNanos(r.output_value()));
  *c.mutable_revenue() = FromNanos(ToNanos(r.revenue()));
  *c.mutable_taxes() = FromNanos(ToNanos(r.taxes()));
  *c.mutable_export_value() = FromNanos(ToNanos(r.export_value()));
  c.set_employees(r.employees());
  c.set_energy_use_kgce(r.energy_use_kgce());
  c.set_note(r.note());
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    c.SerializeToCodedStream(&coded);
  }
  return out;
}

absl::StatusOr<v1::MonthlyReport> DecodeReport(const std::string& blob) {
  v1::MonthlyReport r;
  if (!r.ParseFromString(blob)) return absl::DataLossError("corrupt monthly report row");
  return r;
}

absl::StatusOr<v1::Alert> DecodeAlert(const Row& row) {
  v1::Alert a;
  if (!a.ParseFromString(row.Blob(0))) return absl::DataLossError("corrupt alert row");
  a.set_etag(absl::StrCat(row.Int(1)));
  return a;
}

v1::ImportRowError RowError(int row, absl::string_view field, absl::string_view reason,
                            absl::string_view message) {
  v1::ImportRowError e;
  e.set_row_number(row);
  e.set_field(std::string(field));
  e.set_reason(std::string(reason));
  e.set_message(std::string(message));
  return e;
}

}  // namespace

EnterpriseStore::EnterpriseStore(db::Database* db, Clock clock, AlertThresholds thresholds)
    : db_(db),
      clock_(std::move(clock)),
      thresholds_(thresholds),
      enterprises_(
          "enterprises", kEnterpriseEvent,
          {"uscc", "chain", "above_scale", "above_scale_year", "key_enterprise", "status",
           "agent_id"},
          [](const v1::Enterprise& e) {
            return std::vector<SqlValue>{
                e.uscc(),           e.industry_chain(),
                e.above_scale(),    IsSet(e.above_scale_date()) ? e.above_scale_date().year() : 0,
                e.key_enterprise(), e.status(),
                e.agent_id()};
          }),
      indicators_("indicators", kIndicatorEvent, {"indicator", "year"},
                  [](const v1::IndicatorRecord& r) {
                    return std::vector<SqlValue>{r.indicator(), r.year()};
                  }),
      alerts_("alerts", kAlertEvent,
              {"enterprise_id", "rule", "alert_state", "dedup_key", "create_us"},
              [](const v1::Alert& a) {
                return std::vector<SqlValue>{a.enterprise_id(), a.rule(), a.state(),
                                             AlertDedupKey(a), TimestampMicros(a.create_time())};
              }) {}

absl::Status EnterpriseStore::Migrate(db::Database& db) {
  RETURN_IF_ERROR(db::ApplyCommonSchema(db));
  return db::ApplyMigrations(db, "enterprise", kMigrations);
}

// ---------------------------------------------------------------------------------------------
// Enterprises

absl::Status EnterpriseStore::SaveTitles(Transaction& tx, const v1::Enterprise& e) {
  RETURN_IF_ERROR(tx.Execute("DELETE FROM enterprise_titles WHERE enterprise_id = ?", {e.id()}));
  for (const v1::Title& t : e.titles()) {
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO enterprise_titles(enterprise_id, kind, grant_date, expiry_date) "
                   "VALUES(?, ?, ?, ?)",
                   {e.id(), t.kind(), FormatDate(t.grant_date()),
                    IsSet(t.expiry_date()) ? FormatDate(t.expiry_date()) : std::string()}));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::Enterprise>> EnterpriseStore::FindByUscc(Transaction& tx,
                                                                          const std::string& uscc) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM enterprises WHERE uscc = ?", {uscc}));
  if (!row) return std::optional<v1::Enterprise>();
  return enterprises_.Find(tx, row->Text(0));
}

void EnterpriseStore::AfterEnterpriseWrite(const v1::Enterprise& e, int64_t revision) {
  if (directory_hook_) directory_hook_(e, revision);
}

void EnterpriseStore::CreateEnterprise(v1::CreateEnterpriseRequest request, std::string principal,
                                       db::RequestKey request_key, Done<v1::Enterprise> done) {
  v1::Enterprise e = request.enterprise();
  ApplyCreateDefaults(&e);
  e.set_id(NewId("ent"));
  const auto now = ToTimestamp(clock_());
  *e.mutable_create_time() = now;
  *e.mutable_update_time() = now;
  e.clear_etag();
  auto revision = std::make_shared<int64_t>(0);
  db::WriteWithResult<v1::Enterprise>(
      *db_,
      [this, e = std::move(e), request = std::move(request), principal = std::move(principal),
       request_key = std::move(request_key),
       revision](Transaction& tx) -> absl::StatusOr<v1::Enterprise> {
        return db::CreateOnce<v1::Enterprise>(
            tx, "CreateEnterprise", request_key,
            [&](Transaction& tx, const std::string& id) { return enterprises_.Get(tx, id); },
            [&](Transaction& tx) -> absl::StatusOr<v1::Enterprise> {
              ASSIGN_OR_RETURN(auto same, FindByUscc(tx, e.uscc()));
              if (same) {
                return AlreadyExists(
                    "USCC_ALREADY_REGISTERED",
                    absl::StrCat("enterprise.uscc '", e.uscc(), "' is already registered as ",
                                 same->id(), " (", same->name(), ")"));
              }
              ASSIGN_OR_RETURN(v1::Enterprise stored, enterprises_.Insert(tx, e));
              RETURN_IF_ERROR(SaveTitles(tx, stored));
              if (request.has_uscc_check_override()) {
                // The audit record of an accepted code that fails the check character.
                RETURN_IF_ERROR(
                    db::AppendEvent(tx, "uscc_check_override", stored.id(), db::EventKind::kCreated,
                                    absl::StrCat(stored.uscc(), "\n", principal, "\n",
                                                 request.uscc_check_override().approved_by(), "\n",
                                                 request.uscc_check_override().reason()))
                        .status());
                LogEvent("uscc_check_override", "warn")
                    .Str("enterprise_id", stored.id())
                    .Str("uscc", stored.uscc())
                    .Str("principal", principal)
                    .Str("approved_by", request.uscc_check_override().approved_by())
                    .Str("reason", request.uscc_check_override().reason())
                    .Emit();
              }
              ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
              return stored;
            });
      },
      [this, revision, done = std::move(done)](absl::StatusOr<v1::Enterprise> result) {
        if (result.ok() && *revision > 0) AfterEnterpriseWrite(*result, *revision);
        done(std::move(result));
      });
}

absl::StatusOr<v1::Enterprise> EnterpriseStore::GetEnterprise(const std::string& id,
                                                              int64_t* revision) {
  return db::ReadById(*db_, enterprises_, id, revision);
}

absl::StatusOr<v1::Enterprise> EnterpriseStore::GetEnterpriseByUscc(const std::string& uscc,
                                                                    int64_t* revision) {
  std::optional<v1::Enterprise> e;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(e, FindByUscc(tx, uscc));
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  if (!e) return NotFoundError("enterprise with USCC", uscc);
  return *std::move(e);
}

absl::StatusOr<db::ResourcePage<v1::Enterprise>> EnterpriseStore::ListEnterprises(
    const EnterpriseFilter& f, const Page& page, int64_t* revision) {
  std::string where;
  std::vector<SqlValue> params;
  if (f.chain != common::v1::INDUSTRY_CHAIN_UNSPECIFIED)
    AddFilter(&where, &params, "chain = ?", {f.chain});
  if (f.above_scale) AddFilter(&where, &params, "above_scale = ?", {*f.above_scale});
  if (f.key_enterprise) AddFilter(&where, &params, "key_enterprise = ?", {*f.key_enterprise});
  if (f.status != v1::ENTERPRISE_STATUS_UNSPECIFIED)
    AddFilter(&where, &params, "status = ?", {f.status});
  if (f.title != v1::TITLE_KIND_UNSPECIFIED) {
    const std::string today = FormatDate(FromCivilDay(f.today));
    AddFilter(&where, &params,
              "id IN (SELECT enterprise_id FROM enterprise_titles WHERE kind = ? AND "
              "grant_date <= ? AND (expiry_date = '' OR expiry_date > ?))",
              {f.title, today, today});
  }
  db::ResourcePage<v1::Enterprise> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, enterprises_.List(tx, where, params, page.after_key, page.size));
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  return result;
}

void EnterpriseStore::UpdateEnterprise(v1::UpdateEnterpriseRequest request,
                                       Done<v1::Enterprise> done) {
  auto revision = std::make_shared<int64_t>(0);
  db::WriteWithResult<v1::Enterprise>(
      *db_,
      [this, request = std::move(request),
       revision](Transaction& tx) -> absl::StatusOr<v1::Enterprise> {
        ASSIGN_OR_RETURN(
            v1::Enterprise stored,
            enterprises_.GetForUpdate(tx, request.enterprise().id(), request.enterprise().etag()));
        const absl::Time now = clock_();
        ASSIGN_OR_RETURN(v1::Enterprise merged,
                         ApplyEnterpriseUpdate(stored, request.enterprise(), request.update_mask(),
                                               TodayInZone(now)));
        *merged.mutable_update_time() = ToTimestamp(now);
        ASSIGN_OR_RETURN(v1::Enterprise updated, enterprises_.Update(tx, std::move(merged), ""));
        RETURN_IF_ERROR(SaveTitles(tx, updated));
        ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
        return updated;
      },
      [this, revision, done = std::move(done)](absl::StatusOr<v1::Enterprise> result) {
        if (result.ok()) AfterEnterpriseWrite(*result, *revision);
        done(std::move(result));
      });
}

absl::StatusOr<std::vector<v1::Enterprise>> EnterpriseStore::AllEnterprises(int64_t* revision) {
  std::vector<v1::Enterprise> all;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(all, enterprises_.All(tx, "", {}));
    ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    return absl::OkStatus();
  }));
  return all;
}

// ---------------------------------------------------------------------------------------------
// Monthly reports

absl::StatusOr<v1::MonthlyReport> EnterpriseStore::ReportById(Transaction& tx,
                                                              const std::string& id) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT state FROM monthly_reports WHERE id = ?", {id}));
  if (!row) return NotFoundError("monthly report", id);
  return DecodeReport(row->Blob(0));
}

absl::StatusOr<EnterpriseStore::FileOutcome> EnterpriseStore::FileReportTx(Transaction& tx,
                                                                           const v1::Enterprise& e,
                                                                           v1::MonthlyReport report,
                                                                           absl::Time now,
                                                                           bool check_late_alert) {
  absl::CivilMonth period;
  if (!ParsePeriod(report.period(), &period))
    return InvalidField("report.period", "must be YYYY-MM");
  report.set_enterprise_id(e.id());
  const std::string content = ContentOf(report);
  // One read for both the current revision of this period and the months the alert rules
  // compare it with (the same month a year before and a year after).
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT period, revision, report_id, content, output_units, "
               "output_nanos FROM report_figures WHERE enterprise_id = ? AND "
               "period IN (?, ?, ?)",
               {e.id(), FormatPeriod(period - 12), report.period(), FormatPeriod(period + 12)}));
  const Row* current = nullptr;
  ReportSeries series;
  for (const Row& row : rows) {
    absl::CivilMonth p;
    if (!ParsePeriod(row.Text(0), &p)) continue;
    if (p == period) {
      current = &row;
      continue;
    }
    v1::MonthlyReport r;
    r.set_period(row.Text(0));
    *r.mutable_output_value() = FromNanos(SumColumns(row, 4, 5));
    series[p] = std::move(r);
  }
  if (current != nullptr && current->Blob(3) == content) {
    return FileOutcome{false, current->Text(2)};
  }

  const int revision = current ? static_cast<int>(current->Int(1)) + 1 : 1;
  report.set_id(NewId("report"));
  report.set_revision(revision);
  *report.mutable_submit_time() = ToTimestamp(now);
  *report.mutable_output_value() = FromNanos(ToNanos(report.output_value()));
  *report.mutable_revenue() = FromNanos(ToNanos(report.revenue()));
  *report.mutable_taxes() = FromNanos(ToNanos(report.taxes()));
  *report.mutable_export_value() = FromNanos(ToNanos(report.export_value()));
  const std::string bytes = report.SerializeAsString();
  if (current) {
    RETURN_IF_ERROR(
        tx.Execute("UPDATE monthly_reports SET current = 0 WHERE id = ?", {current->Text(2)}));
  }
  RETURN_IF_ERROR(
      tx.Execute("INSERT INTO monthly_reports(id, enterprise_id, period, revision, current, state) "
                 "VALUES(?, ?, ?, ?, 1, ?)",
                 {report.id(), e.id(), report.period(), revision, SqlValue::Blob(bytes)}));
  RETURN_IF_ERROR(tx.Execute(
      "INSERT INTO report_figures(enterprise_id, period, month_index, report_id, "
      "revision, output_units, output_nanos, revenue_units, revenue_nanos, content) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(enterprise_id, period) DO UPDATE SET month_index = excluded.month_index, "
      "report_id = excluded.report_id, revision = excluded.revision, "
      "output_units = excluded.output_units, output_nanos = excluded.output_nanos, "
      "revenue_units = excluded.revenue_units, revenue_nanos = excluded.revenue_nanos, "
      "content = excluded.content",
      {e.id(), report.period(), MonthIndex(period), report.id(), revision,
       report.output_value().units(), report.output_value().nanos(), report.revenue().units(),
       report.revenue().nanos(), SqlValue::Blob(content)}));
  RETURN_IF_ERROR(db::AppendEvent(tx, kMonthlyReportEvent, report.id(),
                                  current ? db::EventKind::kUpdated : db::EventKind::kCreated,
                                  bytes)
                      .status());
  if (tx.audited()) {
    // Each filed revision is a report of its own; etags are the period's revision numbers.
    db::AuditChange change;
    change.resource = absl::StrCat("monthly_reports/", report.id());
    change.after = &report;
    change.etag_before = current ? absl::StrCat(current->Int(1)) : "";
    change.etag_after = absl::StrCat(revision);
    RETURN_IF_ERROR(tx.RecordChange(change));
  }
  v1::MonthlyReport filed;
  filed.set_period(report.period());
  *filed.mutable_output_value() = report.output_value();
  series[period] = std::move(filed);
  RETURN_IF_ERROR(EvaluateAlertsTx(tx, e, series, period, now, check_late_alert));
  return FileOutcome{true, report.id()};
}

absl::StatusOr<bool> EnterpriseStore::OpenAlertTx(Transaction& tx, v1::Alert alert,
                                                  absl::Time now) {
  ASSIGN_OR_RETURN(auto existing, tx.QueryOne("SELECT id FROM alerts WHERE dedup_key = ?",
                                              {AlertDedupKey(alert)}));
  if (existing) return false;  // one alert per (enterprise, rule, period), whatever its state
  alert.set_id(NewId("alert"));
  *alert.mutable_create_time() = ToTimestamp(now);
  RETURN_IF_ERROR(alerts_.Insert(tx, std::move(alert)).status());
  return true;
}

absl::StatusOr<bool> EnterpriseStore::AnyOpenNotReportedTx(Transaction& tx) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT 1 FROM alerts WHERE rule = ? AND alert_state != ? "
                                         "LIMIT 1",
                                         {static_cast<int>(v1::ALERT_RULE_NOT_REPORTED),
                                          static_cast<int>(v1::ALERT_STATE_RESOLVED)}));
  return row.has_value();
}

absl::Status EnterpriseStore::EvaluateAlertsTx(Transaction& tx, const v1::Enterprise& e,
                                               const ReportSeries& series, absl::CivilMonth period,
                                               absl::Time now, bool check_late_alert) {
  const absl::CivilDay today = TodayInZone(now);
  for (absl::CivilMonth p : {period, period + 12}) {
    if (!series.count(p)) continue;
    for (v1::Alert& a : EvaluateAlerts(e, series, p, today, thresholds_)) {
      // The rule watches key enterprises' output (重点企业); zero output and missing
      // reports are raised for every enterprise that reports.
      if (a.rule() == v1::ALERT_RULE_OUTPUT_DROP && !e.key_enterprise()) continue;
      RETURN_IF_ERROR(OpenAlertTx(tx, std::move(a), now).status());
    }
  }
  if (!check_late_alert) return absl::OkStatus();
  // A late report settles the NOT_REPORTED alert of its period.
  ASSIGN_OR_RETURN(
      auto late,
      tx.QueryOne("SELECT state, version FROM alerts WHERE dedup_key = ? AND "
                  "alert_state != ?",
                  {AlertDedupKey(e.id(), v1::ALERT_RULE_NOT_REPORTED, FormatPeriod(period)),
                   static_cast<int>(v1::ALERT_STATE_RESOLVED)}));
  if (late) {
    ASSIGN_OR_RETURN(v1::Alert alert, DecodeAlert(*late));
    alert.set_state(v1::ALERT_STATE_RESOLVED);
    *alert.mutable_resolve_time() = ToTimestamp(now);
    alert.set_resolved_by("system");
    alert.set_resolution_note("the report was filed");
    RETURN_IF_ERROR(alerts_.Update(tx, std::move(alert), "").status());
  }
  return absl::OkStatus();
}

void EnterpriseStore::SubmitReport(v1::MonthlyReport report, db::RequestKey request_key,
                                   Done<v1::MonthlyReport> done) {
  db::WriteWithResult<v1::MonthlyReport>(
      *db_,
      [this, report = std::move(report),
       request_key = std::move(request_key)](Transaction& tx) -> absl::StatusOr<v1::MonthlyReport> {
        return db::CreateOnce<v1::MonthlyReport>(
            tx, "SubmitMonthlyReport", request_key,
            [&](Transaction& tx, const std::string& id) { return ReportById(tx, id); },
            [&](Transaction& tx) -> absl::StatusOr<v1::MonthlyReport> {
              ASSIGN_OR_RETURN(auto e, enterprises_.Find(tx, report.enterprise_id()));
              if (!e) {
                return MakeError(absl::StatusCode::kNotFound, "ENTERPRISE_NOT_FOUND",
                                 absl::StrCat("report.enterprise_id: enterprise '",
                                              report.enterprise_id(), "' not found"));
              }
              ASSIGN_OR_RETURN(FileOutcome outcome, FileReportTx(tx, *e, report, clock_(), true));
              return ReportById(tx, outcome.report_id);
            });
      },
      std::move(done));
}

void EnterpriseStore::ImportBatch(std::vector<ImportRow> rows, bool validate_only,
                                  Done<ImportBatchResult> done) {
  auto work = [this, rows = std::move(rows),
               validate_only](Transaction& tx) -> absl::StatusOr<ImportBatchResult> {
    ImportBatchResult result;
    absl::flat_hash_map<std::string, std::optional<v1::Enterprise>> by_key;
    const absl::Time now = clock_();
    // Settling late NOT_REPORTED alerts costs a lookup per row; skip it when none is open.
    bool check_late = false;
    if (!validate_only) {
      ASSIGN_OR_RETURN(check_late, AnyOpenNotReportedTx(tx));
    }
    for (const ImportRow& row : rows) {
      const bool by_id = !row.report.enterprise_id().empty();
      const std::string key = by_id ? row.report.enterprise_id() : "uscc:" + row.uscc;
      auto it = by_key.find(key);
      if (it == by_key.end()) {
        std::optional<v1::Enterprise> e;
        if (by_id) {
          ASSIGN_OR_RETURN(e, enterprises_.Find(tx, row.report.enterprise_id()));
        } else {
          ASSIGN_OR_RETURN(e, FindByUscc(tx, row.uscc));
        }
        it = by_key.emplace(key, std::move(e)).first;
      }
      if (!it->second) {
        result.errors.push_back(RowError(
            row.row_number, by_id ? "report.enterprise_id" : "enterprise_uscc",
            "ENTERPRISE_NOT_FOUND",
            absl::StrCat("no enterprise ", by_id ? row.report.enterprise_id() : row.uscc)));
        continue;
      }
      if (validate_only) {
        ++result.accepted;
        continue;
      }
      ASSIGN_OR_RETURN(FileOutcome outcome,
                       FileReportTx(tx, *it->second, row.report, now, check_late));
      ++result.accepted;
      if (!outcome.changed) ++result.unchanged;
    }
    return result;
  };
  if (validate_only) {
    absl::StatusOr<ImportBatchResult> result = absl::UnknownError("read did not run");
    absl::Status s = db_->Read([&](Transaction& tx) -> absl::Status {
      result = work(tx);
      return result.status();
    });
    done(s.ok() ? std::move(result) : absl::StatusOr<ImportBatchResult>(s));
    return;
  }
  db::WriteWithResult<ImportBatchResult>(*db_, std::move(work), std::move(done));
}

absl::StatusOr<db::ResourcePage<v1::MonthlyReport>> EnterpriseStore::ListReports(
    const ReportFilter& f, const Page& page, int64_t* revision) {
  std::string where;
  std::vector<SqlValue> params;
  if (!f.include_superseded) AddFilter(&where, &params, "current = 1", {});
  if (!f.enterprise_id.empty()) AddFilter(&where, &params, "enterprise_id = ?", {f.enterprise_id});
  if (!f.start_period.empty()) AddFilter(&where, &params, "period >= ?", {f.start_period});
  if (!f.end_period.empty()) AddFilter(&where, &params, "period <= ?", {f.end_period});
  // Keyset over (period DESC, enterprise_id ASC, revision DESC): key "period|enterprise|revision".
  if (!page.after_key.empty()) {
    std::vector<std::string> k = absl::StrSplit(page.after_key, '|');
    int64_t rev = 0;
    if (k.size() != 3 || !absl::SimpleAtoi(k[2], &rev)) {
      return InvalidField("page_token", "is not a token this server issued");
    }
    AddFilter(&where, &params,
              "(period < ? OR (period = ? AND enterprise_id > ?) OR "
              "(period = ? AND enterprise_id = ? AND revision < ?))",
              {k[0], k[0], k[1], k[0], k[1], rev});
  }
  const std::string sql =
      absl::StrCat("SELECT state FROM monthly_reports", where.empty() ? "" : " WHERE ", where,
                   " ORDER BY period DESC, enterprise_id ASC, revision DESC LIMIT ?");
  params.push_back(page.size + 1);
  db::ResourcePage<v1::MonthlyReport> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < page.size; ++i) {
      ASSIGN_OR_RETURN(v1::MonthlyReport r, DecodeReport(rows[i].Blob(0)));
      result.items.push_back(std::move(r));
    }
    if (static_cast<int>(rows.size()) > page.size) {
      const v1::MonthlyReport& last = result.items.back();
      result.next_after_key =
          absl::StrCat(last.period(), "|", last.enterprise_id(), "|", last.revision());
    }
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<std::vector<v1::MonthlyReport>> EnterpriseStore::CurrentReports(
    const std::string& enterprise_id, const std::string& first, const std::string& last) {
  std::vector<v1::MonthlyReport> out;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(enterprises_.Get(tx, enterprise_id).status());
    ASSIGN_OR_RETURN(std::vector<Row> rows,
                     tx.Query("SELECT state FROM monthly_reports WHERE enterprise_id = ? AND "
                              "current = 1 AND period >= ? AND period <= ? ORDER BY period",
                              {enterprise_id, first, last}));
    for (const Row& row : rows) {
      ASSIGN_OR_RETURN(v1::MonthlyReport r, DecodeReport(row.Blob(0)));
      out.push_back(std::move(r));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<EnterpriseOutput>> EnterpriseStore::LoadStructureInputs(
    int year, int through_month, int64_t* revision) {
  const int prev_first = MonthIndex(absl::CivilMonth(year - 1, 1));
  const int prev_last = MonthIndex(absl::CivilMonth(year - 1, through_month));
  const int cur_first = MonthIndex(absl::CivilMonth(year, 1));
  const int cur_last = MonthIndex(absl::CivilMonth(year, through_month));
  std::vector<EnterpriseOutput> out;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Row> ents,
                     tx.Query("SELECT id, chain FROM enterprises WHERE above_scale = 1 AND "
                              "above_scale_year <= ? ORDER BY id",
                              {year}));
    absl::flat_hash_map<std::string, size_t> index;
    out.reserve(ents.size());
    for (const Row& row : ents) {
      EnterpriseOutput o;
      o.enterprise_id = row.Text(0);
      o.chain = static_cast<common::v1::IndustryChain>(row.Int(1));
      o.above_scale = true;
      index[o.enterprise_id] = out.size();
      out.push_back(std::move(o));
    }
    ASSIGN_OR_RETURN(std::vector<Row> sums,
                     // One contiguous range scan of the covering index (an OR of two ranges makes
                     // SQLite merge two scans, several times slower); months of the previous year
                     // after through_month fall in neither CASE.
                     tx.Query("SELECT enterprise_id,"
                              " SUM(CASE WHEN month_index >= ?1 THEN output_units ELSE 0 END),"
                              " SUM(CASE WHEN month_index >= ?1 THEN output_nanos ELSE 0 END),"
                              " SUM(CASE WHEN month_index <= ?3 THEN output_units ELSE 0 END),"
                              " SUM(CASE WHEN month_index <= ?3 THEN output_nanos ELSE 0 END)"
                              " FROM report_figures WHERE month_index BETWEEN ?2 AND ?4"
                              " GROUP BY enterprise_id",
                              {cur_first, prev_first, prev_last, cur_last}));
    for (const Row& row : sums) {
      auto it = index.find(row.Text(0));
      if (it == index.end()) continue;
      out[it->second].output = SumColumns(row, 1, 2);
      out[it->second].previous_year_output = SumColumns(row, 3, 4);
    }
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<CultivationInput>> EnterpriseStore::LoadCultivationInputs(
    common::v1::IndustryChain chain, absl::CivilMonth last_period, int64_t* revision) {
  const int last = MonthIndex(last_period);
  std::vector<CultivationInput> out;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    std::string where;
    std::vector<SqlValue> params;
    if (chain != common::v1::INDUSTRY_CHAIN_UNSPECIFIED)
      AddFilter(&where, &params, "chain = ?", {chain});
    ASSIGN_OR_RETURN(std::vector<v1::Enterprise> ents, enterprises_.All(tx, where, params));
    absl::flat_hash_map<std::string, size_t> index;
    for (auto& e : ents) {
      CultivationInput in;
      index[e.id()] = out.size();
      in.enterprise = std::move(e);
      out.push_back(std::move(in));
    }
    ASSIGN_OR_RETURN(
        std::vector<Row> sums,
        tx.Query("SELECT enterprise_id,"
                 " SUM(CASE WHEN month_index > ?1 THEN revenue_units ELSE 0 END),"
                 " SUM(CASE WHEN month_index > ?1 THEN revenue_nanos ELSE 0 END),"
                 " SUM(CASE WHEN month_index > ?1 THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN month_index <= ?1 THEN revenue_units ELSE 0 END),"
                 " SUM(CASE WHEN month_index <= ?1 THEN revenue_nanos ELSE 0 END),"
                 " SUM(CASE WHEN month_index <= ?1 THEN 1 ELSE 0 END)"
                 " FROM report_figures WHERE month_index BETWEEN ?2 AND ?3 GROUP BY enterprise_id",
                 {last - 12, last - 23, last}));
    for (const Row& row : sums) {
      auto it = index.find(row.Text(0));
      if (it == index.end()) continue;
      CultivationInput& in = out[it->second];
      in.last_12_month_revenue = SumColumns(row, 1, 2);
      in.last_12_months_reported = static_cast<int>(row.Int(3));
      in.previous_12_month_revenue = SumColumns(row, 4, 5);
      in.previous_12_months_reported = static_cast<int>(row.Int(6));
    }
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Zone indicators

void EnterpriseStore::RecordIndicator(v1::IndicatorRecord record, db::RequestKey request_key,
                                      Done<v1::IndicatorRecord> done) {
  db::WriteWithResult<v1::IndicatorRecord>(
      *db_,
      [this, record = std::move(record), request_key = std::move(request_key)](
          Transaction& tx) -> absl::StatusOr<v1::IndicatorRecord> {
        return db::CreateOnce<v1::IndicatorRecord>(
            tx, "RecordIndicator", request_key,
            [&](Transaction& tx, const std::string& id) { return indicators_.Get(tx, id); },
            [&](Transaction& tx) -> absl::StatusOr<v1::IndicatorRecord> {
              v1::IndicatorRecord r = record;
              *r.mutable_value() = FromNanos(ToNanos(r.value()));
              if (r.has_target()) *r.mutable_target() = FromNanos(ToNanos(r.target()));
              *r.mutable_update_time() = ToTimestamp(clock_());
              ASSIGN_OR_RETURN(auto row,
                               tx.QueryOne("SELECT id FROM indicators WHERE indicator = ? AND "
                                           "year = ?",
                                           {r.indicator(), r.year()}));
              v1::IndicatorRecord stored;
              if (row) {
                ASSIGN_OR_RETURN(v1::IndicatorRecord old, indicators_.Get(tx, row->Text(0)));
                if (!record.etag().empty() && record.etag() != old.etag())
                  return EtagMismatch("indicator");
                r.set_id(old.id());
                r.set_etag(old.etag());
                ASSIGN_OR_RETURN(stored, indicators_.Update(tx, std::move(r), ""));
              } else {
                if (!record.etag().empty()) return EtagMismatch("indicator");
                r.set_id(NewId("ind"));
                ASSIGN_OR_RETURN(stored, indicators_.Insert(tx, std::move(r)));
              }
              return stored;
            });
      },
      std::move(done));
}

absl::StatusOr<std::vector<v1::IndicatorRecord>> EnterpriseStore::IndicatorsOf(int year) {
  std::vector<v1::IndicatorRecord> out;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, indicators_.All(tx, "year IN (?, ?)", {year - 1, year}));
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Alerts

absl::StatusOr<v1::Alert> EnterpriseStore::GetAlert(const std::string& id, int64_t* revision) {
  return db::ReadById(*db_, alerts_, id, revision);
}

absl::StatusOr<db::ResourcePage<v1::Alert>> EnterpriseStore::ListAlerts(const AlertFilter& f,
                                                                        const Page& page,
                                                                        int64_t* revision) {
  std::string where;
  std::vector<SqlValue> params;
  if (f.state != v1::ALERT_STATE_UNSPECIFIED)
    AddFilter(&where, &params, "alert_state = ?", {f.state});
  if (f.rule != v1::ALERT_RULE_UNSPECIFIED) AddFilter(&where, &params, "rule = ?", {f.rule});
  if (!f.enterprise_id.empty()) AddFilter(&where, &params, "enterprise_id = ?", {f.enterprise_id});
  // Newest first: keyset over (create_us DESC, id ASC), key "create_us|id".
  if (!page.after_key.empty()) {
    std::vector<std::string> k = absl::StrSplit(page.after_key, '|');
    int64_t us = 0;
    if (k.size() != 2 || !absl::SimpleAtoi(k[0], &us)) {
      return InvalidField("page_token", "is not a token this server issued");
    }
    AddFilter(&where, &params, "(create_us < ? OR (create_us = ? AND id > ?))", {us, us, k[1]});
  }
  const std::string sql =
      absl::StrCat("SELECT state, version, create_us FROM alerts", where.empty() ? "" : " WHERE ",
                   where, " ORDER BY create_us DESC, id ASC LIMIT ?");
  params.push_back(page.size + 1);
  db::ResourcePage<v1::Alert> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < page.size; ++i) {
      ASSIGN_OR_RETURN(v1::Alert a, DecodeAlert(rows[i]));
      result.items.push_back(std::move(a));
    }
    if (static_cast<int>(rows.size()) > page.size) {
      result.next_after_key =
          absl::StrCat(rows[page.size - 1].Int(2), "|", result.items.back().id());
    }
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  return result;
}

void EnterpriseStore::ChangeAlert(std::string id, std::string etag,
                                  std::function<absl::Status(v1::Alert&)> change,
                                  Done<v1::Alert> done) {
  db::WriteWithResult<v1::Alert>(
      *db_,
      [this, id = std::move(id), etag = std::move(etag),
       change = std::move(change)](Transaction& tx) -> absl::StatusOr<v1::Alert> {
        ASSIGN_OR_RETURN(v1::Alert alert, alerts_.GetForUpdate(tx, id, etag));
        RETURN_IF_ERROR(change(alert));
        return alerts_.Update(tx, std::move(alert), "");
      },
      std::move(done));
}

void EnterpriseStore::AcknowledgeAlert(v1::AcknowledgeAlertRequest request, Done<v1::Alert> done) {
  ChangeAlert(
      request.id(), request.etag(),
      [this, by = request.acknowledged_by()](v1::Alert& a) -> absl::Status {
        if (a.state() != v1::ALERT_STATE_OPEN) {
          return FailedPrecondition("ALERT_NOT_OPEN",
                                    absl::StrCat("the alert is ", v1::AlertState_Name(a.state()),
                                                 "; only an OPEN alert can be acknowledged"));
        }
        a.set_state(v1::ALERT_STATE_ACKNOWLEDGED);
        a.set_acknowledged_by(by);
        *a.mutable_acknowledge_time() = ToTimestamp(clock_());
        return absl::OkStatus();
      },
      std::move(done));
}

void EnterpriseStore::ResolveAlert(v1::ResolveAlertRequest request, Done<v1::Alert> done) {
  ChangeAlert(
      request.id(), request.etag(),
      [this, by = request.resolved_by(),
       note = request.resolution_note()](v1::Alert& a) -> absl::Status {
        if (a.state() == v1::ALERT_STATE_RESOLVED) {
          return FailedPrecondition("ALERT_ALREADY_RESOLVED", "the alert is already resolved");
        }
        a.set_state(v1::ALERT_STATE_RESOLVED);
        a.set_resolved_by(by);
        a.set_resolution_note(note);
        *a.mutable_resolve_time() = ToTimestamp(clock_());
        return absl::OkStatus();
      },
      std::move(done));
}

void EnterpriseStore::SweepNotReported(int lookback_months, Done<int> done) {
  db::WriteWithResult<int>(
      *db_,
      [this, lookback_months](Transaction& tx) -> absl::StatusOr<int> {
        const absl::Time now = clock_();
        const absl::CivilDay today = TodayInZone(now);
        const absl::CivilMonth latest = LatestDuePeriod(today, thresholds_);
        const absl::CivilMonth earliest = latest - (std::max(1, lookback_months) - 1);
        ASSIGN_OR_RETURN(std::vector<v1::Enterprise> ents,
                         enterprises_.All(tx, "above_scale = 1 OR key_enterprise = 1", {}));
        // Reported periods in the window, and each enterprise's first report ever.
        ASSIGN_OR_RETURN(std::vector<Row> rows,
                         tx.Query("SELECT enterprise_id, period FROM report_figures "
                                  "WHERE month_index BETWEEN ? AND ?",
                                  {MonthIndex(earliest), MonthIndex(latest)}));
        absl::flat_hash_map<std::string, ReportSeries> series;
        for (const Row& row : rows) {
          absl::CivilMonth p;
          if (!ParsePeriod(row.Text(1), &p)) continue;
          series[row.Text(0)][p].set_period(row.Text(1));
        }
        ASSIGN_OR_RETURN(std::vector<Row> firsts,
                         tx.Query("SELECT enterprise_id, MIN(month_index) FROM report_figures "
                                  "GROUP BY enterprise_id"));
        absl::flat_hash_map<std::string, int64_t> first_report;
        for (const Row& row : firsts) first_report[row.Text(0)] = row.Int(1);
        int opened = 0;
        for (const v1::Enterprise& e : ents) {
          // Expected from the month it was registered, or its first report if earlier.
          int64_t start = MonthIndex(
              absl::CivilMonth(TodayInZone(absl::FromUnixSeconds(e.create_time().seconds()))));
          if (auto it = first_report.find(e.id()); it != first_report.end()) {
            start = std::min(start, it->second);
          }
          const ReportSeries& s = series[e.id()];
          for (absl::CivilMonth p = earliest; p <= latest; ++p) {
            if (MonthIndex(p) < start) continue;
            for (v1::Alert& a : EvaluateAlerts(e, s, p, today, thresholds_)) {
              if (a.rule() != v1::ALERT_RULE_NOT_REPORTED) continue;
              ASSIGN_OR_RETURN(bool added, OpenAlertTx(tx, std::move(a), now));
              if (added) ++opened;
            }
          }
        }
        return opened;
      },
      std::move(done));
}

absl::StatusOr<int64_t> EnterpriseStore::CurrentRevision() {
  int64_t revision = 0;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(revision, db::CurrentRevision(tx));
    return absl::OkStatus();
  }));
  return revision;
}

}  // namespace gaoxin::enterprise
