#include "trace/taskevent.h"

namespace parviz {

QString eventKindName(EventKind kind)
{
    const std::string_view id = eventKindId(kind);
    return QString::fromLatin1(id.data(), static_cast<qsizetype>(id.size()));
}

std::optional<EventKind> eventKindFromName(QStringView name)
{
    for (int i = 0; i < EventKindCount; ++i) {
        const auto kind = static_cast<EventKind>(i);
        if (name == eventKindName(kind))
            return kind;
    }
    return std::nullopt;
}

} // namespace parviz
