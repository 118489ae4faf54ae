#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <vector>

extern char **environ;

// What parviz-cli needs for the largest run it accepts: a million empty tasks, recorded and
// exported, stay under 1 GB of peak RSS. The figure is the child's own, from wait4(), so the
// test measures memory, never time.
class tst_CliMemory : public QObject
{
    Q_OBJECT

private slots:
    void millionTasksStayUnderAGigabyte();
};

void tst_CliMemory::millionTasksStayUnderAGigabyte()
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // parviz-cli is built with the same sanitizer, whose shadow memory and quarantine would be
    // counted as ParViz's.
    QSKIP("peak RSS is not the program's own under a sanitizer");
#endif
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string json = dir.filePath(QStringLiteral("run.json")).toStdString();
    const std::string csv = dir.filePath(QStringLiteral("run.csv")).toStdString();
    std::vector<std::string> arguments = {PARVIZ_CLI_PATH,
        "run",
        "--tasks",
        "1000000",
        "--duration",
        "0ms",
        "--workers",
        "2",
        "--json",
        json,
        "--csv",
        csv,
        "--quiet"};
    std::vector<char *> argv;
    for (std::string &argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);

    pid_t pid = 0;
    QCOMPARE(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    int status = 0;
    rusage usage{};
    pid_t reaped = 0;
    do {
        reaped = ::wait4(pid, &status, 0, &usage);
    } while (reaped < 0 && errno == EINTR);
    QCOMPARE(reaped, pid);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);

    // Every task is in the exports: a row each in the CSV, the JSON closed.
    QFile table(QString::fromStdString(csv));
    QVERIFY(table.open(QIODevice::ReadOnly));
    qint64 runRows = 0;
    while (!table.atEnd()) {
        if (table.readLine().contains(",run,"))
            ++runRows;
    }
    QCOMPARE(runRows, qint64(1'000'000));
    QFile document(QString::fromStdString(json));
    QVERIFY(document.open(QIODevice::ReadOnly));
    QVERIFY(document.size() > 1'000'000 * 60); // an event is some 90 bytes of JSON
    QVERIFY(document.seek(document.size() - 8));
    QVERIFY(document.readAll().trimmed().endsWith("]\n}"));

    const double peakBytes = double(usage.ru_maxrss) * 1024.0; // ru_maxrss is in KiB on Linux
    qInfo("parviz-cli's peak RSS for a million tasks, exported: %.0f MB", peakBytes / 1e6);
    // The trace alone is 32 MB: less than that would mean the figure is not the run's.
    QVERIFY2(peakBytes > 32e6, qPrintable(QString::number(peakBytes)));
    QVERIFY2(peakBytes < 1e9, qPrintable(QString::number(peakBytes)));
}

QTEST_GUILESS_MAIN(tst_CliMemory)
#include "tst_climemory.moc"
