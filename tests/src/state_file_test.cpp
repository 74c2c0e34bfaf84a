// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <fstream>

#include "command_line.hpp"
#include "state_file.hpp"
#include "support/temp_dir.hpp"

using namespace blinkd;

TEST_CASE("a state record survives formatting and parsing unchanged") {
  const StateRecord record{
      "boot-1", "00ff00ff00ff00ff",
      ControlSnapshot{std::string("error"),
                      {{"GPIO17", "pattern=morse:SOS HELP"}, {"gpiochip0:4", "on=1s,off=2s"}}}};
  const std::string text = format_state(record);
  CHECK(text ==
        "gpio-blinkd state 1\nboot boot-1\nconfig 00ff00ff00ff00ff\nstate error\nset GPIO17 "
        "pattern=morse:SOS HELP\nset gpiochip0:4 on=1s,off=2s\n");
  const StateRecord parsed = parse_state(text);
  CHECK(parsed.boot_id == record.boot_id);
  CHECK(parsed.fingerprint == record.fingerprint);
  CHECK(parsed.snapshot == record.snapshot);
}

TEST_CASE("a damaged state file is refused with where it is wrong") {
  auto error_of = [](std::string_view text) {
    try {
      (void)parse_state(text);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  CHECK(error_of("gpio-blinkd state 2\nboot a\nconfig b\n") ==
        "line 1: expected 'gpio-blinkd state 1'");
  CHECK(error_of("gpio-blinkd state 1\nboot a\nconfig b") ==
        "line 3: no newline at the end: the file was cut short");
  CHECK(error_of("gpio-blinkd state 1\nboot a\n").starts_with("incomplete"));
  CHECK(error_of("gpio-blinkd state 1\nboot a\nconfig b\nset x\n") ==
        "line 4: expected 'set LINE SETTINGS'");
  CHECK(error_of("gpio-blinkd state 1\nboot a\nconfig b\nstate x\nstate y\n")
            .starts_with("line 5: unexpected"));
  CHECK(error_of("gpio-blinkd state 1\nboot a\nconfig b\nwhat\n") == "line 4: unexpected 'what'");
  CHECK(error_of("gpio-blinkd state 1\nboot \x1b\nconfig b\n").find("control characters") !=
        std::string::npos);
  CHECK(error_of("").starts_with("incomplete"));
}

TEST_CASE("the store keeps a snapshot for this boot and configuration only") {
  test_support::TempDir dir;
  const auto path = dir.path() / "state";
  const StateStore store(path, "boot-1", "cfg-1");
  std::vector<std::string> notices;
  CHECK_FALSE(store.load(notices).has_value());  // nothing yet
  CHECK(notices.empty());
  const ControlSnapshot snapshot{std::string("error"), {}};
  CHECK(store.save(snapshot).empty());
  CHECK(store.load(notices) == snapshot);
  CHECK(notices.empty());
  CHECK_FALSE(std::filesystem::exists(path.string() + ".new"));
  // Another boot: discarded, with a notice, and removed.
  CHECK_FALSE(StateStore(path, "boot-2", "cfg-1").load(notices).has_value());
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].find("it is from before the last reboot; discarded") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path));
  // Another configuration.
  CHECK(store.save(snapshot).empty());
  CHECK_FALSE(StateStore(path, "boot-1", "cfg-2").load(notices).has_value());
  CHECK(notices.back().find("the configuration changed") != std::string::npos);
  // Damage.
  std::ofstream(path) << "gpio-blinkd state 1\nboot boot-1\nconf";
  CHECK_FALSE(store.load(notices).has_value());
  CHECK(notices.back().find("does not parse (line 3: no newline") != std::string::npos);
  // An empty snapshot removes the file.
  CHECK(store.save(snapshot).empty());
  CHECK(store.save(ControlSnapshot{}).empty());
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("the fingerprint changes with what lines show, not with how they are driven") {
  auto fingerprint = [](std::vector<const char*> args) {
    return configuration_fingerprint(parse_command_line(args, {}).options);
  };
  const std::string base = fingerprint({"--state", "ok=slow", "a"});
  CHECK(base.size() == 16);
  CHECK(fingerprint({"--state", "ok=slow", "a"}) == base);
  CHECK(fingerprint({"--state", "ok=slow", "--log-level", "debug", "a"}) == base);
  CHECK(fingerprint({"--state", "ok=fast", "a"}) != base);
  CHECK(fingerprint({"--state", "ok=slow", "a", "b"}) != base);
  CHECK(fingerprint({"--state", "ok=slow", "--on", "2s", "a"}) != base);
}
