// SPDX-License-Identifier: MIT
// The daemon's run with a fake backend and clock: whatever ends it, every line is
// driven off and released.
#include <doctest/doctest.h>

#include <stdexcept>

#include "command_line.hpp"
#include "daemon.hpp"
#include "fakes.hpp"

using namespace std::chrono_literals;
using namespace blinkd;

namespace {

// A backend whose lines record what they were told, resolving any line name to an
// offset on one chip.
class FakeBackend final : public hal::Backend {
 public:
  FakeBackend(std::shared_ptr<fakes::BankRecord> record, EventSource& clock)
      : record_(std::move(record)), clock_(clock) {}
  [[nodiscard]] std::string_view name() const override { return "fake"; }
  [[nodiscard]] hal::Lines open(std::span<const hal::LineRequest> requests) override {
    opened = requests.size();
    return fakes::recording_lines(record_, requests.size(), clock_);
  }
  [[nodiscard]] std::vector<hal::ChipInfo> list_chips() override { return {}; }
  std::size_t opened = 0;

 protected:
  [[nodiscard]] std::vector<hal::ResolvedLine> resolve_lines(
      std::span<const hal::LineSpec> specs) override {
    std::vector<hal::ResolvedLine> resolved;
    for (const auto& spec : specs) {
      hal::ResolvedLine line;
      line.chip = "gpiochip0";
      line.offset = static_cast<unsigned>(resolved.size());
      line.name = spec.text;
      resolved.push_back(line);
    }
    return resolved;
  }

 private:
  std::shared_ptr<fakes::BankRecord> record_;
  EventSource& clock_;
};

struct Run {
  fakes::FakeEvents events;
  fakes::RecordingNotifier notifier{events};
  fakes::LogFile log;
  Logger logger{log.fd, LogLevel::Debug, LogStyle::Timestamped};
  std::shared_ptr<fakes::BankRecord> record = std::make_shared<fakes::BankRecord>();

  int run(std::vector<const char*> args) {
    const auto parsed = parse_command_line(args, {});
    const DaemonContext context{[this](const hal::BackendOptions&) {
                                  return std::make_unique<FakeBackend>(record, events);
                                },
                                notifier, std::nullopt, events, logger};
    return run_daemon(parsed.options, context);
  }
  [[nodiscard]] bool notified(std::string_view prefix) const {
    return std::any_of(notifier.messages.begin(), notifier.messages.end(),
                       [&](const auto& message) { return message.second.starts_with(prefix); });
  }
};

}  // namespace

TEST_CASE("a failure that is not the HAL's mid-blink still leaves every line off and released") {
  Run run;
  run.record->fail_at_call = 3;
  run.record->failure = [] { throw std::runtime_error("a bug elsewhere: std::bad_alloc-like"); };
  const int status = run.run({"--on", "100ms", "--off", "100ms", "a", "b", "c"});
  CHECK(status == kExitFailure);
  REQUIRE(run.record->lines.size() == 3);
  CHECK(run.record->released);
  for (const auto& line : run.record->lines) {
    CHECK(line.levels.size() == 3);         // on, off, on: then the failure
    CHECK(line.level_at_release == false);  // driven off at release
  }
  const std::string log = run.log.text();
  CHECK(log.find("error   a bug elsewhere: std::bad_alloc-like") != std::string::npos);
  CHECK(run.notified("STATUS=Failed: a bug elsewhere"));
}

TEST_CASE("the HAL's error mid-blink: exit 1, the error named, every line released") {
  Run run;
  run.record->fail_at_call = 1;
  CHECK(run.run({"--on", "100ms", "--off", "100ms", "a", "b"}) == kExitFailure);
  CHECK(run.record->released);
  CHECK(run.log.text().find("gpio7/value: writing '1' failed: No such device") !=
        std::string::npos);
}

TEST_CASE("lines with the same pattern change at the same instants: one call each") {
  Run run;
  CHECK(run.run({"--on", "100ms", "--off", "100ms", "--count", "3", "a", "b", "c",
                 "d,phase=50ms"}) == kExitOk);
  // a, b and c together; d on its own grid, half a segment later.
  CHECK(run.record->calls == std::vector<std::size_t>{3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1});
  CHECK(run.record->released);
  CHECK(run.notified("STOPPING=1"));
}

TEST_CASE("a stop before the first edge: exit 0, nothing driven, every line released") {
  Run run;
  run.events.signal_at(run.events.now(), SIGTERM);
  CHECK(run.run({"a", "b"}) == kExitOk);
  CHECK(run.record->calls.empty());
  CHECK(run.record->released);
  CHECK(run.log.text().find("SIGTERM received: every line is off and released") !=
        std::string::npos);
}

TEST_CASE("two specs naming one line are refused before anything is opened") {
  Run run;
  struct SameLine final : hal::Backend {
    std::string_view name() const override { return "same"; }
    hal::Lines open(std::span<const hal::LineRequest>) override {
      FAIL("nothing may be opened");
      return {};
    }
    std::vector<hal::ChipInfo> list_chips() override { return {}; }

   protected:
    std::vector<hal::ResolvedLine> resolve_lines(std::span<const hal::LineSpec> specs) override {
      hal::ResolvedLine line;
      line.chip = "gpiochip0";
      line.offset = 17;
      return std::vector<hal::ResolvedLine>(specs.size(), line);
    }
  };
  const auto parsed = parse_command_line(std::vector<const char*>{"GPIO17", "gpiochip0:17"}, {});
  const DaemonContext context{
      [](const hal::BackendOptions&) { return std::make_unique<SameLine>(); }, run.notifier,
      std::nullopt, run.events, run.logger};
  CHECK(run_daemon(parsed.options, context) == kExitFailure);
  CHECK(run.log.text().find("line 'gpiochip0:17': is the same line as 'GPIO17'") !=
        std::string::npos);
}
