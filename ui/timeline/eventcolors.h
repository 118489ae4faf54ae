#pragma once

#include "trace/taskevent.h"

#include <QColor>
#include <QString>

namespace parviz {

// The colour of each kind of event: the Okabe-Ito palette, which stays distinct for the common
// forms of colour blindness. Idle time has no colour: it is left empty.
QColor eventColor(EventKind kind);
// The kind as a person reads it in a legend: "run", "GIL wait", ...
QString eventKindLabel(EventKind kind);

} // namespace parviz
