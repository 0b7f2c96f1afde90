#include "server/accepted_socket.h"

#include <sys/socket.h>

namespace {
thread_local int t_last_accepted = -1;
}

extern "C" int accept(int fd, sockaddr* addr, socklen_t* len) {
  const int s = ::accept4(fd, addr, len, 0);
  t_last_accepted = s;
  return s;
}

namespace eddy::server {

int take_last_accepted_socket() {
  const int s = t_last_accepted;
  t_last_accepted = -1;
  return s;
}

}  // namespace eddy::server
