// SPDX-License-Identifier: MIT
#include "control_protocol.hpp"

#include <array>

#include <fmt/format.h>

#include "hal/text.hpp"
#include "line_table.hpp"
#include "usage_error.hpp"

namespace blinkd {
namespace {

// The next space-separated word of `rest`, removed from it.
std::string_view next_word(std::string_view& rest) {
  const auto start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  const auto end = std::min(rest.find(' '), rest.size());
  const std::string_view word = rest.substr(0, end);
  rest.remove_prefix(end);
  return word;
}

std::string_view trimmed(std::string_view text) {
  const auto start = text.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    return {};
  }
  const auto end = text.find_last_not_of(' ');
  return text.substr(start, end - start + 1);
}

bool has_control_characters(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

}  // namespace

namespace {

using Parsed = std::variant<Request, std::string>;

// Nothing may follow the arguments a command takes.
std::optional<std::string> nothing_after(std::string_view rest, std::string_view usage) {
  if (!trimmed(rest).empty()) {
    return fmt::format("{} takes no argument", usage);
  }
  return std::nullopt;
}

Parsed parse_state(std::string_view rest) {
  Request request;
  request.command = Request::Command::State;
  request.argument = std::string(next_word(rest));
  if (request.argument.empty()) {
    return std::string("state needs a NAME: state NAME");
  }
  if (auto error = nothing_after(rest, "state NAME")) {
    return *error;
  }
  return request;
}

Parsed parse_set(std::string_view rest) {
  Request request;
  request.command = Request::Command::Set;
  const std::string_view target = next_word(rest);
  const std::string_view settings = trimmed(rest);
  if (target.empty() || settings.empty()) {
    return std::string("set needs a LINE and SETTINGS: set LINE pattern=heartbeat");
  }
  request.line = std::string(target);
  request.argument = std::string(settings);  // the rest: a Morse text may hold spaces
  return request;
}

Parsed parse_identify(std::string_view rest) {
  Request request;
  request.command = Request::Command::Identify;
  const std::string_view first = next_word(rest);
  const std::string_view second = next_word(rest);
  if (auto error = nothing_after(rest, "identify [LINE] [DUR]")) {
    return *error;
  }
  try {
    if (!second.empty()) {
      request.line = std::string(first);
      request.duration = parse_duration(second, "identify duration", kIdentifyRange);
    } else if (!first.empty()) {
      request.maybe_line_or_duration = std::string(first);  // told apart by the daemon
    }
  } catch (const UsageError& error) {
    return std::string(error.what());
  }
  return request;
}

Parsed parse_reset(std::string_view rest) {
  Request request;
  request.command = Request::Command::Reset;
  if (const std::string_view target = next_word(rest); !target.empty()) {
    request.line = std::string(target);
  }
  if (auto error = nothing_after(rest, "reset [LINE]")) {
    return *error;
  }
  return request;
}

}  // namespace

Parsed parse_request(std::string_view line) {
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  if (line.size() >= kMaxRequest) {
    return fmt::format("request longer than {} bytes", kMaxRequest - 1);
  }
  if (has_control_characters(line) || hal::printable(line, kMaxRequest * 4) != line) {
    return std::string("request holds control characters or is not UTF-8 text");
  }
  std::string_view rest = line;
  const std::string_view command = next_word(rest);
  if (command == "version" || command == "help" || command == "status") {
    if (auto error = nothing_after(rest, command)) {
      return *error;
    }
    Request request;
    request.command = command == "version" ? Request::Command::Version
                      : command == "help"  ? Request::Command::Help
                                           : Request::Command::Status;
    return request;
  }
  if (command == "state") {
    return parse_state(rest);
  }
  if (command == "set") {
    return parse_set(rest);
  }
  if (command == "identify") {
    return parse_identify(rest);
  }
  if (command == "reset") {
    return parse_reset(rest);
  }
  if (command.empty()) {
    return std::string("empty request; try help");
  }
  return fmt::format("unknown command '{}'; try help", hal::printable(command, 40));
}

std::vector<std::string> protocol_help() {
  return {
      "help version                 the protocol and daemon version",
      "help status                  a line per GPIO line: pattern, where it comes from, level",
      "help state NAME              show state NAME on every line that defines it",
      "help set LINE SETTINGS       pattern=, on=, off=, phase=, morse-unit= until reset",
      "help identify [LINE] [DUR]   blink fast for DUR (15s; 1s to 10m), then back",
      "help reset [LINE]            back to the configuration (all: initial state too)",
  };
}

std::string format_reply(const std::vector<std::string>& data, bool ok, std::string_view message) {
  std::string text;
  for (const auto& line : data) {
    text += line;
    text += '\n';
  }
  text += ok ? "ok" : "error";
  if (!message.empty()) {
    text += ' ';
    text += hal::printable(message, 900);
  }
  text += '\n';
  return text;
}

bool is_final_line(std::string_view line) {
  return line == "ok" || line == "error" || line.starts_with("ok ") || line.starts_with("error ");
}

}  // namespace blinkd
