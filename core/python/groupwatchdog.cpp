#include "python/groupwatchdog.h"

#include "python/programgroup.h"

#include <QDir>
#include <QProcess>

namespace parviz {

namespace {

// $1 the group, $2 the folder. A line read: dismissed. End of file: the writer is gone.
// Deaf to the terminal's signals, which are for ParViz's job.
constexpr char WatchScript[] = "trap '' HUP INT QUIT TSTP\n"
                               "if ! read -r _; then\n"
                               "    kill -s KILL -- \"-$1\" 2>/dev/null\n"
                               "    rm -rf -- \"$2\"\n"
                               "fi\n";

} // namespace

GroupWatchdog::GroupWatchdog(qint64 group, const QString &folder)
    : m_folder(folder)
{
    if (group <= 0)
        return;
    auto shell = std::make_unique<QProcess>();
    shell->setProgram(QStringLiteral("/bin/sh"));
    shell->setArguments({QStringLiteral("-c"),
        QString::fromLatin1(WatchScript),
        QStringLiteral("parviz-watchdog"),
        QString::number(group),
        folder});
    shell->setStandardOutputFile(QProcess::nullDevice());
    shell->setStandardErrorFile(QProcess::nullDevice());
    // A group of its own: neither Ctrl+C at the terminal nor ParViz's stop of the program's
    // group reaches it. Its end of the pipe is the only one: QProcess's pipes close on exec.
    ProgramGroup::startAlone(*shell);
    shell->start();
    if (shell->waitForStarted(10'000))
        m_shell = std::move(shell);
    else // the run goes on; only a ParViz killed meanwhile would leave the program running
        qWarning("ParViz: cannot start the watchdog of the traced program: %s",
            qPrintable(shell->errorString()));
}

GroupWatchdog::~GroupWatchdog()
{
    QDir(m_folder).removeRecursively(); // first: dismissed, the watchdog would leave it
    if (!m_shell)
        return;
    m_shell->write("\n");
    m_shell->waitForBytesWritten(1000);
    m_shell->closeWriteChannel();
    if (!m_shell->waitForFinished(2000)) {
        m_shell->kill();
        m_shell->waitForFinished(1000);
    }
}

} // namespace parviz
