#pragma once

#include "util/result.h"

#include <QColor>
#include <QImage>
#include <QSize>
#include <QString>

#include <functional>

class QPainter;

namespace parviz {

// Pictures of ParViz's charts, for slides and papers: PNG at 1x or 2x, or SVG. Each is drawn
// at its size by the chart's own painting code, never scaled up from the screen.

enum class PictureFormat { Png, Svg };

struct PictureTarget
{
    QString path;
    PictureFormat format = PictureFormat::Png;
    qreal scale = 1.0; // PNG only: 2 for twice the pixels
};

using PaintFunction = std::function<void(QPainter &painter, const QRect &area)>;

// The filters for a save dialog, and what a chosen file name and filter mean.
QString pictureFilters();
PictureTarget pictureTarget(const QString &path, const QString &selectedFilter);

// Renders into an image of `size` x `scale` pixels (device pixel ratio `scale`).
QImage renderPicture(
    const QSize &size, qreal scale, const QColor &background, const PaintFunction &paint);
// Writes the picture whole or not at all; the error names the file and why.
Result<void> savePicture(const PictureTarget &target,
    const QSize &size,
    const QColor &background,
    const PaintFunction &paint);

} // namespace parviz
