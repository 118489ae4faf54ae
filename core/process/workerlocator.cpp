#include "process/workerlocator.h"

#include <QByteArray>
#include <QtGlobal>

#include <climits>
#include <unistd.h>

namespace parviz {

namespace {
constexpr const char *WorkerName = "parviz-worker";

std::string runningProgramFolder()
{
    char path[PATH_MAX];
    const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0)
        return {};
    const std::string program(path, static_cast<std::size_t>(length));
    return program.substr(0, program.rfind('/'));
}
} // namespace

Result<std::string> locateWorker()
{
    const QByteArray configured = qgetenv("PARVIZ_WORKER");
    const std::string candidate = !configured.isEmpty() ? configured.toStdString()
                                                        : runningProgramFolder() + '/' + WorkerName;
    if (::access(candidate.c_str(), X_OK) == 0)
        return candidate;
    return Error{QStringLiteral("worker-missing"),
        QStringLiteral("cannot find the worker program: %1 %2 (it is built and installed "
                       "with ParViz; set PARVIZ_WORKER to its path)")
            .arg(QString::fromStdString(candidate),
                ::access(candidate.c_str(), F_OK) == 0 ? QStringLiteral("is not executable")
                                                       : QStringLiteral("does not exist"))};
}

} // namespace parviz
