// Where enterprises, monthly reports, zone indicators and alerts are kept. Writes are
// asynchronous (group-committed, see common/db/database.h) and run the domain rules inside the
// write transaction (USCC uniqueness, report revisions, alert rules), so each rule sees the data
// exactly as stored; reads are synchronous snapshots.
//
// Monthly reports are kept twice: every revision as a blob in monthly_reports (history), and the
// current revision's figures as integer columns in report_figures, one row per (enterprise,
// period), so that summaries over thousands of enterprises and years are SQL sums, not blob
// decodes.
//
//   EnterpriseStore store(db, clock, thresholds);
//   store.SubmitReport(report, request_id, done);              // revision 1, or n+1 on resubmit
//   ASSIGN_OR_RETURN(auto rows, store.LoadStructureInputs(2023, 12));
#ifndef GAOXIN_SERVICES_ENTERPRISE_ENTERPRISE_STORE_H_
#define GAOXIN_SERVICES_ENTERPRISE_ENTERPRISE_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/common_tables.h"
#include "common/db/database.h"
#include "common/db/resource_table.h"
#include "common/pagination.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"
#include "services/enterprise/domain/alert_rules.h"
#include "services/enterprise/domain/cultivation.h"
#include "services/enterprise/domain/industry_structure.h"
#include "services/enterprise/domain/report_series.h"

namespace gaoxin::enterprise {

template <typename T>
using Done = std::function<void(absl::StatusOr<T>)>;

// The resource_type of this store's change events (the state is the serialized resource):
// enterprises, alerts, zone indicators, and every filed monthly report revision (whose figures
// the industry structure sums).
inline constexpr char kEnterpriseEvent[] = "enterprise";
inline constexpr char kAlertEvent[] = "alert";
inline constexpr char kIndicatorEvent[] = "indicator";
inline constexpr char kMonthlyReportEvent[] = "monthly_report";

struct EnterpriseFilter {
  common::v1::IndustryChain chain = common::v1::INDUSTRY_CHAIN_UNSPECIFIED;
  v1::TitleKind title = v1::TITLE_KIND_UNSPECIFIED;  // held on `today`
  std::optional<bool> above_scale;
  std::optional<bool> key_enterprise;
  v1::EnterpriseStatus status = v1::ENTERPRISE_STATUS_UNSPECIFIED;
  absl::CivilDay today;
};

struct ReportFilter {
  std::string enterprise_id;
  std::string start_period;  // "" = unbounded
  std::string end_period;
  bool include_superseded = false;
};

struct AlertFilter {
  v1::AlertState state = v1::ALERT_STATE_UNSPECIFIED;
  v1::AlertRule rule = v1::ALERT_RULE_UNSPECIFIED;
  std::string enterprise_id;
};

// One validated import row: the report (enterprise_id may be empty when `uscc` names it).
struct ImportRow {
  int row_number = 0;
  std::string uscc;
  v1::MonthlyReport report;
};

// What a batch of import rows did.
struct ImportBatchResult {
  int accepted = 0;   // filed, or identical to the current revision (nothing changed)
  int unchanged = 0;  // of those, identical to the current revision
  std::vector<v1::ImportRowError> errors;
};

// Who gets a directory entry after a change.
using DirectoryHook = std::function<void(const v1::Enterprise&, int64_t revision)>;

class EnterpriseStore {
 public:
  using Clock = std::function<absl::Time()>;

  EnterpriseStore(db::Database* db, Clock clock, AlertThresholds thresholds);
  static absl::Status Migrate(db::Database& db);

  // Called (on the writer thread, after the commit) with every created or updated enterprise.
  // Must not block: queue the work.
  void SetDirectoryHook(DirectoryHook hook) { directory_hook_ = std::move(hook); }

  // `request` passed ValidateNewEnterprise. ALREADY_EXISTS when the USCC is registered.
  void CreateEnterprise(v1::CreateEnterpriseRequest request, std::string principal,
                        db::RequestKey request_key, Done<v1::Enterprise> done);
  // `revision`, when given, gets the store revision of the same snapshot.
  absl::StatusOr<v1::Enterprise> GetEnterprise(const std::string& id, int64_t* revision = nullptr);
  absl::StatusOr<v1::Enterprise> GetEnterpriseByUscc(const std::string& uscc,
                                                     int64_t* revision = nullptr);
  // Each read below that takes `revision` also sets it (when not null) to the store revision the
  // result reflects, read in the same snapshot: a Watch from there misses nothing.
  absl::StatusOr<db::ResourcePage<v1::Enterprise>> ListEnterprises(const EnterpriseFilter& filter,
                                                                   const Page& page,
                                                                   int64_t* revision = nullptr);
  void UpdateEnterprise(v1::UpdateEnterpriseRequest request, Done<v1::Enterprise> done);
  // Every enterprise (start-up republish of the directory) with the current revision.
  absl::StatusOr<std::vector<v1::Enterprise>> AllEnterprises(int64_t* revision);

  // `report` passed ValidateMonthlyReport. An identical resubmission returns the current revision
  // unchanged; a different one becomes revision n+1 and keeps the earlier ones.
  void SubmitReport(v1::MonthlyReport report, db::RequestKey request_key,
                    Done<v1::MonthlyReport> done);
  // Files validated rows as one unit of work; a bad row (unknown enterprise) is reported, the
  // others are filed. Nothing is written when `validate_only`.
  void ImportBatch(std::vector<ImportRow> rows, bool validate_only, Done<ImportBatchResult> done);
  absl::StatusOr<db::ResourcePage<v1::MonthlyReport>> ListReports(const ReportFilter& filter,
                                                                  const Page& page,
                                                                  int64_t* revision = nullptr);
  // Current revisions of `enterprise_id` in [first, last] (inclusive "YYYY-MM").
  absl::StatusOr<std::vector<v1::MonthlyReport>> CurrentReports(const std::string& enterprise_id,
                                                                const std::string& first,
                                                                const std::string& last);

  // One row per enterprise above scale in `year` with its output over January..through_month of
  // the year and of the year before, summed in SQL.
  absl::StatusOr<std::vector<EnterpriseOutput>> LoadStructureInputs(int year, int through_month,
                                                                    int64_t* revision = nullptr);
  // Enterprises (optionally of one chain) with their revenue over the 12 months ending at
  // `last_period` and the 12 before.
  absl::StatusOr<std::vector<CultivationInput>> LoadCultivationInputs(
      common::v1::IndustryChain chain, absl::CivilMonth last_period, int64_t* revision = nullptr);

  void RecordIndicator(v1::IndicatorRecord record, db::RequestKey request_key,
                       Done<v1::IndicatorRecord> done);
  absl::StatusOr<std::vector<v1::IndicatorRecord>> IndicatorsOf(int year);

  absl::StatusOr<v1::Alert> GetAlert(const std::string& id, int64_t* revision = nullptr);
  absl::StatusOr<db::ResourcePage<v1::Alert>> ListAlerts(const AlertFilter& filter,
                                                         const Page& page,
                                                         int64_t* revision = nullptr);
  void AcknowledgeAlert(v1::AcknowledgeAlertRequest request, Done<v1::Alert> done);
  void ResolveAlert(v1::ResolveAlertRequest request, Done<v1::Alert> done);
  // Raises NOT_REPORTED for every enterprise that must report and has not, for the periods due
  // by today and at most `lookback_months` back (never before the enterprise's first expected
  // period). Returns the number of alerts opened.
  void SweepNotReported(int lookback_months, Done<int> done);

  absl::StatusOr<int64_t> CurrentRevision();
  // The store itself, for what every service reads the same way (the audit log).
  db::Database* database() const { return db_; }

 private:
  struct FileOutcome {
    bool changed = false;
    std::string report_id;
  };
  // Files `report` as the next revision of its period unless identical to the current one, and
  // runs the alert rules. `check_late_alert`: also settle an open NOT_REPORTED alert of the period.
  absl::StatusOr<FileOutcome> FileReportTx(db::Transaction& tx, const v1::Enterprise& e,
                                           v1::MonthlyReport report, absl::Time now,
                                           bool check_late_alert);
  // `series` holds the enterprise's output for period − 12, period and period + 12 (when filed).
  absl::Status EvaluateAlertsTx(db::Transaction& tx, const v1::Enterprise& e,
                                const ReportSeries& series, absl::CivilMonth period, absl::Time now,
                                bool check_late_alert);
  absl::StatusOr<bool> AnyOpenNotReportedTx(db::Transaction& tx);
  absl::StatusOr<bool> OpenAlertTx(db::Transaction& tx, v1::Alert alert, absl::Time now);
  absl::StatusOr<v1::MonthlyReport> ReportById(db::Transaction& tx, const std::string& id);
  absl::Status SaveTitles(db::Transaction& tx, const v1::Enterprise& e);
  absl::StatusOr<std::optional<v1::Enterprise>> FindByUscc(db::Transaction& tx,
                                                           const std::string& uscc);
  void AfterEnterpriseWrite(const v1::Enterprise& e, int64_t revision);
  void ChangeAlert(std::string id, std::string etag, std::function<absl::Status(v1::Alert&)> change,
                   Done<v1::Alert> done);

  db::Database* db_;
  Clock clock_;
  AlertThresholds thresholds_;
  DirectoryHook directory_hook_;
  db::ResourceTable<v1::Enterprise> enterprises_;
  db::ResourceTable<v1::IndicatorRecord> indicators_;
  db::ResourceTable<v1::Alert> alerts_;
};

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_ENTERPRISE_STORE_H_
