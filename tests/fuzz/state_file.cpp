// SPDX-License-Identifier: MIT
// blinkd::parse_state on any file content: it fails only with std::invalid_argument (a
// clean message); what it accepts is written back by format_state to text that parses
// to the same record.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "fuzz_support.hpp"
#include "state_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::optional<blinkd::StateRecord> record;
  fuzz::accepts<std::invalid_argument>([&] { record = blinkd::parse_state(text); });
  if (!record) {
    return 0;
  }
  fuzz::check(!record->boot_id.empty() && !record->fingerprint.empty(),
              "a state record has a boot and a configuration", text);
  const std::string written = blinkd::format_state(*record);
  std::optional<blinkd::StateRecord> again;
  fuzz::accepts<std::invalid_argument>([&] { again = blinkd::parse_state(written); });
  fuzz::check(again && again->boot_id == record->boot_id &&
                  again->fingerprint == record->fingerprint && again->snapshot == record->snapshot,
              "a state record reads back from its own text", written.substr(0, 300));
  return 0;
}
