// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include "hal/registry.hpp"
#include "support/temp_dir.hpp"

namespace {

struct SimFixture {
  test_support::TempDir dir;
  int display = ::open((dir.path() / "display").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  std::unique_ptr<hal::Backend> backend;
  SimFixture() {
    hal::BackendOptions options;
    options.display_fd = display;
    backend = hal::make_backend("sim", options);
  }
  SimFixture(const SimFixture&) = delete;
  SimFixture& operator=(const SimFixture&) = delete;
  SimFixture(SimFixture&&) = delete;
  SimFixture& operator=(SimFixture&&) = delete;
  ~SimFixture() { ::close(display); }
  [[nodiscard]] hal::Lines open(const char* spec, const hal::LineSettings& settings = {}) const {
    const hal::LineSpec parsed = hal::parse_line_spec(spec);
    return hal::open_lines(*backend, std::span(&parsed, 1), settings);
  }
  std::string shown() const { return test_support::read_file(dir.path() / "display"); }
};

}  // namespace

TEST_CASE("the sim board has the seed's PE8 at 136 and a Pi-like header at base 512") {
  SimFixture sim;
  const auto pe8 = sim.backend->resolve(hal::parse_line_spec("136"));
  CHECK(pe8.name == "PE8");
  CHECK(pe8.chip == "gpiochip0");
  const auto gpio17 = sim.backend->resolve(hal::parse_line_spec("sim-header:17"));
  CHECK(gpio17.global == 529U);
  CHECK(gpio17.name == "GPIO17");
  const auto chips = sim.backend->list_chips();
  REQUIRE(chips.size() == 2);
  CHECK(chips[1].base == 512U);
  CHECK(chips[1].lines.size() == 28);
}

TEST_CASE("sim lines show every level change physical level included when active-low") {
  SimFixture sim;
  hal::LineSettings active_low;
  active_low.active_low = true;
  {
    auto line = sim.open("GPIO17", active_low);
    line.set(0, true);
    line.set(0, true);  // no change, nothing shown
    line.set(0, false);
  }
  const std::string shown = sim.shown();
  CHECK(shown.find("GPIO17   gpiochip1:17  off (active-low: physical high)\n") !=
        std::string::npos);
  CHECK(shown.find("GPIO17   gpiochip1:17  on  (active-low: physical low)\n") != std::string::npos);
  CHECK(shown.find("released") != std::string::npos);
  CHECK(std::count(shown.begin(), shown.end(), '\n') == 4);
}

TEST_CASE("a sim line is busy while held and free again once released") {
  SimFixture sim;
  auto held = sim.open("PE8");
  CHECK_THROWS_WITH_AS(
      (void)sim.open("136"),
      "line '136': gpiochip0 [sim-soc] offset 136 (PE8, global 136) is busy: Device or resource "
      "busy; already requested by consumer 'gpio-blinkd'",
      hal::Error);
  CHECK(sim.backend->list_chips()[0].lines[136].used);
  (void)held.release();
  CHECK_FALSE(sim.backend->list_chips()[0].lines[136].used);
  CHECK_NOTHROW((void)sim.open("136"));
}

TEST_CASE("at release every sim line is driven off, then kept, parked or released as asked") {
  SimFixture sim;
  hal::LineSettings park;
  park.on_exit = hal::OnExit::Park;
  park.active_low = true;
  hal::LineSettings keep;
  keep.on_exit = hal::OnExit::Keep;
  {
    auto parked = sim.open("GPIO17", park);
    auto kept = sim.open("GPIO27", keep);
    auto released = sim.open("PE8");
    parked.set(0, true);
    kept.set(0, true);
    released.set(0, true);
  }
  const std::string shown = sim.shown();
  CHECK(shown.find("GPIO17   gpiochip1:17  off (active-low: physical high)\nsim") !=
        std::string::npos);
  CHECK(shown.find("GPIO17   gpiochip1:17  released, parked as an input pulled up\n") !=
        std::string::npos);
  CHECK(shown.find("GPIO27   gpiochip1:27  released, kept as an output at its off level\n") !=
        std::string::npos);
  CHECK(shown.find("PE8      gpiochip0:136 released\n") != std::string::npos);
  // Each on was followed by its off before the release.
  CHECK(shown.rfind("PE8      gpiochip0:136 off") > shown.find("PE8      gpiochip0:136 on"));
}
