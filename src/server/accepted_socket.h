// The socket httplib accepted last on this thread. httplib (Debian's compiled libcpp-httplib
// 0.11) hands an accepted connection to its TaskQueue as an opaque closure and offers no hook
// that sees the socket, yet ConnectionWatchdog must know it to end a connection that stalls
// before its headers are in. So this file defines `accept` itself: the executable's definition
// comes first in the dynamic linker's lookup, the library's call lands here, and the socket is
// remembered for the same thread's enqueue() that follows. It calls accept4(), a separate
// symbol, so nothing recurses; every other caller of accept() gets the same result as before.
// Thread-safety: per thread (the accept loop and its enqueue() run on one thread).
#pragma once

namespace eddy::server {

// The socket the calling thread accepted last, or -1; forgets it.
int take_last_accepted_socket();

}  // namespace eddy::server
