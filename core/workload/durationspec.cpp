#include "workload/durationspec.h"

#include "util/format.h"

#include <QStringList>

#include <cmath>
#include <numeric>

namespace parviz {

namespace {

struct Unit
{
    const char16_t *suffix;
    double ns;
};

// Longest suffixes first, so "ms" is not read as "s".
constexpr Unit Units[] = {
    {u"ns", 1.0},
    {u"us", 1e3},
    {u"µs", 1e3},
    {u"ms", 1e6},
    {u"s", 1e9},
};

Error badDuration(QStringView text, const QString &why)
{
    return {QStringLiteral("bad-duration"),
        QStringLiteral("'%1' is not a duration: %2").arg(excerpt(text), why)};
}

Error badSpec(QStringView text, const QString &why)
{
    return {QStringLiteral("bad-duration"),
        QStringLiteral("'%1' is not a duration spec: %2 (examples: 100ms, 0.1s, "
                       "uniform:50ms..150ms, exp:100ms, list:0.1s,1s,0.3s)")
            .arg(excerpt(text), why)};
}

} // namespace

Result<std::int64_t> parseDurationNs(QStringView text)
{
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return badDuration(text, QStringLiteral("it is empty"));
    for (const Unit &unit : Units) {
        const QStringView suffix(unit.suffix);
        if (!trimmed.endsWith(suffix))
            continue;
        const QStringView number = trimmed.chopped(suffix.size());
        // "5ms" also ends with "s"; only accept the unit when what precedes it is a number.
        bool ok = false;
        const double value = number.toDouble(&ok);
        if (!ok || number.isEmpty() || (!number.front().isDigit() && number.front() != u'.'))
            continue;
        if (!std::isfinite(value))
            return badDuration(text, QStringLiteral("the number is not finite"));
        const double ns = value * unit.ns;
        if (ns > static_cast<double>(DurationSpec::MaxDurationNs))
            return badDuration(text, QStringLiteral("it is longer than one hour"));
        return static_cast<std::int64_t>(std::llround(ns));
    }
    if (trimmed.startsWith(u'-'))
        return badDuration(text, QStringLiteral("it is negative"));
    bool isNumber = false;
    (void)trimmed.toDouble(&isNumber);
    if (isNumber)
        return badDuration(
            text, QStringLiteral("it needs a unit, such as %1s or %1ms").arg(excerpt(trimmed)));
    return badDuration(text, QStringLiteral("use a number and a unit: ns, us, ms or s"));
}

QString durationText(std::int64_t ns)
{
    if (ns != 0 && ns % 1'000'000'000 == 0)
        return QString::number(ns / 1'000'000'000) + QStringLiteral("s");
    if (ns != 0 && ns % 1'000'000 == 0)
        return QString::number(ns / 1'000'000) + QStringLiteral("ms");
    if (ns != 0 && ns % 1'000 == 0)
        return QString::number(ns / 1'000) + QStringLiteral("us");
    return QString::number(ns) + QStringLiteral("ns");
}

DurationSpec DurationSpec::fixed(std::int64_t ns)
{
    DurationSpec spec;
    spec.distribution = Distribution::Fixed;
    spec.valueNs = ns;
    return spec;
}

DurationSpec DurationSpec::uniform(std::int64_t lowerNs, std::int64_t upperNs)
{
    DurationSpec spec;
    spec.distribution = Distribution::Uniform;
    spec.valueNs = lowerNs;
    spec.upperNs = upperNs;
    return spec;
}

DurationSpec DurationSpec::exponential(std::int64_t meanNs)
{
    DurationSpec spec;
    spec.distribution = Distribution::Exponential;
    spec.valueNs = meanNs;
    return spec;
}

DurationSpec DurationSpec::list(std::vector<std::int64_t> valuesNs)
{
    DurationSpec spec;
    spec.distribution = Distribution::List;
    spec.valueNs = 0;
    spec.listNs = std::move(valuesNs);
    return spec;
}

Result<DurationSpec> DurationSpec::parse(QStringView text)
{
    const QStringView trimmed = text.trimmed();
    const auto colon = trimmed.indexOf(u':');
    const QStringView head = colon < 0 ? QStringView() : trimmed.left(colon);
    const QStringView body = colon < 0 ? trimmed : trimmed.mid(colon + 1);

    auto value = [&](QStringView part) -> Result<std::int64_t> {
        auto ns = parseDurationNs(part);
        if (!ns)
            return badSpec(text, ns.error().message);
        return ns;
    };

    DurationSpec spec;
    if (colon < 0 || head == u"fixed") {
        auto ns = value(body);
        if (!ns)
            return ns.error();
        spec = fixed(*ns);
    } else if (head == u"uniform") {
        const auto dots = body.indexOf(u"..");
        if (dots < 0)
            return badSpec(
                text, QStringLiteral("uniform needs two bounds, as uniform:50ms..150ms"));
        auto lower = value(body.left(dots));
        if (!lower)
            return lower.error();
        auto upper = value(body.mid(dots + 2));
        if (!upper)
            return upper.error();
        spec = uniform(*lower, *upper);
    } else if (head == u"exp") {
        auto mean = value(body);
        if (!mean)
            return mean.error();
        spec = exponential(*mean);
    } else if (head == u"list") {
        std::vector<std::int64_t> values;
        for (QStringView part : body.split(u',')) {
            auto ns = value(part);
            if (!ns)
                return ns.error();
            values.push_back(*ns);
        }
        spec = list(std::move(values));
    } else {
        return badSpec(text,
            QStringLiteral("unknown distribution '%1' (use uniform, exp or list)")
                .arg(excerpt(head)));
    }
    if (auto valid = spec.validate(); !valid)
        return badSpec(text, valid.error().message);
    return spec;
}

Result<void> DurationSpec::validate() const
{
    auto inRange = [](std::int64_t ns) { return ns >= 0 && ns <= MaxDurationNs; };
    switch (distribution) {
    case Distribution::Fixed:
        if (!inRange(valueNs))
            break;
        return {};
    case Distribution::Uniform:
        if (!inRange(valueNs) || !inRange(upperNs))
            break;
        if (upperNs < valueNs)
            return Error{QStringLiteral("bad-duration"),
                QStringLiteral("the upper bound is below the lower bound")};
        return {};
    case Distribution::Exponential:
        if (!inRange(valueNs))
            break;
        return {};
    case Distribution::List:
        if (listNs.empty())
            return Error{QStringLiteral("bad-duration"), QStringLiteral("the list is empty")};
        for (auto ns : listNs) {
            if (!inRange(ns))
                return Error{QStringLiteral("bad-duration"),
                    QStringLiteral("every duration must lie between 0 and one hour")};
        }
        return {};
    }
    return Error{QStringLiteral("bad-duration"),
        QStringLiteral("every duration must lie between 0 and one hour")};
}

QString DurationSpec::toString() const
{
    switch (distribution) {
    case Distribution::Fixed:
        return durationText(valueNs);
    case Distribution::Uniform:
        return QStringLiteral("uniform:%1..%2").arg(durationText(valueNs), durationText(upperNs));
    case Distribution::Exponential:
        return QStringLiteral("exp:%1").arg(durationText(valueNs));
    case Distribution::List: {
        QStringList parts;
        for (auto ns : listNs)
            parts << durationText(ns);
        return QStringLiteral("list:") + parts.join(u',');
    }
    }
    return {};
}

double DurationSpec::meanNs() const
{
    switch (distribution) {
    case Distribution::Fixed:
    case Distribution::Exponential:
        return static_cast<double>(valueNs);
    case Distribution::Uniform:
        return (static_cast<double>(valueNs) + static_cast<double>(upperNs)) / 2.0;
    case Distribution::List:
        return listNs.empty() ? 0.0
                              : std::accumulate(listNs.begin(), listNs.end(), 0.0)
                / static_cast<double>(listNs.size());
    }
    return 0.0;
}

} // namespace parviz
