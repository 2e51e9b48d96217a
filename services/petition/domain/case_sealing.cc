#include "services/petition/domain/case_sealing.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "services/petition/domain/free_text.h"

namespace gaoxin::petition {
namespace {

// One sealed field: its value, what its seal is bound to, and whether it must be sealed at rest
// (petitioner fields always were; free text may be a legacy plaintext).
struct Slot {
  std::string* value;
  std::string associated_data;
  bool always_sealed;
};

std::vector<Slot> SlotsOf(v1::Case* c) {
  const std::string prefix = absl::StrCat("case/", c->id(), "/");
  v1::Petitioner* p = c->mutable_petitioner();
  std::vector<Slot> slots = {
      {p->mutable_name(), PetitionerAssociatedData(c->id(), "name"), true},
      {p->mutable_id_number(), PetitionerAssociatedData(c->id(), "id_number"), true},
      {p->mutable_phone(), PetitionerAssociatedData(c->id(), "phone"), true},
      {p->mutable_address(), PetitionerAssociatedData(c->id(), "address"), true},
  };
  for (TextField& f : CaseTextFields(c)) {
    slots.push_back({f.value, absl::StrCat(prefix, f.path), false});
  }
  return slots;
}

std::vector<Slot> SlotsOf(v1::Meeting* m) {
  const std::string prefix = absl::StrCat("meeting/", m->id(), "/");
  std::vector<Slot> slots;
  for (TextField& f : MeetingTextFields(m)) {
    slots.push_back({f.value, absl::StrCat(prefix, f.path), false});
  }
  return slots;
}

absl::Status SealSlots(const PiiCipher& cipher, const std::vector<Slot>& slots) {
  for (const Slot& s : slots) {
    ASSIGN_OR_RETURN(*s.value, cipher.Seal(*s.value, s.associated_data));
  }
  return absl::OkStatus();
}

absl::Status OpenSlots(const PiiCipher& cipher, const std::vector<Slot>& slots,
                       absl::string_view what) {
  for (const Slot& s : slots) {
    if (s.value->empty()) continue;
    if (!PiiCipher::IsSealed(*s.value)) {
      if (s.always_sealed) {
        return absl::DataLossError(absl::StrCat(what, ": petitioner data is not sealed"));
      }
      continue;  // free text stored before it was sealed: the startup pass seals it
    }
    absl::StatusOr<std::string> plain = cipher.Open(*s.value, s.associated_data);
    if (!plain.ok()) {
      return absl::DataLossError(absl::StrCat(what, ": ", plain.status().message()));
    }
    *s.value = *std::move(plain);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ResealSlots(const PiiCipher& cipher, ResealMode mode,
                                 const std::vector<Slot>& slots, absl::string_view what,
                                 SealCensus* census) {
  bool changed = false;
  for (const Slot& s : slots) {
    if (s.value->empty()) continue;
    const std::optional<std::string> key_id = PiiCipher::SealKeyId(*s.value);
    if (census != nullptr) ++(*census)[key_id ? *key_id : std::string(kPlaintextCensusKey)];
    std::string plain;
    if (!key_id) {
      if (s.always_sealed) {
        return absl::DataLossError(absl::StrCat(what, ": petitioner data is not sealed"));
      }
      plain = *s.value;
    } else if (mode == ResealMode::kCurrentKey && *key_id != cipher.current_key_id()) {
      absl::StatusOr<std::string> opened = cipher.Open(*s.value, s.associated_data);
      if (!opened.ok()) {
        return absl::DataLossError(absl::StrCat(what, ": ", opened.status().message()));
      }
      plain = *std::move(opened);
    } else {
      continue;
    }
    ASSIGN_OR_RETURN(*s.value, cipher.Seal(plain, s.associated_data));
    changed = true;
  }
  return changed;
}

}  // namespace

std::string PetitionerAssociatedData(absl::string_view case_id, absl::string_view field) {
  return absl::StrCat("case/", case_id, "/petitioner.", field);
}

absl::StatusOr<v1::Case> SealCase(const PiiCipher& cipher, v1::Case c) {
  RETURN_IF_ERROR(SealSlots(cipher, SlotsOf(&c)));
  return c;
}

absl::StatusOr<v1::Case> OpenCase(const PiiCipher& cipher, v1::Case c) {
  RETURN_IF_ERROR(OpenSlots(cipher, SlotsOf(&c), absl::StrCat("case ", c.id())));
  return c;
}

absl::StatusOr<v1::Meeting> SealMeeting(const PiiCipher& cipher, v1::Meeting m) {
  RETURN_IF_ERROR(SealSlots(cipher, SlotsOf(&m)));
  return m;
}

absl::StatusOr<v1::Meeting> OpenMeeting(const PiiCipher& cipher, v1::Meeting m) {
  RETURN_IF_ERROR(OpenSlots(cipher, SlotsOf(&m), absl::StrCat("meeting ", m.id())));
  return m;
}

absl::StatusOr<bool> ResealCase(const PiiCipher& cipher, ResealMode mode, v1::Case* stored,
                                SealCensus* census) {
  return ResealSlots(cipher, mode, SlotsOf(stored), absl::StrCat("case ", stored->id()), census);
}

absl::StatusOr<bool> ResealMeeting(const PiiCipher& cipher, ResealMode mode, v1::Meeting* stored,
                                   SealCensus* census) {
  return ResealSlots(cipher, mode, SlotsOf(stored), absl::StrCat("meeting ", stored->id()), census);
}

}  // namespace gaoxin::petition
