// Fuzzes gaoxin.enterprise.v1.EnterpriseService end to end in-process: each input is one raw
// request to one method (layout in service_harness.h; ImportMonthlyReports gets it as its only
// stream message), through the request pipeline, the enterprise rules and the store.
//
//   build-asan/tests/fuzz/enterprise_request_fuzzer -max_total_time=60 /tmp/ec \
//       tests/fuzz/corpus/enterprise_request
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"
#include "services/enterprise/enterprise_service.h"
#include "services/enterprise/enterprise_store.h"
#include "services/enterprise/leads_consumer.h"
#include "tests/fuzz/service_harness.h"

namespace {

using gaoxin::enterprise::EnterpriseServiceImpl;
using gaoxin::enterprise::EnterpriseStore;

gaoxin::fuzz::ServiceSpec EnterpriseSpec() {
  gaoxin::fuzz::ServiceSpec spec;
  spec.name = "enterprise";
  // Through a generated message, so the linker keeps the proto's descriptors.
  spec.descriptor = gaoxin::enterprise::v1::Enterprise::descriptor()->file()->FindServiceByName(
      "EnterpriseService");
  // The same schema as main(), the leads consumer's cursor table included. The consumer itself,
  // the alert sweep and the Redis directory publisher do not run: they act on no request.
  spec.migrate = [](gaoxin::db::Database& db) -> absl::Status {
    RETURN_IF_ERROR(EnterpriseStore::Migrate(db));
    return gaoxin::enterprise::LeadsConsumer::Migrate(db);
  };
  spec.make = [](const gaoxin::fuzz::ServiceEnv& env) -> std::unique_ptr<grpc::Service> {
    auto clock = [] { return absl::Now(); };
    gaoxin::enterprise::ServiceOptions options;  // main()'s flag defaults
    options.watch = env.watch;
    options.summary = env.summary;
    EnterpriseStore* store =
        env.Keep(std::make_unique<EnterpriseStore>(env.db, clock, options.thresholds));
    return std::make_unique<EnterpriseServiceImpl>(store, env.auth, env.cache, env.feed, clock,
                                                   options);
  };
  return spec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static gaoxin::fuzz::ServiceHarness& harness =
      gaoxin::fuzz::ServiceHarness::Start(EnterpriseSpec());
  gaoxin::fuzz::FuzzOneRequest(harness, data, size);
  return 0;
}
