// The scenarios gaoxin_load knows, one file each (<name>_scenario.cc). To add one: write the file,
// declare its factory here, add it to kScenarios in main.cc and to CMakeLists.txt.
#ifndef GAOXIN_TOOLS_GAOXIN_LOAD_SCENARIOS_H_
#define GAOXIN_TOOLS_GAOXIN_LOAD_SCENARIOS_H_

#include <memory>

#include "gaoxin/leads/v1/leads.pb.h"
#include "tools/gaoxin_load/driver.h"

namespace gaoxin::load {

// gaoxin.testing.v1.EchoService/Echo: the bootstrap's own cost (needs --serve_echo).
std::unique_ptr<Scenario> NewEchoScenario();
// LeadService/GetLead on random ids among leads the setup creates (--get_lead_preload).
std::unique_ptr<Scenario> NewGetLeadScenario();
// LeadService/CreateLead, each call with its own request_id (a durable commit each).
std::unique_ptr<Scenario> NewCreateLeadScenario();
// PetitionService/CreateCase, unique request_id and ID number per call (petition_scenarios.cc).
std::unique_ptr<Scenario> NewCreateCaseScenario();
// PetitionService/ListCases(overdue_only) paging, over --petition_preload cases made in setup.
std::unique_ptr<Scenario> NewListOverdueCasesScenario();

// EnterpriseService/GetIndustryStructure over --enterprise_count enterprises × --enterprise_years
// years of monthly reports (enterprise_scenarios.cc).
std::unique_ptr<Scenario> NewIndustryStructureScenario();
// EnterpriseService/ImportMonthlyReports: one call = one stream of --enterprise_import_rows rows.
std::unique_ptr<Scenario> NewImport100kScenario();

// A valid CreateLeadRequest for lead number `n` (create_lead and get_lead's setup share it).
leads::v1::CreateLeadRequest SampleCreateLeadRequest(const std::string& request_id, int n);

}  // namespace gaoxin::load

#endif  // GAOXIN_TOOLS_GAOXIN_LOAD_SCENARIOS_H_
