#include "localdaskcluster.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>

#include <csignal>
#include <sys/prctl.h>
#include <thread>
#include <unistd.h>

namespace parviz::test {

namespace {

const QString Python = QStringLiteral("/usr/bin/python3");

// How often a log is read again while a process starts.
constexpr std::chrono::milliseconds PollInterval{50};

// Counts the scheduler's workers until there are enough or the time is up; prints the count,
// or -1 when the scheduler does not answer.
const char CountWorkers[] = R"(import sys, time
from distributed import Client
address, wanted, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + seconds
try:
    client = Client(address, timeout=max(2.0, seconds))
except OSError:
    print(-1)
    sys.exit(0)
count = len(client.scheduler_info()["workers"])
while count < wanted and time.monotonic() < deadline:
    time.sleep(0.1)
    count = len(client.scheduler_info()["workers"])
print(count, flush=True)
client.close()
)";

const char CountEvents[] = R"(import sys
from distributed import Client
try:
    client = Client(sys.argv[1], timeout=10)
except OSError:
    print(-1)
    sys.exit(0)
topics = client.get_events()
print(sum(len(events) for topic, events in topics.items() if topic.startswith(sys.argv[2])))
client.close()
)";

// The last line a short Python client printed, as a number; -1 if it did not finish or print
// one.
int lastNumberOf(QProcess &client, std::chrono::milliseconds timeout)
{
    if (!client.waitForFinished(int(timeout.count()))) {
        client.kill();
        client.waitForFinished();
        return -1;
    }
    const QList<QByteArray> lines = client.readAllStandardOutput().trimmed().split('\n');
    bool ok = false;
    const int count = lines.last().trimmed().toInt(&ok);
    return ok ? count : -1;
}

} // namespace

struct LocalDaskCluster::Process
{
    QProcess process;
    QString logPath;
    pid_t pid = 0; // kept: QProcess forgets it once the process has ended
};

QString LocalDaskCluster::unavailableReason()
{
    static const QString reason = [] {
        QProcess probe;
        probe.start(Python, {QStringLiteral("-c"), QStringLiteral("import distributed")});
        if (!probe.waitForFinished(30'000)) {
            probe.kill();
            probe.waitForFinished();
            return QStringLiteral("%1 did not start or import distributed in time (Debian: "
                                  "apt-get install python3-distributed)")
                .arg(Python);
        }
        if (probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
            return QStringLiteral("%1 cannot import Dask's distributed (Debian: apt-get install "
                                  "python3-distributed)")
                .arg(Python);
        return QString();
    }();
    return reason;
}

LocalDaskCluster::LocalDaskCluster(int workers, int threadsPerWorker)
    : m_workerCount(workers)
    , m_threadsPerWorker(threadsPerWorker)
{ }

LocalDaskCluster::~LocalDaskCluster()
{
    stopAll();
}

bool LocalDaskCluster::startProcess(
    Process &process, const QStringList &arguments, const QString &logName)
{
    process.logPath = m_dir.filePath(logName);
    process.process.setProcessChannelMode(QProcess::MergedChannels);
    process.process.setStandardOutputFile(process.logPath);
    process.process.setStandardInputFile(QProcess::nullDevice());
    process.process.setWorkingDirectory(m_dir.path());
    // A group of its own, which stopAll() ends whole; and gone with this process, should it be
    // killed before its destructors run.
    process.process.setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
    process.process.start(Python, arguments);
    if (!process.process.waitForStarted(10'000)) {
        m_error = QStringLiteral("%1 did not start: %2").arg(Python, process.process.errorString());
        return false;
    }
    process.pid = static_cast<pid_t>(process.process.processId());
    return true;
}

QString LocalDaskCluster::logTail(const Process &process)
{
    QFile log(process.logPath);
    if (!log.open(QIODevice::ReadOnly))
        return QStringLiteral("(no log)");
    return QString::fromUtf8(log.readAll().right(2000));
}

QString LocalDaskCluster::failure(const QString &what) const
{
    QString message = what;
    if (m_scheduler)
        message += QStringLiteral("\n--- scheduler's log:\n") + logTail(*m_scheduler);
    for (std::size_t i = 0; i < m_workers.size(); ++i)
        message += QStringLiteral("\n--- worker %1's log:\n").arg(i) + logTail(*m_workers[i]);
    return message;
}

namespace {

// Waits until `pattern`'s first group appears in the log, the process ends or time is up.
QString addressFromLog(const QString &logPath,
    const QRegularExpression &pattern,
    QProcess &process,
    const QDeadlineTimer &deadline)
{
    for (;;) {
        QFile log(logPath);
        if (log.open(QIODevice::ReadOnly)) {
            const auto match = pattern.match(QString::fromUtf8(log.readAll()));
            if (match.hasMatch())
                return match.captured(1);
        }
        // Reaps the process if it has ended, without waiting for it.
        if (process.waitForFinished(0) || process.state() == QProcess::NotRunning
            || deadline.hasExpired())
            return {};
        std::this_thread::sleep_for(PollInterval);
    }
}

} // namespace

void LocalDaskCluster::addWorkerArguments(int index, const QStringList &arguments)
{
    m_workerArguments[index] << arguments;
}

bool LocalDaskCluster::start(std::chrono::milliseconds timeout)
{
    const QDeadlineTimer deadline(timeout);
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary folder for the cluster's logs");
        return false;
    }
    m_scheduler = std::make_unique<Process>();
    if (!startProcess(*m_scheduler,
            {QStringLiteral("-m"),
                QStringLiteral("distributed.cli.dask_scheduler"),
                QStringLiteral("--host"),
                QStringLiteral("127.0.0.1"),
                QStringLiteral("--port"),
                QStringLiteral("0"),
                QStringLiteral("--no-dashboard"),
                // Its HTTP server (health, metrics) listens even without the dashboard: on
                // 127.0.0.1 too, on a free port.
                QStringLiteral("--dashboard-address"),
                QStringLiteral("127.0.0.1:0")},
            QStringLiteral("scheduler.log")))
        return false;
    m_address = addressFromLog(m_scheduler->logPath,
        QRegularExpression(QStringLiteral(R"(Scheduler at:\s+(tcp://\S+))")),
        m_scheduler->process,
        deadline);
    if (m_address.isEmpty()) {
        m_error = failure(QStringLiteral("the scheduler gave no address"));
        return false;
    }

    // All workers at once: each takes a second or two to import Dask.
    for (int i = 0; i < m_workerCount; ++i) {
        auto worker = std::make_unique<Process>();
        const QString name = QStringLiteral("worker-%1").arg(i);
        QStringList arguments{QStringLiteral("-m"),
            QStringLiteral("distributed.cli.dask_worker"),
            m_address,
            QStringLiteral("--name"),
            name,
            QStringLiteral("--nthreads"),
            QString::number(m_threadsPerWorker),
            QStringLiteral("--nworkers"),
            QStringLiteral("1"),
            // The worker itself, not a nanny that would start it again once killed.
            QStringLiteral("--no-nanny"),
            QStringLiteral("--host"),
            QStringLiteral("127.0.0.1"),
            QStringLiteral("--no-dashboard"),
            QStringLiteral("--dashboard-address"),
            QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--memory-limit"),
            QStringLiteral("0"),
            QStringLiteral("--local-directory"),
            m_dir.filePath(name),
            // Should the scheduler go first, a worker leaves too.
            QStringLiteral("--death-timeout"),
            QStringLiteral("60")};
        if (const auto more = m_workerArguments.find(i); more != m_workerArguments.end())
            arguments << more->second;
        const bool started = startProcess(*worker, arguments, name + QStringLiteral(".log"));
        m_workers.push_back(std::move(worker));
        if (!started)
            return false;
    }
    for (int i = 0; i < m_workerCount; ++i) {
        const QString address = addressFromLog(m_workers[i]->logPath,
            QRegularExpression(QStringLiteral(R"(Start worker at:\s+(tcp://\S+))")),
            m_workers[i]->process,
            deadline);
        if (address.isEmpty()) {
            m_error = failure(QStringLiteral("worker %1 gave no address").arg(i));
            return false;
        }
        m_workerAddresses << address;
    }
    const auto left = std::chrono::milliseconds(std::max<qint64>(deadline.remainingTime(), 1000));
    const int connected = connectedWorkers(m_workerCount, left);
    if (connected != m_workerCount) {
        m_error = failure(QStringLiteral("the scheduler counts %1 workers of %2")
                              .arg(connected)
                              .arg(m_workerCount));
        return false;
    }
    return true;
}

std::vector<pid_t> LocalDaskCluster::workerPids() const
{
    std::vector<pid_t> pids;
    for (const auto &worker : m_workers)
        pids.push_back(worker->pid);
    return pids;
}

std::vector<pid_t> LocalDaskCluster::pids() const
{
    std::vector<pid_t> all;
    if (m_scheduler)
        all.push_back(m_scheduler->pid);
    const std::vector<pid_t> workers = workerPids();
    all.insert(all.end(), workers.begin(), workers.end());
    return all;
}

int LocalDaskCluster::connectedWorkers(int atLeast, std::chrono::milliseconds timeout) const
{
    QProcess client;
    client.setStandardInputFile(QProcess::nullDevice());
    client.start(Python,
        {QStringLiteral("-c"),
            QString::fromLatin1(CountWorkers),
            m_address,
            QString::number(atLeast),
            QString::number(double(timeout.count()) / 1000.0)});
    // Its interpreter and Dask's imports take a few seconds on a busy machine, beyond `timeout`.
    return lastNumberOf(client, timeout + std::chrono::seconds(30));
}

int LocalDaskCluster::eventsOnTopics(const QString &prefix) const
{
    QProcess client;
    client.setStandardInputFile(QProcess::nullDevice());
    client.start(
        Python, {QStringLiteral("-c"), QString::fromLatin1(CountEvents), m_address, prefix});
    return lastNumberOf(client, std::chrono::seconds(40));
}

void LocalDaskCluster::killWorker(int index)
{
    ::kill(m_workers.at(std::size_t(index))->pid, SIGKILL);
}

void LocalDaskCluster::stopAll()
{
    std::vector<Process *> all;
    for (auto &worker : m_workers)
        all.push_back(worker.get());
    if (m_scheduler)
        all.push_back(m_scheduler.get());
    // SIGTERM to every group: Dask closes its connections and leaves. What has not left by
    // then is killed.
    for (Process *process : all) {
        if (process->pid > 0)
            ::kill(-process->pid, SIGTERM);
    }
    const QDeadlineTimer deadline(5000);
    for (Process *process : all)
        process->process.waitForFinished(int(std::max<qint64>(deadline.remainingTime(), 0)));
    for (Process *process : all) {
        if (process->pid > 0)
            ::kill(-process->pid, SIGKILL);
        process->process.waitForFinished(5000);
    }
}

} // namespace parviz::test
