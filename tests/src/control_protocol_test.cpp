// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "control_protocol.hpp"

using namespace std::chrono_literals;
using blinkd::parse_request;
using blinkd::Request;

namespace {

Request request(std::string_view line) {
  auto parsed = parse_request(line);
  REQUIRE_MESSAGE(std::holds_alternative<Request>(parsed), std::get<std::string>(parsed));
  return std::get<Request>(parsed);
}

std::string error_of(std::string_view line) {
  auto parsed = parse_request(line);
  return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "accepted";
}

}  // namespace

TEST_CASE("every command parses with its arguments") {
  CHECK(request("version").command == Request::Command::Version);
  CHECK(request("status\r").command == Request::Command::Status);
  CHECK(request("help").command == Request::Command::Help);
  auto state = request("state  error ");
  CHECK(state.command == Request::Command::State);
  CHECK(state.argument == "error");
  auto set = request("set GPIO17 pattern=morse:SOS HELP");
  CHECK(set.command == Request::Command::Set);
  CHECK(set.line == "GPIO17");
  CHECK(set.argument == "pattern=morse:SOS HELP");
  auto identify = request("identify GPIO17 30s");
  CHECK(identify.line == "GPIO17");
  CHECK(identify.duration == 30s);
  CHECK(request("identify").maybe_line_or_duration == std::nullopt);
  CHECK(request("identify 5s").maybe_line_or_duration == "5s");
  CHECK(request("reset").line == std::nullopt);
  CHECK(request("reset GPIO17").line == "GPIO17");
}

TEST_CASE("bad requests get one error message") {
  CHECK(error_of("") == "empty request; try help");
  CHECK(error_of("dance") == "unknown command 'dance'; try help");
  CHECK(error_of("state") == "state needs a NAME: state NAME");
  CHECK(error_of("state a b") == "state NAME takes no argument");
  CHECK(error_of("status now") == "status takes no argument");
  CHECK(error_of("set GPIO17") == "set needs a LINE and SETTINGS: set LINE pattern=heartbeat");
  CHECK(error_of("identify x 11m").find("longer than 10m") != std::string::npos);
  CHECK(error_of("identify x 5s y") == "identify [LINE] [DUR] takes no argument");
  CHECK(error_of("state \x1b[2J") == "request holds control characters or is not UTF-8 text");
  CHECK(error_of("state \xff") == "request holds control characters or is not UTF-8 text");
  CHECK(error_of(std::string(1024, 'a')) == "request longer than 1023 bytes");
  CHECK(error_of(std::string(1023, 'a')).starts_with("unknown command"));
}

TEST_CASE("a reply is data lines then one final ok or error line") {
  CHECK(blinkd::format_reply({"state ok", "line a"}, true, "2 lines") ==
        "state ok\nline a\nok 2 lines\n");
  CHECK(blinkd::format_reply({}, false, "no\nline") == "error no\\x0aline\n");
  CHECK(blinkd::is_final_line("ok"));
  CHECK(blinkd::is_final_line("error x"));
  CHECK_FALSE(blinkd::is_final_line("okay"));
  CHECK_FALSE(blinkd::is_final_line("line ok"));
  for (const auto& line : blinkd::protocol_help()) {
    CHECK_FALSE(blinkd::is_final_line(line));
  }
}
