#pragma once

#include "run/runresult.h"

#include <QColor>
#include <QFont>
#include <QString>
#include <QStringList>

#include <optional>
#include <span>

class QPainter;
class QPalette;
class QRect;

namespace parviz {

// A line of small, muted text under a picture that says what it shows, "8 cpu x 100ms ·
// thread-pool · 4 workers · on 2 logical CPUs", so that a figure pasted into slides or a paper
// explains itself. It is drawn into the picture, so PNG, SVG and PDF all carry it, and the
// picture grows by its height rather than squeezing the chart. No text, no caption.
// GUI thread (fonts).
struct PictureCaption
{
    QString text;
    QColor color;
    int indent = 6; // from the picture's left edge, in pixels: where its other text begins
    std::optional<QFont> textFont; // a figure's own; else font()

    // Muted: the palette's placeholder text colour.
    static PictureCaption fromPalette(const QString &text, const QPalette &palette);
    // A pixel size, so that PNG, SVG (72 dpi) and PDF (one unit a point) draw it alike.
    static QFont font();
    QFont usedFont() const { return textFont.value_or(font()); }
    // The height it adds under the chart: 0 without text.
    int height() const;
    // Draws it in `area`, the band under the chart; too long a line is elided.
    void paint(QPainter &painter, const QRect &area) const;
};

// What ran, for a caption. A run: its workload, strategy, workers and machine. Several runs of
// one workload (a comparison, each run with its own heading): the workload and the machine once.
QString runCaption(const RunResult &run);
QString comparisonCaption(std::span<const RunResult> runs);
// A sweep: its workload (empty when the sweeps drawn ran different ones), the strategies swept,
// the range of workers and the machine.
QString sweepCaption(
    const QString &workload, const QStringList &strategies, int maxWorkers, int cpus);

} // namespace parviz
