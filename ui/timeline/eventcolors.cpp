#include "timeline/eventcolors.h"

namespace parviz {

QColor eventColor(EventKind kind)
{
    switch (kind) {
    case EventKind::Run:
        return QColor(0x00, 0x72, 0xB2); // blue
    case EventKind::Spawn:
        return QColor(0xE6, 0x9F, 0x00); // orange
    case EventKind::GilWait:
        return QColor(0xD5, 0x5E, 0x00); // vermillion
    case EventKind::Dispatch:
        return QColor(0xCC, 0x79, 0xA7); // reddish purple
    case EventKind::Submit:
        return QColor(0x00, 0x9E, 0x73); // bluish green
    case EventKind::Wait:
        return QColor(0x56, 0xB4, 0xE9); // sky blue
    case EventKind::GilHold:
        return QColor(0xF0, 0xE4, 0x42); // yellow
    }
    return Qt::gray;
}

QColor alternateGroupColor()
{
    return QColor(0x00, 0x3A, 0x82); // a deeper blue than run's
}

QString eventKindLabel(EventKind kind)
{
    switch (kind) {
    case EventKind::Run:
        return QStringLiteral("run");
    case EventKind::Spawn:
        return QStringLiteral("spawn");
    case EventKind::GilWait:
        return QStringLiteral("GIL wait");
    case EventKind::Dispatch:
        return QStringLiteral("dispatch");
    case EventKind::Submit:
        return QStringLiteral("submit");
    case EventKind::Wait:
        return QStringLiteral("wait");
    case EventKind::GilHold:
        return QStringLiteral("GIL held");
    }
    return {};
}

} // namespace parviz
