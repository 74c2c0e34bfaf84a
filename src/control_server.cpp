// SPDX-License-Identifier: MIT
#include "control_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include <fmt/format.h>

#include "control_protocol.hpp"

namespace blinkd {
namespace {

constexpr std::size_t kAcceptsPerWake = 8;

Peer peer_of(int fd) {
  ucred credentials{};
  socklen_t size = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0) {
    return Peer{};
  }
  return Peer{credentials.pid, credentials.uid, credentials.gid};
}

}  // namespace

ControlServer::~ControlServer() {
  if (unlink_at_exit_) {
    ::unlink(where_.c_str());
  }
}

ControlServer::ControlServer(hal::UniqueFd listener, std::string where, bool unlink_at_exit)
    : listener_(std::move(listener)), where_(std::move(where)), unlink_at_exit_(unlink_at_exit) {
  const int flags = ::fcntl(listener_.get(), F_GETFL);
  ::fcntl(listener_.get(), F_SETFL, flags | O_NONBLOCK);
  ::fcntl(listener_.get(), F_SETFD, FD_CLOEXEC);
}

void ControlServer::add_poll_fds(std::vector<pollfd>& fds) const {
  fds.push_back(pollfd{listener_.get(), POLLIN, 0});
  for (const auto& client : clients_) {
    const bool wants_input = !client.closing && client.in.size() < kMaxRequest;
    const auto events =
        static_cast<short>((wants_input ? POLLIN : 0) | (client.out.empty() ? 0 : POLLOUT));
    fds.push_back(pollfd{client.fd.get(), events, 0});
  }
}

bool ControlServer::has_request(const Client& client) const {
  return !client.closing && client.in.find('\n') != std::string::npos;
}

Instant ControlServer::next_deadline(Instant now) const {
  Instant deadline = kNever;
  for (const auto& client : clients_) {
    if (has_request(client)) {
      return now;
    }
    deadline = std::min(deadline, client.last_active + kClientIdle);
  }
  return deadline;
}

void ControlServer::accept_clients(Instant now) {
  for (std::size_t accepted = 0; accepted < kAcceptsPerWake; ++accepted) {
    hal::UniqueFd fd(hal::retry_eintr([&] {
      return ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    }));
    if (!fd.valid()) {
      return;  // EAGAIN: no more waiting; other errors (EMFILE...) wait for the next wake
    }
    if (clients_.size() >= kMaxClients) {
      ++refused_;
      const std::string reply =
          format_reply({}, false, fmt::format("too many clients (at most {})", kMaxClients));
      (void)::send(fd.get(), reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      continue;  // closed by fd's destructor
    }
    Client client;
    client.peer = peer_of(fd.get());
    client.fd = std::move(fd);
    client.last_active = now;
    clients_.push_back(std::move(client));
  }
}

void ControlServer::receive(Client& client, Instant now) {
  std::array<char, 2048> buffer{};
  const ssize_t size = hal::retry_eintr(
      [&] { return ::recv(client.fd.get(), buffer.data(), buffer.size(), MSG_DONTWAIT); });
  if (size == 0 || (size < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
    client.closing = true;  // gone: nobody is left to read a reply
    client.out.clear();
    return;
  }
  if (size < 0) {
    return;
  }
  client.last_active = now;
  client.in.append(buffer.data(), static_cast<std::size_t>(size));
  // A request is at most kMaxRequest bytes with its newline: more without one is no
  // request, and nothing after it is read.
  const auto newline = client.in.find('\n');
  if ((newline == std::string::npos ? client.in.size() : newline + 1) > kMaxRequest) {
    client.out += format_reply(
        {}, false, fmt::format("request longer than {} bytes; closing", kMaxRequest - 1));
    client.in.clear();
    client.closing = true;
  }
}

void ControlServer::send_pending(Client& client) {
  while (!client.out.empty()) {
    const ssize_t sent = hal::retry_eintr([&] {
      return ::send(client.fd.get(), client.out.data(), client.out.size(),
                    MSG_DONTWAIT | MSG_NOSIGNAL);
    });
    if (sent < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        client.out.clear();  // the reader vanished
        client.closing = true;
      }
      break;
    }
    client.out.erase(0, static_cast<std::size_t>(sent));
  }
  if (client.out.size() > kMaxReplyBacklog) {
    client.out.clear();  // a reader this slow gets no more: closed
    client.closing = true;
  }
}

void ControlServer::service(std::span<const pollfd> fds, Instant now, const Executor& execute) {
  for (const auto& ready : fds) {
    if (ready.revents == 0) {
      continue;
    }
    if (ready.fd == listener_.get()) {
      accept_clients(now);
      continue;
    }
    const auto client = std::find_if(clients_.begin(), clients_.end(),
                                     [&](const Client& c) { return c.fd.get() == ready.fd; });
    if (client == clients_.end()) {
      continue;
    }
    if ((ready.revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !client->closing) {
      receive(*client, now);
    }
  }
  // Requests, round robin across clients, a bounded number per wake.
  for (std::size_t served = 0, idle_turns = 0;
       served < kRequestsPerWake && !clients_.empty() && idle_turns < clients_.size();) {
    Client& client = clients_[next_client_ % clients_.size()];
    ++next_client_;
    if (!has_request(client)) {
      ++idle_turns;
      continue;
    }
    idle_turns = 0;
    const auto newline = client.in.find('\n');
    const std::string request = client.in.substr(0, newline);
    client.in.erase(0, newline + 1);
    client.out += execute(request, client.peer);
    ++served;
  }
  for (auto& client : clients_) {
    const std::size_t pending = client.out.size();
    send_pending(client);
    if (client.out.size() < pending) {
      client.last_active = now;
    }
    if (now - client.last_active >= kClientIdle) {
      client.closing = true;  // idle: a half line never came whole, or a reply is never read
      client.out.clear();
    }
  }
  std::erase_if(clients_,
                [](const Client& client) { return client.closing && client.out.empty(); });
}

}  // namespace blinkd
