// echo: the baseline. The same server bootstrap (interceptors, logging, health, threads) with a
// handler that does nothing, so other scenarios can be read as "bootstrap + their own work".
#include "gaoxin/testing/v1/echo.grpc.pb.h"
#include "tools/gaoxin_load/scenarios.h"

namespace gaoxin::load {
namespace {

using testing::v1::EchoService;

class EchoCaller final : public Caller {
 public:
  explicit EchoCaller(std::shared_ptr<grpc::Channel> channel)
      : stub_(EchoService::NewStub(std::move(channel))) {
    request_.set_message("ping");
  }
  void Start(grpc::ClientContext* ctx, DoneFn done) override {
    response_.Clear();
    stub_->async()->Echo(ctx, &request_, &response_, std::move(done));
  }

 private:
  std::unique_ptr<EchoService::Stub> stub_;
  testing::v1::EchoRequest request_;
  testing::v1::EchoResponse response_;
};

class EchoScenario final : public Scenario {
 public:
  std::string name() const override { return "echo"; }
  std::unique_ptr<Caller> NewCaller(const Env&, int,
                                    std::shared_ptr<grpc::Channel> channel) override {
    return std::make_unique<EchoCaller>(std::move(channel));
  }
};

}  // namespace

std::unique_ptr<Scenario> NewEchoScenario() { return std::make_unique<EchoScenario>(); }

}  // namespace gaoxin::load
