// Small builders shared by the enterprise domain tests.
#ifndef GAOXIN_TESTS_UNIT_ENTERPRISE_TEST_UTIL_H_
#define GAOXIN_TESTS_UNIT_ENTERPRISE_TEST_UTIL_H_

#include <string>

#include "common/money.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"
#include "tests/support/enterprise_fixture.h"

namespace gaoxin::enterprise::test_util {

// A report with output (and revenue) in whole yuan.
inline v1::MonthlyReport Report(const std::string& enterprise_id, const std::string& period,
                                int64_t output_yuan, int64_t revenue_yuan = 0, int revision = 1) {
  v1::MonthlyReport r;
  r.set_enterprise_id(enterprise_id);
  r.set_period(period);
  *r.mutable_output_value() = Yuan(output_yuan);
  *r.mutable_revenue() = Yuan(revenue_yuan);
  r.set_revision(revision);
  return r;
}

// `yuan` whole yuan in nanos (the same helper as the integration and e2e tests).
using ::gaoxin::testing::enterprise_fixture::YuanNanos;

}  // namespace gaoxin::enterprise::test_util

#endif  // GAOXIN_TESTS_UNIT_ENTERPRISE_TEST_UTIL_H_
