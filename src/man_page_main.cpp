// SPDX-License-Identifier: MIT
// gpio-blinkd-man: writes gpio-blinkd(8). Run by the build (native builds only), so the
// installed page always matches the option table of the same source.
//
//   gpio-blinkd-man --output FILE --date YYYY-MM-DD --config-file PATH
//                   --instance-dir DIR --doc-dir DIR
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "man_page.hpp"
#include "version.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: gpio-blinkd-man --output FILE --date YYYY-MM-DD --config-file PATH "
    "--instance-dir DIR --doc-dir DIR";

int fail(std::string_view message) {
  fmt::print(stderr, "gpio-blinkd-man: {}\n", message);
  return 1;
}

int generate(std::span<char*> args) {
  std::map<std::string_view, std::string> values{{"--output", ""},
                                                 {"--date", ""},
                                                 {"--config-file", ""},
                                                 {"--instance-dir", ""},
                                                 {"--doc-dir", ""}};
  for (std::size_t i = 1; i < args.size(); i += 2) {
    const std::string_view name = args[i];
    const auto entry = values.find(name);
    if (entry == values.end() || i + 1 >= args.size()) {
      return fail(fmt::format("'{}' is not understood; {}", name, kUsage));
    }
    entry->second = args[i + 1];
  }
  for (const auto& [name, value] : values) {
    if (value.empty()) {
      return fail(fmt::format("{} is missing; {}", name, kUsage));
    }
  }
  const blinkd::ManPageInfo info{blinkd::kVersion, values["--date"], values["--config-file"],
                                 values["--instance-dir"], values["--doc-dir"]};
  const std::string page = blinkd::man_page(blinkd::option_table(), info);
  const std::string& path = values["--output"];
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << page;
  out.close();
  if (!out) {
    return fail(fmt::format("{}: writing failed: {}", path, std::strerror(errno)));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return generate(std::span<char*>(argv, static_cast<std::size_t>(argc)));
  } catch (const std::exception& error) {
    // C stdio: reporting the error must not throw again; nothing is left to do if it fails.
    [[maybe_unused]] const int written =
        std::fprintf(stderr, "gpio-blinkd-man: %s\n", error.what());
    return 1;
  }
}
