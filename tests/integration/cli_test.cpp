// SPDX-License-Identifier: MIT
// The binary as a user on the bench meets it: help, version, bad input, the sim chip.
#include <doctest/doctest.h>

#include "daemon_rig.hpp"

using namespace integration;
using test_support::clean_environment;
using test_support::run_process;

TEST_CASE("--help and --version print to stdout and exit 0") {
  auto result = run_process(daemon_argv({"--help"}));
  CHECK(result.exit_code == 0);
  CHECK(result.out.starts_with("Usage: gpio-blinkd [OPTION]... LINE[,SETTING]..."));
  CHECK(
      contains(result.out, "Exit status: 0 after a signal or a finished --count; 1 on any error"));
  CHECK(result.err.empty());

  result = run_process(daemon_argv({"--version"}));
  CHECK(result.exit_code == 0);
  CHECK(result.out.starts_with("gpio-blinkd 0."));
  CHECK(contains(result.out, "\nbackends:\n"));
  CHECK(contains(result.out, "sim"));
  CHECK(contains(result.out, "sysfs"));
}

TEST_CASE("bad arguments exit 1 with exactly one line naming the input") {
  const std::vector<std::vector<std::string>> cases{
      {"--on", "fast", "17"}, {"--count", "0", "17"}, {"--frobnicate", "17"},      {},
      {"17,colour=red"},      {"gpiochip0:"},         {"--backend", "gpioz", "17"}};
  for (const auto& args : cases) {
    const auto result = run_process(daemon_argv(args), clean_environment());
    CAPTURE(result.err);
    CHECK(result.exit_code == 1);
    CHECK(count_lines(result.err) == 1);
    CHECK(result.err.starts_with("gpio-blinkd: error: "));
    CHECK(contains(result.err, "(see gpio-blinkd --help)"));
    CHECK(result.out.empty());
  }
}

TEST_CASE("a bad GPIO_BLINKD_ variable exits 1 naming the variable") {
  auto environment = clean_environment();
  environment["GPIO_BLINKD_ON"] = "1";
  const auto result = run_process(daemon_argv({"--backend", "sim", "PE8"}), environment);
  CHECK(result.exit_code == 1);
  CHECK(result.err ==
        "gpio-blinkd: error: environment variable GPIO_BLINKD_ON '1': the unit is missing; "
        "expected a number with a unit (ns, us, ms, s, m, h), e.g. 500ms, 1.5s, from 1ms to 24h "
        "(see gpio-blinkd --help)\n");
}

TEST_CASE("the sim backend shows each edge on stdout and --count 2 exits 0 with lines off") {
  const auto result = run_process(
      daemon_argv({"--backend", "sim", "--on", "20ms", "--off", "20ms", "--count", "2", "PE8"}),
      clean_environment());
  CHECK(result.exit_code == 0);
  CHECK(count_lines(result.out) == 6);  // off at request, on, off, on, off, released
  CHECK(contains(result.out, "PE8      gpiochip0:136 on\n"));
  CHECK(contains(result.err, "notice  done: 2 blinks per line; every line is off and released"));
}

TEST_CASE("without any GPIO interface, auto explains what it looked for") {
  test_support::TempDir empty;
  const auto result =
      run_process(daemon_argv({"--sysfs-root", empty.path().string(), "17"}), clean_environment());
  CHECK(result.exit_code == 1);
  CHECK(contains(result.err, "error   backend auto: no usable GPIO backend on this machine; "));
  CHECK(contains(result.err,
                 "sysfs: " + (empty.path() / "class/gpio/export").string() + " does not exist"));
}
