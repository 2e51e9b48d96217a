// gaoxinctl: the operators' client for the gaoxin suite.
//
//   gaoxinctl leads list --stage=SIGNED
//   gaoxinctl leads summary 2023 --json
//   gaoxinctl demo load
//   gaoxinctl token new ops-reader leads.reader,enterprise.reader
//
// Address and token come from flags or their environment twins (GAOXIN_LEADS_ADDR, GAOXIN_TOKEN).
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/tokens_file.h"
#include "common/transport.h"
#include "openssl/rand.h"
#include "tools/gaoxinctl/audit_commands.h"
#include "tools/gaoxinctl/cli.h"
#include "tools/gaoxinctl/demo_commands.h"
#include "tools/gaoxinctl/enterprise_commands.h"
#include "tools/gaoxinctl/leads_commands.h"
#include "tools/gaoxinctl/petition_commands.h"
#include "tools/gaoxinctl/watch_commands.h"

namespace gaoxin::ctl {
namespace {

constexpr char kUsage[] =
    "gaoxinctl <command> ...\n"
    "  leads list|get|create|transition|summary   investment leads\n"
    "  enterprise list|get|create|report|reports|import|structure|indicators|trend|alerts|ack|\n"
    "             resolve|candidates              enterprise monitoring\n"
    "  petition ledgers|cases|case|create|transition|extend|leader|stats|meetings|audit|reseal\n"
    "  demo load                                  load deploy/demo through the APIs\n"
    "  watch leads|enterprises|alerts|cases       print changes as they come (resumes on its own)\n"
    "  dashboard                                  the three summaries live in one screen\n"
    "  audit verify leads|enterprise|petition   check a service's audit chain (--audit_key_file)\n"
    "  token new <principal> <role,role,...> [expires=<RFC 3339 time>]\n"
    "                                             mint a token and its tokens-file line\n"
    "Flags: --leads_addr --enterprise_addr --petition_addr --token --json, and TLS:\n"
    "  --tls_ca_file (the CA of the servers), --tls_cert_file --tls_key_file (for mutual TLS),\n"
    "  --insecure_plaintext (development only); each also as env GAOXIN_<FLAG>";

// Prints a fresh token and the line to put in the tokens file (which never holds the token
// itself). 256 bits from OpenSSL's CSPRNG: a token is a password nobody chooses.
int TokenNew(const Args& args) {
  if ((args.size() != 4 && args.size() != 5) || args[1] != "new") {
    return Usage("gaoxinctl token new <principal> <role,role,...> [expires=<RFC 3339 time>]");
  }
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) {
    std::cerr << "gaoxinctl: the system's random source failed; no token minted\n";
    return 1;
  }
  const std::string token = absl::StrCat(
      "gx_",
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(random), sizeof random)));
  std::string line = absl::StrCat(Sha256Hex(token), " ", args[2], " ", args[3]);
  if (args.size() == 5) absl::StrAppend(&line, " ", args[4]);
  // The servers' own parser: a line this prints is a line they accept.
  if (auto parsed = TokenTable::Parse(line); !parsed.ok()) {
    return Usage(std::string(parsed.status().message()));
  }
  std::cout << "token: " << token << "\n"
            << "tokens-file line: " << line << "\n";
  return 0;
}

}  // namespace
}  // namespace gaoxin::ctl

int main(int argc, char** argv) {
  std::vector<char*> positional = gaoxin::InitCliConfig(argc, argv, gaoxin::ctl::kUsage);
  gaoxin::ctl::Args args(positional.begin() + 1, positional.end());
  if (args.empty()) return gaoxin::ctl::Usage(gaoxin::ctl::kUsage);
  const std::string& cmd = args[0];
  if (cmd == "token") return gaoxin::ctl::TokenNew(args);
  if (absl::Status s = gaoxin::ConfigureClientTransportFromFlags(); !s.ok()) {
    std::cerr << "gaoxinctl: " << s.message() << "\n";
    return 2;
  }
  if (cmd == "leads") return gaoxin::ctl::RunLeads(args);
  if (cmd == "enterprise") return gaoxin::ctl::RunEnterprise(args);
  if (cmd == "petition") return gaoxin::ctl::RunPetition(args);
  if (cmd == "demo") return gaoxin::ctl::RunDemo(args);
  if (cmd == "audit") return gaoxin::ctl::RunAudit(args);
  if (cmd == "watch") return gaoxin::ctl::RunWatch(args);
  if (cmd == "dashboard") return gaoxin::ctl::RunDashboard(args);
  return gaoxin::ctl::Usage(gaoxin::ctl::kUsage);
}
