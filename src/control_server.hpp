// SPDX-License-Identifier: MIT
// The control socket's server side, in the blink loop's thread: the loop waits on its
// descriptors with its deadlines, and hands what is ready to service(). Every client is
// bounded (request size, reply backlog, idle time, how many at once) and never blocks:
// garbage, half lines, floods, slow readers and clients that vanish get an error or a
// close, never a wait.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "hal/posix_file.hpp"
#include "scheduler.hpp"

namespace blinkd {

inline constexpr std::size_t kMaxClients = 16;
inline constexpr Duration kClientIdle = std::chrono::seconds(30);
inline constexpr std::size_t kMaxReplyBacklog = std::size_t{64} * 1024;
inline constexpr std::size_t kRequestsPerWake = 16;

// Who is at the other end (SO_PEERCRED).
struct Peer {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Runs one request line and returns the whole reply text.
using Executor = std::function<std::string(std::string_view request, const Peer& peer)>;

class ControlServer {
 public:
  // `listener`: a listening AF_UNIX stream socket (made non-blocking here). When
  // `unlink_at_exit`, `where` is the socket's path, removed when the server goes.
  ControlServer(hal::UniqueFd listener, std::string where, bool unlink_at_exit = false);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;
  ControlServer(ControlServer&&) = delete;
  ControlServer& operator=(ControlServer&&) = delete;

  // Appends the descriptors to wait on: the listener, every client (for output too when
  // a reply is pending).
  void add_poll_fds(std::vector<pollfd>& fds) const;
  // Serves what `fds` (as filled by add_poll_fds and returned by poll) says is ready:
  // at most kRequestsPerWake requests per call, the rest on the next.
  void service(std::span<const pollfd> fds, Instant now, const Executor& execute);
  // The earliest idle timeout of a client; `now` when requests are waiting already.
  [[nodiscard]] Instant next_deadline(Instant now) const;

  [[nodiscard]] const std::string& where() const { return where_; }
  [[nodiscard]] std::size_t clients() const { return clients_.size(); }
  [[nodiscard]] std::uint64_t refused() const { return refused_; }

 private:
  struct Client {
    hal::UniqueFd fd;
    Peer peer;
    std::string in;   // received, not yet a whole request
    std::string out;  // replies not yet sent
    Instant last_active{};
    bool closing = false;  // close once `out` is sent
  };

  void accept_clients(Instant now);
  void receive(Client& client, Instant now);
  void send_pending(Client& client);
  [[nodiscard]] bool has_request(const Client& client) const;

  hal::UniqueFd listener_;
  std::string where_;
  bool unlink_at_exit_;
  std::vector<Client> clients_;
  std::size_t next_client_ = 0;  // round robin over clients with requests
  std::uint64_t refused_ = 0;    // connections refused for too many clients
};

}  // namespace blinkd
