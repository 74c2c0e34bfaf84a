// SPDX-License-Identifier: MIT
// blinkd::group_id_in on any /etc/group text: it fails only with UsageError (a clean
// message), and finds a group written into the text.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "control_socket.hpp"
#include "fuzz_support.hpp"
#include "usage_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  for (const std::string_view name : {"gpio", "", "root", "x:y"}) {
    std::optional<gid_t> gid;
    fuzz::accepts<blinkd::UsageError>([&] { gid = blinkd::group_id_in(text, name, "fuzz"); });
  }
  // A group put first is found with its id, whatever follows.
  const std::string with_group = "fuzzgroup:x:4242:\n" + std::string(text);
  std::optional<gid_t> gid;
  fuzz::accepts<blinkd::UsageError>(
      [&] { gid = blinkd::group_id_in(with_group, "fuzzgroup", "fuzz"); });
  fuzz::check(gid == 4242U, "the first matching line gives the id", text);
  return 0;
}
