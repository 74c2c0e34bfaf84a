// SPDX-License-Identifier: MIT
// Where the control socket comes from: systemd's socket activation (LISTEN_FDS), or a
// path the daemon binds itself, with the group that may use it. The client side,
// `gpio-blinkd ctl`, is control_client.hpp.
#pragma once

#include <sys/types.h>
#include <sys/un.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hal/posix_file.hpp"
#include "options.hpp"

namespace blinkd {

struct ListeningSocket {
  hal::UniqueFd fd;
  std::string where;  // the path, or what systemd passed
  bool ours = false;  // bound here: its path is removed at exit (systemd's stays)
};

// The socket systemd passed when LISTEN_PID names this process and LISTEN_FDS is at
// least 1 (fd 3, which must be a listening AF_UNIX stream socket). nullopt when not
// activated; `problem` says why the variables were not used when they were malformed.
[[nodiscard]] std::optional<ListeningSocket> activated_socket(const Environment& environment,
                                                              pid_t self, std::string& problem);

// The default path: /run/gpio-blinkd/control for root, $XDG_RUNTIME_DIR/gpio-blinkd/control
// for others; nullopt when there is none (no XDG_RUNTIME_DIR).
[[nodiscard]] std::optional<std::string> default_control_path(const Environment& environment,
                                                              uid_t uid);

// The system daemon's socket (systemd's gpio-blinkd.socket, or a root daemon's own).
inline constexpr std::string_view kSystemControlPath = "/run/gpio-blinkd/control";

// A sockaddr_un for `path`; nullopt when it is empty or too long for one.
[[nodiscard]] std::optional<sockaddr_un> socket_address(const std::string& path);

// Binds and listens on `path`: its directory made when missing, a stale socket (one
// nobody accepts on) replaced, anything else refused; mode 0660, group `group` when
// given. Throws hal::Error naming the path.
[[nodiscard]] ListeningSocket bind_control_socket(const std::string& path,
                                                  std::optional<gid_t> group);

// A group name looked up in `group_file` (a static binary has no NSS), or a number.
// Throws UsageError naming the group and the file.
[[nodiscard]] gid_t resolve_group(std::string_view name_or_number,
                                  const std::filesystem::path& group_file = "/etc/group");
// The same lookup in the text of a group file ("name:password:gid:members" lines);
// `file` names it in messages.
[[nodiscard]] gid_t group_id_in(std::string_view text, std::string_view name,
                                std::string_view file);

}  // namespace blinkd
