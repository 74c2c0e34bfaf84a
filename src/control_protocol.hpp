// SPDX-License-Identifier: MIT
// The control protocol (docs/control.md): one request per line, UTF-8 text, at most
// kMaxRequest bytes with its newline; each reply is zero or more data lines and then
// one line starting with "ok" or "error". Pure parsing and formatting: no sockets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "duration.hpp"

namespace blinkd {

inline constexpr std::size_t kMaxRequest = 1024;
inline constexpr int kProtocolVersion = 1;

struct Request {
  enum class Command : std::uint8_t { Version, Help, Status, State, Set, Identify, Reset };
  Command command = Command::Status;
  std::optional<std::string> line;                    // set, identify, reset
  std::string argument;                               // state: the name; set: the settings
  std::optional<Duration> duration;                   // identify
  std::optional<std::string> maybe_line_or_duration;  // identify X: a line, or a duration
};

// A request line without its newline (a trailing CR is allowed). Returns the request or
// the error message to reply with.
[[nodiscard]] std::variant<Request, std::string> parse_request(std::string_view line);

// The help text's data lines.
[[nodiscard]] std::vector<std::string> protocol_help();

// A reply as it goes on the wire.
[[nodiscard]] std::string format_reply(const std::vector<std::string>& data, bool ok,
                                       std::string_view message);

// Whether a reply line is the final one of its reply.
[[nodiscard]] bool is_final_line(std::string_view line);

}  // namespace blinkd
