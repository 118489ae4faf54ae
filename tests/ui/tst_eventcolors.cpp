#include "timeline/eventcolors.h"
#include "trace/taskevent.h"

#include <QColor>
#include <QTest>

#include <algorithm>
#include <array>
#include <cmath>

using namespace parviz;

// The timeline's colours stay distinguishable for colour-blind viewers: every pair of event
// kinds, seen through a simulation of deuteranopia, protanopia and tritanopia (Machado, Oliveira
// and Fernandes 2009, full severity), is still clearly apart in CIELAB, and so is every colour
// from the light and the dark background. So is the second shade of runs that tells groups of
// tasks apart, from run's own and from every other kind.
class tst_EventColors : public QObject
{
    Q_OBJECT

private slots:
    void kindsStayApartForEveryColourVision_data();
    void kindsStayApartForEveryColourVision();
    void barsStandOutOnBothBackgrounds();
    void groupShadeStaysApartForEveryColourVision_data();
    void groupShadeStaysApartForEveryColourVision();
};

namespace {

using Matrix = std::array<std::array<double, 3>, 3>;
using Lab = std::array<double, 3>;

// A colour difference (CIE76) that a person sees at a glance, next to each other in a legend.
constexpr double ClearlyApart = 12.0;

constexpr EventKind Kinds[] = {EventKind::Run,
    EventKind::Spawn,
    EventKind::GilWait,
    EventKind::GilHold,
    EventKind::Dispatch,
    EventKind::Submit,
    EventKind::Wait};

double linear(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

Lab toLab(const QColor &color, const Matrix &vision)
{
    const double rgb[3] = {linear(color.redF()), linear(color.greenF()), linear(color.blueF())};
    double seen[3];
    for (int i = 0; i < 3; ++i)
        seen[i] = std::clamp(
            vision[i][0] * rgb[0] + vision[i][1] * rgb[1] + vision[i][2] * rgb[2], 0.0, 1.0);
    const double x = 0.4124 * seen[0] + 0.3576 * seen[1] + 0.1805 * seen[2];
    const double y = 0.2126 * seen[0] + 0.7152 * seen[1] + 0.0722 * seen[2];
    const double z = 0.0193 * seen[0] + 0.1192 * seen[1] + 0.9505 * seen[2];
    auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
    const double fy = f(y);
    return {116.0 * fy - 16.0, 500.0 * (f(x / 0.95047) - fy), 200.0 * (fy - f(z / 1.08883))};
}

double distance(const Lab &a, const Lab &b)
{
    return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

const Matrix Normal{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};

} // namespace

Q_DECLARE_METATYPE(Matrix)

void tst_EventColors::kindsStayApartForEveryColourVision_data()
{
    QTest::addColumn<Matrix>("vision");
    QTest::newRow("normal") << Normal;
    QTest::newRow("deuteranopia") << Matrix{{{0.367322, 0.860646, -0.227968},
        {0.280085, 0.672501, 0.047413},
        {-0.011820, 0.042940, 0.968881}}};
    QTest::newRow("protanopia") << Matrix{{{0.152286, 1.052583, -0.204868},
        {0.114503, 0.786281, 0.099216},
        {-0.003882, -0.048116, 1.051998}}};
    QTest::newRow("tritanopia") << Matrix{{{1.255528, -0.076749, -0.178779},
        {-0.078411, 0.930809, 0.147602},
        {0.004733, 0.691367, 0.303900}}};
}

void tst_EventColors::kindsStayApartForEveryColourVision()
{
    QFETCH(Matrix, vision);
    for (std::size_t a = 0; a < std::size(Kinds); ++a) {
        for (std::size_t b = a + 1; b < std::size(Kinds); ++b) {
            const double apart =
                distance(toLab(eventColor(Kinds[a]), vision), toLab(eventColor(Kinds[b]), vision));
            QVERIFY2(apart >= ClearlyApart,
                qPrintable(QStringLiteral("%1 and %2 are only %3 apart")
                               .arg(eventKindLabel(Kinds[a]), eventKindLabel(Kinds[b]))
                               .arg(apart, 0, 'f', 1)));
        }
    }
}

void tst_EventColors::barsStandOutOnBothBackgrounds()
{
    // The light theme's base and the dark theme's (ui/theme.cpp).
    for (const QColor background : {QColor(Qt::white), QColor(0x1E, 0x1E, 0x20)}) {
        for (EventKind kind : Kinds) {
            const double apart =
                distance(toLab(eventColor(kind), Normal), toLab(background, Normal));
            QVERIFY2(apart >= 3 * ClearlyApart,
                qPrintable(QStringLiteral("%1 on %2: %3")
                               .arg(eventKindLabel(kind), background.name())
                               .arg(apart, 0, 'f', 1)));
        }
    }
}

void tst_EventColors::groupShadeStaysApartForEveryColourVision_data()
{
    kindsStayApartForEveryColourVision_data();
}

void tst_EventColors::groupShadeStaysApartForEveryColourVision()
{
    QFETCH(Matrix, vision);
    const Lab shade = toLab(alternateGroupColor(), vision);
    for (EventKind kind : Kinds) {
        const double apart = distance(shade, toLab(eventColor(kind), vision));
        QVERIFY2(apart >= ClearlyApart,
            qPrintable(QStringLiteral("the group shade and %1 are only %2 apart")
                           .arg(eventKindLabel(kind))
                           .arg(apart, 0, 'f', 1)));
    }
    // As barsStandOutOnBothBackgrounds(): the light theme's base and the dark theme's.
    for (const QColor background : {QColor(Qt::white), QColor(0x1E, 0x1E, 0x20)}) {
        const double apart =
            distance(toLab(alternateGroupColor(), Normal), toLab(background, Normal));
        QVERIFY2(apart >= 3 * ClearlyApart,
            qPrintable(QStringLiteral("the group shade on %1: %2")
                           .arg(background.name())
                           .arg(apart, 0, 'f', 1)));
    }
}

QTEST_GUILESS_MAIN(tst_EventColors)
#include "tst_eventcolors.moc"
