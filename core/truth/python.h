#pragma once

#include "util/result.h"

#include <QString>

namespace parviz {

// A CPython interpreter that runs the programs of ParViz's strategies.
struct PythonInterpreter
{
    QString path;
    QString version; // "3.11.2"
    bool hasJoblib = false; // the batched strategy needs it

    // Whether this interpreter can run `strategy`'s program; the error names what to install.
    Result<void> canRun(const QString &strategy) const;
};

// The interpreter to use: `chosen` when given (a preference); else $PARVIZ_PYTHON; else the
// python3 on PATH or Debian's /usr/bin/python3, the first of them that has joblib, or else the
// first that runs at all. The error says what was looked for and what to install.
// Runs each candidate once (about 50 ms each); any thread.
Result<PythonInterpreter> findPython(const QString &chosen = {});

} // namespace parviz
