// Fuzzes gaoxin.petition.v1.PetitionService end to end in-process: each input is one raw request
// to one method (layout in service_harness.h), through the request pipeline, the case rules, the
// PII encryption and the store.
//
//   build-asan/tests/fuzz/petition_request_fuzzer -max_total_time=60 /tmp/pc \
//       tests/fuzz/corpus/petition_request
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "common/audit/audit_log.h"
#include "common/errors.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "services/petition/domain/pii_crypto.h"
#include "services/petition/enterprise_lookup.h"
#include "services/petition/petition_service.h"
#include "services/petition/petition_store.h"
#include "tests/fuzz/service_harness.h"

namespace {

using gaoxin::petition::PetitionServiceImpl;
using gaoxin::petition::PetitionStore;
using gaoxin::petition::PiiCipher;

// Stands in for the enterprise directory. With neither Redis nor an enterprise service the real
// resolver answers UNAVAILABLE for every valid USCC (its decision of issue #4): right for a
// server, but the harness counts UNAVAILABLE as a finding, and the store behind it would never be
// reached. One enterprise is registered (the seeds name it); any other USCC is refused as the real
// resolver refuses an unknown one.
class OneEnterprise final : public gaoxin::petition::EnterpriseResolver {
 public:
  static constexpr char kUscc[] = "91210900MA0GYYEA0T";

  void Resolve(const std::string& uscc, Callback done) override {
    if (uscc == kUscc) {
      done(std::string("阜新示例装备制造有限公司"));
      return;
    }
    done(gaoxin::InvalidField("case.enterprise_uscc",
                              "no enterprise with this unified social credit code is registered"));
  }
};

gaoxin::fuzz::ServiceSpec PetitionSpec() {
  gaoxin::fuzz::ServiceSpec spec;
  spec.name = "petition";
  // Through a generated message, so the linker keeps the proto's descriptors.
  spec.descriptor =
      gaoxin::petition::v1::Case::descriptor()->file()->FindServiceByName("PetitionService");
  spec.migrate = &PetitionStore::Migrate;
  spec.make = [](const gaoxin::fuzz::ServiceEnv& env) -> std::unique_ptr<grpc::Service> {
    // A fixed test key (as the hostile end-to-end suite's pii.key), and main()'s deadline policy.
    const PiiCipher* cipher = env.Keep(
        std::make_unique<PiiCipher>(*PiiCipher::FromRawKey(std::string(PiiCipher::kKeySize, 'k'))));
    // Its write audit diffs cases opened and seals their personal data again, as main()'s.
    env.db->SetAuditSink(std::make_shared<gaoxin::audit::AuditLog>(
        gaoxin::fuzz::FuzzAuditKey(), gaoxin::petition::PetitionAuditOptions(cipher)));
    PetitionStore* store = env.Keep(std::make_unique<PetitionStore>(
        env.db, cipher, gaoxin::petition::DeadlinePolicy(), [] { return absl::Now(); }));
    auto* enterprises = env.Keep(std::make_unique<OneEnterprise>());
    return std::make_unique<PetitionServiceImpl>(store, env.auth, cipher, enterprises, env.feed,
                                                 env.watch, env.summary);
  };
  return spec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static gaoxin::fuzz::ServiceHarness& harness =
      gaoxin::fuzz::ServiceHarness::Start(PetitionSpec());
  gaoxin::fuzz::FuzzOneRequest(harness, data, size);
  return 0;
}
