#pragma once

#include "run/runresult.h"

#include <QString>

#include <limits>
#include <vector>

namespace parviz {

// One line of ParViz's run of a plan beside CPython's run of the same plan: a figure for each,
// and CPython's over ParViz's.
struct TruthLine
{
    QString name; // "makespan"
    bool part = false; // a part of the loss budget, under the line "lost"
    QString parviz; // "31.2 ms"; "-" where the run has no such figure
    QString cpython;
    // CPython's figure over ParViz's; NaN where there is none.
    double ratio = std::numeric_limits<double>::quiet_NaN();
    // The ratio as shown: "1.031", "53.3", "(noise)", "-"; empty on a line that is not a figure
    // of the work (the tasks completed, how each run ended).
    QString ratioText;
    // No ratio: a part of the loss budget as small as noise on one side.
    bool noise = false;

    // The name as shown: a part indented under "lost".
    QString label() const { return part ? QStringLiteral("  ") + name : name; }
};

// The lines that set ParViz's run beside CPython's run of the same plan (null: it did not run):
// makespan, its ratio to the lower bound, speedup, efficiency, the worker rows that ran tasks,
// the loss budget and each of its parts, the tasks completed; and, when either did not finish,
// how each ended. A ratio is CPython's figure over ParViz's, for two finished runs, where
// ParViz's is above zero; none for a part of the loss budget under NoiseShareOfWorkerTime of
// the worker time on either side (the ratio of two noises is noise), nor for GIL wait, which
// CPython's trace cannot see (its threads' waits are inside their tasks, so in contention). A
// run cut short shows only what it did until then: its makespan, its rows and its tasks.
// parviz-cli truth prints these lines, and the comparison window's table shows them.
std::vector<TruthLine> truthLines(const RunResult &parviz, const RunResult *cpython);

// A ratio as the lines show it: three decimals below 10, one above; "-" for NaN.
QString truthRatioText(double ratio);

} // namespace parviz
