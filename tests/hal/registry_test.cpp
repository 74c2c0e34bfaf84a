// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "hal/registry.hpp"

TEST_CASE("every backend folder is registered sim is never chosen automatically") {
  const auto* sim = hal::find_backend("sim");
  const auto* sysfs = hal::find_backend("sysfs");
  REQUIRE(sim != nullptr);
  REQUIRE(sysfs != nullptr);
  CHECK(sim->auto_priority == 0);
  CHECK(sysfs->auto_priority > 0);
  CHECK(hal::find_backend("nonesuch") == nullptr);
}

TEST_CASE("auto without any usable backend explains why each candidate was refused") {
  hal::BackendOptions options;
  options.settings.set(hal::kSysfsRootSetting, std::string("/nonexistent-sysfs-root"));
  options.settings.set(hal::kDevRootSetting, std::string("/nonexistent-dev"));
  try {
    (void)hal::make_backend("auto", options);
    FAIL("auto chose a backend on a machine without GPIO");
  } catch (const hal::Error& error) {
    const std::string message = error.what();
    CHECK(message.starts_with("backend auto: no usable GPIO backend on this machine; "));
    CHECK(message.find("sysfs: /nonexistent-sysfs-root/class/gpio/export does not exist") !=
          std::string::npos);
    if (hal::find_backend("gpiod") != nullptr) {
      // The character device is preferred, so it is explained first.
      CHECK(message.find("gpiod: no /dev/gpiochipN under /nonexistent-dev; sysfs:") !=
            std::string::npos);
    }
  }
}

TEST_CASE("asking for a backend that is not compiled in names the ones that are") {
  CHECK_THROWS_WITH_AS((void)hal::make_backend("nonesuch", {}),
                       doctest::Contains("backend 'nonesuch': not compiled into this binary; "
                                         "available: "),
                       hal::Error);
}
