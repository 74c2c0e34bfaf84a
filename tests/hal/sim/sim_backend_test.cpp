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
    auto line = sim.backend->open_output(hal::parse_line_spec("GPIO17"), active_low, false);
    line->set(true);
    line->set(true);  // no change, nothing shown
    line->set(false);
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
  auto held = sim.backend->open_output(hal::parse_line_spec("PE8"), {}, false);
  CHECK_THROWS_WITH_AS(
      (void)sim.backend->open_output(hal::parse_line_spec("136"), {}, false),
      "line '136': gpiochip0 [sim-soc] offset 136 (PE8, global 136) is busy: Device or resource "
      "busy; already requested by consumer 'gpio-blinkd'",
      hal::Error);
  CHECK(sim.backend->list_chips()[0].lines[136].used);
  held.reset();
  CHECK_FALSE(sim.backend->list_chips()[0].lines[136].used);
  CHECK_NOTHROW((void)sim.backend->open_output(hal::parse_line_spec("136"), {}, false));
}
