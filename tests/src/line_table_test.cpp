// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "command_line.hpp"
#include "line_table.hpp"

using namespace std::chrono_literals;
using namespace blinkd;

namespace {

constexpr Instant kEpoch = 100s;

struct Table {
  Options options;
  std::optional<LineTable> table;
  explicit Table(std::vector<const char*> args) {
    options = parse_command_line(args, {}).options;
    std::vector<hal::ResolvedLine> resolved(options.lines.size());
    resolved[0].name = "GPIO17";
    table.emplace(options.lines, resolved, kEpoch, options.count, options.initial_state);
  }
  [[nodiscard]] std::string pattern(std::size_t line) const {
    return table->rows()[line].schedule.pattern().text;
  }
};

}  // namespace

TEST_CASE("a state applies to every line that defines it and the others keep theirs") {
  Table t({"--state", "ok=slow", "--state", "error=fast", "a,state.error=heartbeat", "b",
           "c,pattern=on"});
  CHECK(t.pattern(0) == "blink");
  auto reply = t.table->show_state("error", kEpoch + 1s);
  CHECK(reply.ok);
  CHECK(reply.changed);
  CHECK(reply.message == "state error on 3 lines");
  CHECK(t.pattern(0) == "heartbeat");  // its own
  CHECK(t.pattern(1) == "fast");
  CHECK(t.pattern(2) == "fast");
  reply = t.table->show_state("party", kEpoch + 2s);
  CHECK_FALSE(reply.ok);
  CHECK(reply.message == "no line defines state 'party'; defined: error, ok");
  CHECK(t.table->state() == "error");
}

TEST_CASE("set overrides a line until reset whatever state comes, with timing keys only") {
  Table t({"--state", "ok=slow", "--initial-state", "ok", "a", "b"});
  CHECK(t.pattern(0) == "slow");
  auto reply = t.table->set("a", "pattern=morse:SOS HELP", kEpoch + 1s);
  CHECK(reply.ok);
  CHECK(reply.message == "line a shows morse:SOS_HELP");
  CHECK(t.table->show_state("ok", kEpoch + 2s).ok);
  CHECK(t.pattern(0) == "morse:SOS HELP");  // the override wins over a later state
  // on/off alone: a blink of those.
  CHECK(t.table->set("b", "on=100ms,off=900ms", kEpoch + 3s).ok);
  CHECK(t.table->rows()[1].schedule.pattern().segments == std::vector<Duration>{100ms, 900ms});
  reply = t.table->set("a", "drive=open-drain", kEpoch + 4s);
  CHECK_FALSE(reply.ok);
  CHECK(reply.message.find("'drive' cannot be set at run time") != std::string::npos);
  reply = t.table->set("a", "pattern=sparkle", kEpoch + 4s);
  CHECK_FALSE(reply.ok);
  CHECK(reply.message.starts_with("line 'a': pattern 'sparkle': not a pattern name"));
  CHECK(t.pattern(0) == "morse:SOS HELP");  // a failed set changes nothing
  CHECK_FALSE(t.table->set("z", "pattern=on", kEpoch + 4s).ok);
  // reset LINE: back to what the configuration and the current state give.
  CHECK(t.table->reset(std::string("a"), kEpoch + 5s).ok);
  CHECK(t.pattern(0) == "slow");
  // reset: everything, the initial state too.
  CHECK(t.table->reset(std::nullopt, kEpoch + 6s).ok);
  CHECK(t.pattern(1) == "slow");
  CHECK(t.table->state() == "ok");
}

TEST_CASE("identify blinks fast for its time, then the line shows what it showed before") {
  Table t({"--state", "ok=slow", "a", "b"});
  CHECK(t.table->identify(std::string("a"), 15s, kEpoch + 1s).ok);
  CHECK(t.pattern(0) == "identify");
  CHECK(t.pattern(1) == "blink");
  CHECK(t.table->next_deadline() == kEpoch + 16s);
  // A state arriving meanwhile is shown once identify ends.
  CHECK(t.table->show_state("ok", kEpoch + 5s).ok);
  CHECK(t.pattern(0) == "identify");
  t.table->expire(kEpoch + 15s);
  CHECK(t.pattern(0) == "identify");
  t.table->expire(kEpoch + 16s);
  CHECK(t.pattern(0) == "slow");
  CHECK(t.table->next_deadline() == kNever);
  // Every line, by its line name as well as its configured text.
  CHECK(t.table->identify(std::nullopt, 2s, kEpoch + 20s).ok);
  CHECK(t.pattern(1) == "identify");
  CHECK(t.table->find("GPIO17") == &t.table->rows()[0]);
}

TEST_CASE("status gives a data line per line with where its pattern comes from") {
  Table t({"--state", "busy=heartbeat", "a", "b,pattern=on"});
  (void)t.table->show_state("busy", kEpoch);
  (void)t.table->set("b", "pattern=fast", kEpoch);
  const Reply reply = t.table->status(kEpoch);
  REQUIRE(reply.data.size() == 3);
  CHECK(reply.data[0] == "state busy");
  CHECK(
      reply.data[1].starts_with("line a chip=- offset=0 name=GPIO17 pattern=heartbeat "
                                "from=state:busy level=off edges=0 cycles=0"));
  CHECK(reply.data[2].find("pattern=fast from=set") != std::string::npos);
  CHECK(reply.message == "2 lines");
}

TEST_CASE("a snapshot keeps what was asked, and restores it") {
  Table t({"--state", "ok=slow", "--state", "error=fast", "a", "b"});
  CHECK(t.table->snapshot() == ControlSnapshot{});
  (void)t.table->show_state("error", kEpoch);
  (void)t.table->set("b", "on=10ms,off=90ms", kEpoch);
  (void)t.table->identify(std::nullopt, 10s, kEpoch);  // temporary: not kept
  const ControlSnapshot kept = t.table->snapshot();
  CHECK(kept.state == "error");
  CHECK(kept.sets == std::vector<std::pair<std::string, std::string>>{{"b", "on=10ms,off=90ms"}});
  Table fresh({"--state", "ok=slow", "--state", "error=fast", "a", "b"});
  CHECK(fresh.table->restore(kept, kEpoch).empty());
  CHECK(fresh.pattern(0) == "fast");
  CHECK(fresh.pattern(1) == "blink");
  CHECK(fresh.table->rows()[1].schedule.pattern().segments == std::vector<Duration>{10ms, 90ms});
  const ControlSnapshot stale{std::string("gone"), {{"z", "pattern=on"}}};
  CHECK(fresh.table->restore(stale, kEpoch).size() == 2);
}
