#pragma once

#include "run/runresult.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>

namespace parviz {

// Reads a run back from the run JSON that writeRunJson() wrote (format 1, README.md), so a run
// made elsewhere (parviz-cli --json) can be opened and looked at again.
//
// The events are streamed straight into a TraceRecorder: a file of a million events is never
// held as a JSON document, only as the bytes it came in and the events it becomes. The plan is
// made again with RunPlan::make() from the file's strategy, workload, worker count, options
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
// Reads the file at `path`, then as readRunJson(); every error message names the path.
Result<RunResult> loadRunJson(const QString &path);

} // namespace parviz
