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

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/auth.h"
#include "common/config.h"
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
    "  token new <principal> <role,role,...>      mint a token and its tokens-file line\n"
    "Flags: --leads_addr --enterprise_addr --petition_addr --token --json (env GAOXIN_<FLAG>)";

// Prints a fresh random token and the line to put in the tokens file (which never holds the
// token itself).
int TokenNew(const Args& args) {
  if (args.size() != 4 || args[1] != "new") {
    return Usage("gaoxinctl token new <principal> <role,role,...>");
  }
  for (absl::string_view role : absl::StrSplit(args[3], ',')) {
    if (!IsKnownRole(role)) return Usage(absl::StrCat("unknown role ", role));
  }
  absl::BitGen gen;
  std::string token = "gx_";
  for (int i = 0; i < 4; ++i) token += absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
  std::cout << "token: " << token << "\n"
            << "tokens-file line: " << Sha256Hex(token) << " " << args[2] << " " << args[3] << "\n";
  return 0;
}

}  // namespace
}  // namespace gaoxin::ctl

int main(int argc, char** argv) {
  std::vector<char*> positional = gaoxin::InitCliConfig(argc, argv, gaoxin::ctl::kUsage);
  gaoxin::ctl::Args args(positional.begin() + 1, positional.end());
  if (args.empty()) return gaoxin::ctl::Usage(gaoxin::ctl::kUsage);
  const std::string& cmd = args[0];
  if (cmd == "leads") return gaoxin::ctl::RunLeads(args);
  if (cmd == "enterprise") return gaoxin::ctl::RunEnterprise(args);
  if (cmd == "petition") return gaoxin::ctl::RunPetition(args);
  if (cmd == "demo") return gaoxin::ctl::RunDemo(args);
  if (cmd == "token") return gaoxin::ctl::TokenNew(args);
  if (cmd == "watch") return gaoxin::ctl::RunWatch(args);
  if (cmd == "dashboard") return gaoxin::ctl::RunDashboard(args);
  return gaoxin::ctl::Usage(gaoxin::ctl::kUsage);
}
