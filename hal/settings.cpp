// SPDX-License-Identifier: MIT
#include "hal/settings.hpp"

#include <array>

namespace hal {

const SettingDecl kSysfsRootSetting{
    "sysfs-root", SettingKind::Path, "DIR",
    "where sysfs is mounted: chips, bases and the sysfs GPIO interface are found under it",
    std::string("/sys")};

const SettingDecl kDevRootSetting{
    "dev-root", SettingKind::Path, "DIR",
    "where the GPIO character devices (gpiochipN) are found, e.g. a directory of devices "
    "passed to a container",
    std::string("/dev")};

std::span<const SettingDecl> core_settings() {
  static const std::array all{kSysfsRootSetting, kDevRootSetting};
  return all;
}

void Settings::set(std::string_view name, SettingValue value) {
  values_.insert_or_assign(std::string(name), std::move(value));
}

bool Settings::contains(std::string_view name) const {
  return values_.find(name) != values_.end();
}

const SettingValue& Settings::value_of(const SettingDecl& decl) const {
  const auto found = values_.find(decl.name);
  return found == values_.end() ? decl.default_value : found->second;
}

bool Settings::flag(const SettingDecl& decl) const {
  return std::get<bool>(value_of(decl));
}

std::chrono::nanoseconds Settings::duration(const SettingDecl& decl) const {
  return std::get<std::chrono::nanoseconds>(value_of(decl));
}

const std::string& Settings::text(const SettingDecl& decl) const {
  return std::get<std::string>(value_of(decl));
}

}  // namespace hal
