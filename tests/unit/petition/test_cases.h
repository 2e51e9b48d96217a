// Builders of petition cases for the unit tests: a valid new case, and a case driven through a
// list of moves, so each test states only what it is about.
//
//   v1::Case c = CaseThrough({{ACCEPTED, D(2024, 1, 2)}, {ASSIGNED, D(2024, 1, 3)}});
#ifndef GAOXIN_TESTS_UNIT_PETITION_TEST_CASES_H_
#define GAOXIN_TESTS_UNIT_PETITION_TEST_CASES_H_

#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "gtest/gtest.h"
#include "services/petition/domain/case_input.h"
#include "services/petition/domain/case_state.h"

namespace gaoxin::petition::testing {

inline absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }
// Far enough ahead that no test move is "in the future".
inline absl::CivilDay Today() { return D(2030, 1, 1); }

// A valid input case received on `received`. 11010519491231002X is the GB 11643 sample number.
inline v1::Case NewCaseInput(absl::CivilDay received = D(2023, 12, 20)) {
  v1::Case c;
  c.set_channel(v1::CHANNEL_VISIT);
  c.mutable_received_date()->set_year(static_cast<int>(received.year()));
  c.mutable_received_date()->set_month(received.month());
  c.mutable_received_date()->set_day(received.day());
  c.mutable_petitioner()->set_name("张某某");
  c.mutable_petitioner()->set_id_number("11010519491231002X");
  c.mutable_petitioner()->set_phone("13900000001");
  c.mutable_petitioner()->set_address("辽宁省阜新市高新区示例小区1号楼");
  c.set_petitioner_count(1);
  c.set_category("回迁房办证");
  c.set_subject("回迁房至今未办理不动产权证");
  c.set_department("规划建设局");
  return c;
}

// A case received on `received` and moved through `moves` (each with actor "tester" and a reason,
// so reason rules never get in the way); fails the test on an illegal move.
inline v1::Case CaseThrough(const std::vector<std::pair<v1::CaseStatus, absl::CivilDay>>& moves,
                            absl::CivilDay received = D(2023, 12, 20),
                            const DeadlinePolicy& policy = DeadlinePolicy()) {
  absl::StatusOr<v1::Case> c = PrepareNewCase(NewCaseInput(received), "tester", policy, Today());
  EXPECT_TRUE(c.ok()) << c.status();
  for (const auto& [to, day] : moves) {
    Move m{to, day, "tester", "", "test reason"};
    absl::StatusOr<v1::Case> next = Transition(*c, m, policy, Today());
    EXPECT_TRUE(next.ok()) << "to " << v1::CaseStatus_Name(to) << ": " << next.status();
    if (!next.ok()) return *c;
    c = std::move(next);
  }
  return *c;
}

}  // namespace gaoxin::petition::testing

#endif  // GAOXIN_TESTS_UNIT_PETITION_TEST_CASES_H_
