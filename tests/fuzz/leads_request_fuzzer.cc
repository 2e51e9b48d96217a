// Fuzzes gaoxin.leads.v1.LeadService end to end in-process: each input is one raw request to one
// method (layout in service_harness.h), through the request pipeline, the lead rules and the
// store. A crash is a sanitizer report or a non-canonical answer.
//
//   build-asan/tests/fuzz/leads_request_fuzzer -max_total_time=60 /tmp/lc \
//       tests/fuzz/corpus/leads_request
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/time/clock.h"
#include "gaoxin/leads/v1/leads.pb.h"
#include "services/leads/lead_service.h"
#include "services/leads/lead_store.h"
#include "tests/fuzz/service_harness.h"

namespace {

using gaoxin::leads::LeadServiceImpl;
using gaoxin::leads::LeadStore;

gaoxin::fuzz::ServiceSpec LeadsSpec() {
  gaoxin::fuzz::ServiceSpec spec;
  spec.name = "leads";
  // Through a generated message, so the linker keeps the proto's descriptors.
  spec.descriptor = gaoxin::leads::v1::Lead::descriptor()->file()->FindServiceByName("LeadService");
  spec.migrate = &LeadStore::Migrate;
  spec.make = [](const gaoxin::fuzz::ServiceEnv& env) -> std::unique_ptr<grpc::Service> {
    auto clock = [] { return absl::Now(); };
    LeadStore* store = env.Keep(std::make_unique<LeadStore>(env.db, clock));
    return std::make_unique<LeadServiceImpl>(store, env.auth, env.cache, env.feed, clock, env.watch,
                                             env.summary);
  };
  return spec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static gaoxin::fuzz::ServiceHarness& harness = gaoxin::fuzz::ServiceHarness::Start(LeadsSpec());
  gaoxin::fuzz::FuzzOneRequest(harness, data, size);
  return 0;
}
