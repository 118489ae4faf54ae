#include "truth/python.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>

namespace parviz {

namespace {

// Runs `path` once: its version, and whether it imports joblib. Empty when it does not run.
std::optional<PythonInterpreter> probe(const QString &path)
{
    if (path.isEmpty() || !QFileInfo(path).isExecutable())
        return std::nullopt;
    QProcess python;
    python.setProcessChannelMode(QProcess::SeparateChannels);
    python.start(path,
        {QStringLiteral("-c"),
            QStringLiteral("import sys\n"
                           "print('%d.%d.%d' % sys.version_info[:3])\n"
                           "try:\n"
                           "    import joblib\n"
                           "    print('joblib')\n"
                           "except ImportError:\n"
                           "    pass\n")});
    if (!python.waitForFinished(10'000)) {
        python.kill();
        python.waitForFinished();
        return std::nullopt;
    }
    if (python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0)
        return std::nullopt;
    const QStringList lines =
        QString::fromLocal8Bit(python.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty() || !lines.first().startsWith(u'3'))
        return std::nullopt; // Python 2, or not Python at all
    return PythonInterpreter{
        path, lines.first().trimmed(), lines.contains(QStringLiteral("joblib"))};
}

} // namespace

Result<void> PythonInterpreter::canRun(const QString &strategy) const
{
    if (strategy == QLatin1String("batched") && !hasJoblib)
        return Error{QStringLiteral("no-joblib"),
            QStringLiteral("%1 cannot import joblib, which the batched strategy's program uses "
                           "(Debian: apt-get install python3-joblib)")
                .arg(path)};
    return {};
}

Result<PythonInterpreter> findPython(const QString &chosen)
{
    if (!chosen.isEmpty()) {
        const QString path =
            chosen.contains(u'/') ? chosen : QStandardPaths::findExecutable(chosen);
        if (auto python = probe(path))
            return *python;
        return Error{QStringLiteral("no-python"),
            QStringLiteral("%1 does not run as Python 3 (choose another interpreter, or install "
                           "Debian's python3)")
                .arg(chosen)};
    }
    if (const QString given = qEnvironmentVariable("PARVIZ_PYTHON"); !given.isEmpty())
        return findPython(given);
    QStringList candidates{QStandardPaths::findExecutable(QStringLiteral("python3")),
        QStringLiteral("/usr/bin/python3")};
    candidates.removeDuplicates();
    std::optional<PythonInterpreter> first;
    for (const QString &candidate : candidates) {
        auto python = probe(candidate);
        if (!python)
            continue;
        if (python->hasJoblib)
            return *python;
        if (!first)
            first = python;
    }
    if (first)
        return *first;
    return Error{QStringLiteral("no-python"),
        QStringLiteral("no python3 was found on PATH or at /usr/bin/python3 (Debian: apt-get "
                       "install python3 python3-joblib)")};
}

} // namespace parviz
