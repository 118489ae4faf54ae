#pragma once

#include "trace/taskevent.h"

#include <QColor>
#include <QString>

namespace parviz {

// The colour of each kind of event: the Okabe-Ito palette, which stays distinct for the common
// forms of colour blindness. Idle time has no colour: it is left empty.
QColor eventColor(EventKind kind);
// The run colour's other shade: the runs of every other group of tasks a worker received at once
// (a chunk, a batch) are drawn in it, so that neighbouring groups are told apart. Darker, told
// apart by lightness in every colour vision; a lighter blue would be the caller's wait.
QColor alternateGroupColor();
// The kind as a person reads it in a legend: "run", "GIL wait", ...
QString eventKindLabel(EventKind kind);

} // namespace parviz
