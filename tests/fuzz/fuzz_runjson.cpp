// The run file reader on any bytes, as File > Open (and readRunJson()) may be given. Besides
// not crashing or asserting: every error says what is wrong, and a run that opens is written
// again as ParViz saves it (writeRunJson()) and opens again the same, so a run ParViz accepted
// can never be saved into a file it refuses. The same bytes read as runs (readRunsJson(), a
// run or a comparison file, as `parviz FILE` opens it): a run file is the same one run, and a
// comparison that opens is written again as ParViz saves one and opens again as many runs.

#include "export/runjson.h"
#include "export/runjsonreader.h"
#include "fuzzcheck.h"
#include "trace/tracesnapshot.h"

#include <QBuffer>
#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdio>

using namespace parviz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray json =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const auto runs = readRunsJson(json);
    if (!runs) {
        FUZZ_CHECK(runs.error().code == QLatin1String("bad-run-file"));
        FUZZ_CHECK(!runs.error().message.isEmpty());
    } else {
        FUZZ_CHECK(!runs->empty());
        QByteArray comparison;
        QBuffer buffer(&comparison);
        FUZZ_CHECK(buffer.open(QIODevice::WriteOnly));
        FUZZ_CHECK(writeComparisonJson(*runs, buffer));
        buffer.close();
        const auto again = readRunsJson(comparison);
        FUZZ_CHECK(again.ok());
        FUZZ_CHECK(again->size() == runs->size());
    }

    const auto run = readRunJson(json);
    // A run file reads as one run either way, and the same.
    if (run) {
        FUZZ_CHECK(runs.ok());
        FUZZ_CHECK(runs->size() == 1);
        FUZZ_CHECK(runs->front().metrics.makespanNs == run->metrics.makespanNs);
        FUZZ_CHECK(runs->front().trace->totalEventCount() == run->trace->totalEventCount());
    }
    if (!run) {
        FUZZ_CHECK(run.error().code == QLatin1String("bad-run-file"));
        FUZZ_CHECK(!run.error().message.isEmpty());
        return 0;
    }
    FUZZ_CHECK(run->trace != nullptr);

    QByteArray written;
    QBuffer buffer(&written);
    FUZZ_CHECK(buffer.open(QIODevice::WriteOnly));
    FUZZ_CHECK(writeRunJson(*run, buffer));
    buffer.close();
    const auto back = readRunJson(written);
    if (!back)
        std::fprintf(
            stderr, "written again, the run does not read: %s\n", qPrintable(back.error().message));
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(back->strategy.id == run->strategy.id);
    FUZZ_CHECK(back->workers == run->workers);
    FUZZ_CHECK(back->plan.workload == run->plan.workload);
    FUZZ_CHECK(back->plan.workerCount == run->plan.workerCount);
    FUZZ_CHECK(back->plan.options == run->plan.options);
    FUZZ_CHECK(back->plan.cpus == run->plan.cpus);
    FUZZ_CHECK(back->trace->totalEventCount() == run->trace->totalEventCount());
    FUZZ_CHECK(back->metrics.makespanNs == run->metrics.makespanNs);
    FUZZ_CHECK(back->stopped == run->stopped);
    FUZZ_CHECK(back->error.has_value() == run->error.has_value());
    if (run->error) {
        FUZZ_CHECK(back->error->code == run->error->code);
        FUZZ_CHECK(back->error->message == run->error->message);
    }
    FUZZ_CHECK(back->resultOrder == run->resultOrder);
    FUZZ_CHECK(back->engine == run->engine);
    FUZZ_CHECK(back->workerClocks == run->workerClocks);
    for (int lane = 0; lane < run->trace->workerCount(); ++lane)
        FUZZ_CHECK(back->trace->label(lane) == run->trace->label(lane));
    return 0;
}
