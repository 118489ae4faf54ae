#include "python/programgroup.h"

#include "process/childsignals.h"

#include <QProcess>

#include <csignal>
#include <unistd.h>

namespace parviz {

void ProgramGroup::startAlone(QProcess &process)
{
    process.setChildProcessModifier([] {
        resetSignalsInChild();
        ::setpgid(0, 0);
    });
}

void ProgramGroup::signal(int signal) const
{
    if (m_group > 0)
        ::kill(static_cast<pid_t>(-m_group), signal);
}

void ProgramGroup::stop()
{
    if (!m_terminated.isValid()) {
        signal(SIGTERM);
        m_terminated.start();
    } else if (!m_killed.isValid() && m_terminated.elapsed() > StopGraceMs) {
        signal(SIGKILL);
        m_killed.start();
    }
}

} // namespace parviz
