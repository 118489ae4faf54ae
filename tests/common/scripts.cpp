#include "scripts.h"

#include <QFile>

namespace parviz::test {

bool writeScript(const QString &path, const QByteArray &text)
{
    QFile script(path);
    if (!script.open(QIODevice::WriteOnly) || script.write(text) != text.size())
        return false;
    script.close();
    return script.setPermissions(script.permissions() | QFileDevice::ExeOwner);
}

bool writeLoggingPython(const QString &path, const QString &log)
{
    return writeScript(path,
        QStringLiteral("#!/bin/sh\n"
                       "printf '%s' \"$*\" | tr '\\n' ' ' >> '%1'\n"
                       "echo >> '%1'\n"
                       "exec /usr/bin/python3 \"$@\"\n")
            .arg(log)
            .toUtf8());
}

QList<QByteArray> loggedStarts(const QString &log)
{
    QFile file(log);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll().trimmed();
    return text.isEmpty() ? QList<QByteArray>{} : text.split('\n');
}

} // namespace parviz::test
