#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>

namespace parviz {

// Reads a whole file that ParViz wrote or could have written (a run file, a preset), so that
// no file, however hostile, can take the window's memory or time:
// - only a regular file is read: a device (/dev/zero), a FIFO, a socket or a folder is
//   refused, also behind a symbolic link. The check is made on the opened descriptor, which
//   is opened without blocking, so a FIFO nothing writes to does not hold the caller;
// - a file larger than `maxBytes` is refused before a byte of it is read;
// - at most the size the file had when opened is read, so a file that grows meanwhile never
//   makes the caller hold more than `maxBytes`.
// `what` names such a file in messages: "run file", "preset". Messages do not name the path
// (the caller has it). Error codes: "cannot-open", "not-a-file", "too-large", "cannot-read".
// A path of Qt's resource system (":/presets/...") is read as QFile reads it.
//
// Any thread.
Result<QByteArray> readRegularFile(const QString &path, qint64 maxBytes, const char *what);
// The same for a path in the bytes the system knows it by, which need not be valid UTF-8.
Result<QByteArray> readRegularFile(const QByteArray &nativePath, qint64 maxBytes, const char *what);

} // namespace parviz
