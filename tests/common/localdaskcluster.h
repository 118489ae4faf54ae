#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <chrono>
#include <map>
#include <memory>
#include <sys/types.h>
#include <vector>

class QProcess;

namespace parviz::test {

// A Dask cluster of one test's own: a scheduler and N worker processes of T threads each, all on
// 127.0.0.1 (dashboards included), started by Debian's /usr/bin/python3 as separate processes.
//
// The workers run without a nanny: the process started is the worker itself, so killWorker()
// kills the process that runs the tasks and nothing starts it again. Every process runs in a
// process group of its own and dies with this test process (PR_SET_PDEATHSIG); the destructor
// ends every group it started (SIGTERM, then SIGKILL), so nothing outlives the test, even one
// that failed halfway.
//
// The thread that made it only (the death signal follows the thread that started a process).
class LocalDaskCluster
{
public:
    // Empty if /usr/bin/python3 imports Dask's distributed; else why not, naming Debian's
    // package, for a QSKIP.
    static QString unavailableReason();

    LocalDaskCluster(int workers, int threadsPerWorker);
    ~LocalDaskCluster();
    LocalDaskCluster(const LocalDaskCluster &) = delete;
    LocalDaskCluster &operator=(const LocalDaskCluster &) = delete;

    // More arguments for worker `index`'s command line ("--preload", a module); before start().
    void addWorkerArguments(int index, const QStringList &arguments);

    // Starts the scheduler, then the workers, and waits until the scheduler counts them all;
    // false after `timeout` or a process that ended, with error() saying what and the logs.
    bool start(std::chrono::milliseconds timeout = std::chrono::seconds(90));
    QString error() const { return m_error; }

    // "tcp://127.0.0.1:PORT", as the scheduler's log gives it.
    QString schedulerAddress() const { return m_address; }
    // The worker processes, in the order they were started, and each one's address
    // ("tcp://127.0.0.1:PORT", from its log).
    std::vector<pid_t> workerPids() const;
    QStringList workerAddresses() const { return m_workerAddresses; }
    // Every process started: the scheduler, then the workers. Each leads its own group.
    std::vector<pid_t> pids() const;

    // The workers the scheduler knows, asked through a client of its own (a short Python
    // program); once it has `atLeast` of them, or after `timeout`, whichever comes first. -1 if
    // the scheduler did not answer.
    int connectedWorkers(
        int atLeast = 0, std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

    // The events the scheduler holds (Worker.log_event) on the topics whose names begin with
    // `prefix`; -1 if the scheduler did not answer.
    int eventsOnTopics(const QString &prefix) const;

    // SIGKILL to worker `index`, the worker process itself.
    void killWorker(int index);

private:
    struct Process;
    bool startProcess(Process &process, const QStringList &arguments, const QString &logName);
    static QString logTail(const Process &process);
    QString failure(const QString &what) const;
    void stopAll();

    int m_workerCount;
    int m_threadsPerWorker;
    QTemporaryDir m_dir; // logs and the workers' local directories
    std::unique_ptr<Process> m_scheduler;
    std::vector<std::unique_ptr<Process>> m_workers;
    std::map<int, QStringList> m_workerArguments; // by worker index
    QString m_address;
    QStringList m_workerAddresses;
    QString m_error;
};

} // namespace parviz::test
