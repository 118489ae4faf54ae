#pragma once

#include <spawn.h>

namespace parviz {

// A program that ParViz starts begins with no signal blocked and every signal's default
// action, whatever the thread that starts it has. parviz-cli blocks SIGINT and SIGTERM in all
// its threads (one thread waits for them, see StopOnSignal), and a signal mask is inherited
// through fork and exec: a worker process or a Python interpreter would otherwise ignore
// Ctrl+C and `kill -TERM` for good, and so would the processes it starts in turn. An ignored
// signal (SIG_IGN) is inherited too; a handled one is reset by exec anyway.

// Sets `attributes` (initialised) so that posix_spawn starts the child that way.
void setDefaultSignals(posix_spawnattr_t &attributes);

// The same between fork and exec, in the child (QProcess::setChildProcessModifier()): only
// async-signal-safe calls.
void resetSignalsInChild() noexcept;

} // namespace parviz
