#pragma once

#include "run/planning.h"
#include "run/runresult.h"
#include "strategies/processpool.h"
#include "strategies/threadpertask.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace parviz {

// Reads a run back from the run JSON that writeRunJson() wrote (format 1, README.md), so a run
// made elsewhere (parviz-cli --json) can be opened and looked at again.
//
// The events are streamed straight into a TraceRecorder: a file of a million events is never
// held as a JSON document, only as the bytes it came in and the events it becomes. The plan is
// made again with makeRunPlan() from the file's strategy, workload, worker count, options
// and CPU count; the metrics are computed again from the events, as a live run computes them.
// Keys may come in any order and unknown keys are ignored, since fields may be added within
// format 1.
//
// Every problem is an Error with code "bad-run-file" and one sentence naming it; syntax
// problems name the byte offset (from 0) where they were found, problems with an event also
// its index in "events" (from 0). Nothing in a file, however broken, asserts or crashes.
//
// Thread affinity: any thread; the two functions share no state.
Result<RunResult> readRunJson(const QByteArray &data);
// Reads the file at `path`, then as readRunJson(); every error message names the path. Only a
// regular file of at most MaxRunFileBytes is read (see readRegularFile()).
Result<RunResult> loadRunJson(const QString &path);
// Reads a run file or a comparison file (a JSON array of run objects, as writeComparisonJson()
// writes it): the one run, or each of the comparison's in its order. Each run is read as
// readRunJson() reads one; a problem inside a run names the run (from 1) before the byte offset
// in the file. An empty comparison is an error. The whole file is at most MaxRunFileBytes.
Result<std::vector<RunResult>> readRunsJson(const QByteArray &data);
Result<std::vector<RunResult>> loadRunsJson(const QString &path);

// The largest run file ParViz writes for the limits it accepts, and so the largest it reads:
// - an event takes at most MaxRunEventBytes: its line with every field at its widest,
//   {"task":999999,"worker":19999,"kind":"dispatch","start_ns":<19 digits>,"end_ns":<19
//   digits>,"pid":2147483647, its four flags true},  (tst_runjsonreader writes one);
// - a run has at most MaxRunEvents events: each of at most WorkloadSpec::MaxTasks tasks is
//   tried at most ProcessPoolStrategy::MaxAttempts times, each try a dispatch, a run and the
//   spawn of the worker that replaces a dead one; each worker row (at most
//   ThreadPerTaskStrategy::MaxThreads) has its spawn, and the main row its submit and wait.
//   Under a GIL the tries' room holds the run and gil-wait pieces and the GIL row's holds;
// - the rest takes at most MaxRunHeaderBytes: a result order and a duration list of one
//   entry per task (7 and 16 bytes each), a utilisation per worker row (25 bytes each), and
//   1 MiB for the names, the metrics and the error message.
// About 1.8 GB. A file larger than that is not a ParViz run, and is refused before it is read.
inline constexpr qint64 MaxRunEventBytes = 196;
inline constexpr qint64 MaxRunEvents =
    qint64{WorkloadSpec::MaxTasks} * 3 * ProcessPoolStrategy::MaxAttempts
    + ThreadPerTaskStrategy::MaxThreads + ProcessPoolStrategy::MaxAttempts + 2;
inline constexpr qint64 MaxRunHeaderBytes = (qint64{1} << 20)
    + qint64{WorkloadSpec::MaxTasks} * (7 + 16) + qint64{ThreadPerTaskStrategy::MaxThreads} * 25;
inline constexpr qint64 MaxRunFileBytes = MaxRunHeaderBytes + MaxRunEvents * MaxRunEventBytes;

} // namespace parviz
