#include "processes.h"
#include "run/sweep.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace parviz;

// Sweeps give back what they take: the same sweep of 1..4 workers, 20 times in one process,
// grows its resident memory by less than 50 MB between the first and the last, and leaves no
// file descriptor or worker process behind. Memory and counts, never time.
class tst_SweepMemory : public QObject
{
    Q_OBJECT

private slots:
    void repeatedSweepsDoNotGrow_data();
    void repeatedSweepsDoNotGrow();
};

namespace {

// VmRSS of this process, in bytes.
double residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() * 1024.0; // "1234 kB"
    }
    return 0;
}

qsizetype openFiles()
{
    return QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size();
}

} // namespace

void tst_SweepMemory::repeatedSweepsDoNotGrow_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<int>("tasks");
    // Enough events that a sweep whose runs kept their traces would grow by well over 50 MB
    // in 20 repetitions (5 runs of 60,000 events is 9.6 MB a sweep), few enough for seconds.
    QTest::newRow("thread-pool") << QStringLiteral("thread-pool") << 60'000;
    // Worker processes, their sockets and the pool's bookkeeping, 10 per sweep.
    QTest::newRow("process-pool") << QStringLiteral("process-pool") << 300;
}

void tst_SweepMemory::repeatedSweepsDoNotGrow()
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // ASan keeps freed memory in quarantine (256 MB) and TSan adds shadow memory, so RSS says
    // nothing here; LeakSanitizer checks the same sweeps for leaks instead.
    QSKIP("RSS is not the program's own under a sanitizer");
#endif
    QFETCH(QString, strategy);
    QFETCH(int, tasks);
    constexpr int Repetitions = 20;
    SweepPlan plan;
    plan.strategy = strategy;
    plan.workload.taskCount = tasks;
    plan.workload.duration = DurationSpec::fixed(0);
    plan.maxWorkers = 4;
    plan.repeat = 1;

    double firstBytes = 0;
    qsizetype firstFiles = 0;
    for (int repetition = 0; repetition < Repetitions; ++repetition) {
        const auto sweep = runSweep(plan);
        QVERIFY(sweep.ok());
        QVERIFY2(!sweep->error, qPrintable(sweep->error ? sweep->error->message : QString()));
        QCOMPARE(sweep->points.size(), std::size_t(4));
        if (repetition == 0) {
            firstBytes = residentBytes();
            firstFiles = openFiles();
        }
    }
    const double lastBytes = residentBytes();
    qInfo("%s: RSS %.1f MB after the first sweep, %.1f MB after the %dth",
        qPrintable(strategy),
        firstBytes / 1e6,
        lastBytes / 1e6,
        Repetitions);
    QVERIFY(firstBytes > 0);
    QVERIFY2(lastBytes - firstBytes < 50e6,
        qPrintable(QStringLiteral("grew by %1 MB").arg((lastBytes - firstBytes) / 1e6)));
    QCOMPARE(openFiles(), firstFiles);
    QVERIFY(test::childProcesses().empty());
}

QTEST_GUILESS_MAIN(tst_SweepMemory)
#include "tst_sweepmemory.moc"
