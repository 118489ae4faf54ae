#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace parviz::test {

// Writes `text` (a "#!/bin/sh" script, say) to `path` and lets its owner run it. False if it
// could not.
bool writeScript(const QString &path, const QByteArray &text);
// Writes at `path` an interpreter that is /usr/bin/python3, but first appends the arguments it
// was started with, as one line (its newlines as spaces), to the file `log`: how often and for what
// a command started its Python. False if it could not.
bool writeLoggingPython(const QString &path, const QString &log);
// The lines writeLoggingPython()'s interpreter wrote to `log`, one a start; none if it was never
// started.
QList<QByteArray> loggedStarts(const QString &log);

} // namespace parviz::test
