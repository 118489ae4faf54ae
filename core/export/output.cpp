#include "export/output.h"

#include <QFile>
#include <QSaveFile>

#include <cstdio>

namespace parviz {

Result<void> writeOutput(const QString &path, const std::function<bool(QIODevice &)> &write)
{
    if (path == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly, QFileDevice::DontCloseHandle))
            return Error{QStringLiteral("write-failed"),
                QStringLiteral("cannot write to standard output: %1").arg(out.errorString())};
        if (!write(out) || !out.flush())
            return Error{QStringLiteral("write-failed"),
                QStringLiteral("writing to standard output failed: %1").arg(out.errorString())};
        return {};
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("write-failed"),
            QStringLiteral("cannot write '%1': %2").arg(path, file.errorString())};
    if (!write(file)) {
        const QString why = file.errorString();
        file.cancelWriting();
        return Error{QStringLiteral("write-failed"),
            QStringLiteral("writing '%1' failed: %2").arg(path, why)};
    }
    if (!file.commit())
        return Error{QStringLiteral("write-failed"),
            QStringLiteral("cannot finish writing '%1': %2").arg(path, file.errorString())};
    return {};
}

} // namespace parviz
