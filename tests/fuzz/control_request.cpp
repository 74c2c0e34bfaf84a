// SPDX-License-Identifier: MIT
// blinkd::parse_request on any line: it never throws, an error is a clean message, a
// request is what its words say; format_reply makes a reply whose only final line is
// its last.
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "control_protocol.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::optional<std::variant<blinkd::Request, std::string>> parsed;
  fuzz::accepts<std::exception>([&] { parsed = blinkd::parse_request(text); });
  if (!parsed) {
    fuzz::fail("parse_request does not throw", text);
  }
  if (std::holds_alternative<std::string>(*parsed)) {
    fuzz::check_message(std::get<std::string>(*parsed));
    const std::string reply = blinkd::format_reply({}, false, std::get<std::string>(*parsed));
    fuzz::check(reply.starts_with("error ") && reply.ends_with("\n") &&
                    reply.find('\n') == reply.size() - 1,
                "an error reply is one final line", reply);
    return 0;
  }
  const auto& request = std::get<blinkd::Request>(*parsed);
  fuzz::check(text.size() < blinkd::kMaxRequest, "an accepted request is within the limit", text);
  if (request.command == blinkd::Request::Command::Set) {
    fuzz::check(request.line && !request.line->empty() &&
                    request.line->find(' ') == std::string::npos && !request.argument.empty(),
                "set has a LINE word and SETTINGS", text);
  }
  if (request.command == blinkd::Request::Command::Identify && request.duration) {
    fuzz::check(*request.duration >= std::chrono::seconds(1) &&
                    *request.duration <= std::chrono::minutes(10),
                "identify's duration is within bounds", text);
  }
  // Data lines never end a reply: only the last line is final.
  const std::string reply = blinkd::format_reply(blinkd::protocol_help(), true, text);
  std::string_view rest = reply;
  std::size_t finals = 0;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    finals += blinkd::is_final_line(rest.substr(0, newline)) ? 1 : 0;
    rest.remove_prefix(newline + 1);
  }
  fuzz::check(finals == 1, "a reply has exactly one final line", reply.substr(0, 300));
  return 0;
}
