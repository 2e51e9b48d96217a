// Which titles (资质称号: 科技型中小企业, 高新技术企业, 专精特新, ...) an enterprise holds on a
// day. A title is held from its grant date (inclusive) to its expiry date (exclusive, unset =
// open).
//
//   if (HoldsTitle(e, v1::TITLE_KIND_HIGH_TECH, today)) ...
//   std::optional<absl::CivilDay> since = HeldSince(e, v1::TITLE_KIND_TECH_SME, today);
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_TITLES_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_TITLES_H_

#include <optional>

#include "absl/time/civil_time.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"

namespace gaoxin::enterprise {

// True when `title` is valid on `day`.
bool TitleValidOn(const v1::Title& title, absl::CivilDay day);

// True when `e` holds a title of `kind` valid on `day`.
bool HoldsTitle(const v1::Enterprise& e, v1::TitleKind kind, absl::CivilDay day);

// The grant date of the valid title of `kind` held on `day`, extended back through renewals
// that follow on without a gap (so a tech SME renewed every year counts from its first year);
// nullopt when not held.
std::optional<absl::CivilDay> HeldSince(const v1::Enterprise& e, v1::TitleKind kind,
                                        absl::CivilDay day);

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_TITLES_H_
