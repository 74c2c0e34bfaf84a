// SPDX-License-Identifier: MIT
// gpio-blinkd: options -> lines -> scheduler -> event loop.
// Exit status: 0 after a stop signal or a finished --count, 1 on every error (bad
// arguments included), so Docker's and systemd's restart policies apply.
#include <unistd.h>

#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "chip_listing.hpp"
#include "command_line.hpp"
#include "control_client.hpp"
#include "daemon.hpp"
#include "hal/registry.hpp"
#include "help.hpp"
#include "log.hpp"
#include "signals.hpp"
#include "version.hpp"

namespace blinkd {
namespace {

std::string version_text() {
  std::string text = fmt::format("gpio-blinkd {}\nbackends:\n", kVersion);
  for (const auto& backend : hal::backends()) {
    text += fmt::format("  {:<6} {}\n", backend.name, backend.summary);
  }
  return text;
}

// Output a user asked for (--help, --list, ...): all of it or an error naming stdout.
int print(std::string_view text, SystemEvents& events, const Logger& logger) {
  const OutputChannel out(STDOUT_FILENO);
  const int err = out.write_all(text, pauser(events));
  if (err == EINTR) {
    return kExitOk;  // a stop was asked for: no error
  }
  if (err != 0) {
    logger.error("standard output: writing failed: {}", std::strerror(err));
    return kExitFailure;
  }
  return kExitOk;
}

int list_chips(const Options& options, SystemEvents& events, const Logger& logger) {
  // The chips and lines only: nothing is requested.
  try {
    auto backend = hal::make_backend(options.backend, backend_options(options, events, logger));
    const std::string listing = format_chip_listing(backend->list_chips());
    return print(fmt::format("{}(backend {})\n", listing, backend->name()), events, logger);
  } catch (const hal::Interrupted&) {
    return kExitOk;
  } catch (const hal::Error& error) {
    logger.error("{}", error.what());
    return kExitFailure;
  }
}

void print_usage_error(const std::string& message, const Logger& logger, LogStyle style) {
  if (style == LogStyle::Journal) {
    logger.always(LogLevel::Error, "{} (see gpio-blinkd --help)", message);
  } else {
    logger.write_plain(fmt::format("gpio-blinkd: error: {} (see gpio-blinkd --help)\n", message));
  }
}

int run(int argc, char** argv) {
  const Environment environment = current_environment();
  if (argc >= 2 && std::string_view(argv[1]) == "ctl") {
    return run_ctl(std::span<const char* const>(argv + 2, static_cast<std::size_t>(argc - 2)),
                   environment);
  }
  SystemEvents events;  // from here on a stop signal is honoured at any moment
  const LogStyle style = detect_log_style(STDERR_FILENO, environment);
  Logger logger(STDERR_FILENO, LogLevel::Info, style);
  ParsedCommandLine parsed;
  try {
    parsed = parse_command_line(
        std::span<const char* const>(argv + 1, static_cast<std::size_t>(argc - 1)), environment);
  } catch (const UsageError& error) {
    print_usage_error(error.what(), logger, style);
    return kExitFailure;
  }
  logger.set_threshold(parsed.options.log_level);
  for (const auto& notice : parsed.notices) {
    logger.notice("{}", notice);
  }
  switch (parsed.action) {
    case Action::Help:
      return print(help_text(option_table()), events, logger);
    case Action::Version:
      return print(version_text(), events, logger);
    case Action::Check:
      return print(configuration_text(parsed.options), events, logger);
    case Action::List:
      return list_chips(parsed.options, events, logger);
    case Action::Run:
      break;
  }
  return run_daemon(parsed.options, environment, events, logger);
}

}  // namespace
}  // namespace blinkd

int main(int argc, char** argv) {
  blinkd::ensure_standard_descriptors();  // before anything opens a file
  try {
    return blinkd::run(argc, argv);
  } catch (const std::exception& error) {
    const std::string line = fmt::format("gpio-blinkd: error: {}\n", error.what());
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
    return blinkd::kExitFailure;
  } catch (...) {
    constexpr std::string_view kLine = "gpio-blinkd: error: an unknown failure\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, kLine.data(), kLine.size());
    return blinkd::kExitFailure;
  }
}
