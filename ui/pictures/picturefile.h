#pragma once

#include "pictures/picturecaption.h"
#include "util/result.h"
#include "workload/workloadspec.h"

#include <QColor>
#include <QImage>
#include <QSize>
#include <QString>

#include <functional>
#include <stop_token>

class QPainter;
class QWidget;

namespace parviz {

// Pictures of ParViz's charts, for slides and papers: PNG at 1x or 2x, SVG, or PDF. Each is
// drawn at its size by the chart's own painting code, never scaled up from the screen; SVG and
// PDF stay vector drawings. A caption under the chart may say what it shows.

enum class PictureFormat { Png, Svg, Pdf };

struct PictureTarget
{
    QString path;
    PictureFormat format = PictureFormat::Png;
    qreal scale = 1.0; // PNG only: 2 for twice the pixels
    std::stop_token stop = {}; // ends a wait for a pipe's reader (Output::open())
};

using PaintFunction = std::function<void(QPainter &painter, const QRect &area)>;

// The filters for a save dialog, and what a chosen file name and filter mean.
QString pictureFilters();
PictureTarget pictureTarget(const QString &path, const QString &selectedFilter);

// A file name for a picture, without folder or suffix: "thread-pool-300x10ms-8w" for 300 tasks
// of 10 ms on 8 workers, "thread-pool-8x100ms-cpu-1-8w" for a sweep of CPU work (`workers`
// "1-8"). Sleeping tasks, the default, go unnamed. Letters, digits, '.', '_' and '-' only.
QString pictureBaseName(
    const QString &strategy, const WorkloadSpec &workload, const QString &workers);
// Where a save dialog proposes to save a picture named `baseName`: a PNG in the folder a
// picture was last saved in (QSettings "pictures/folder"), else the Pictures folder.
QString proposedPicturePath(const QString &baseName);
void rememberPictureFolder(const QString &path);
// File > Save's dialog: proposes proposedPicturePath(`baseName`) and remembers the folder chosen.
// Empty path: cancelled. `filter` receives the filter chosen, for pictureTarget().
QString askWhereToSavePicture(
    QWidget *parent, const QString &title, const QString &baseName, QString *filter);

// A chart of `size` with `caption` under it: as wide, and taller by the caption's height.
QSize pictureSize(const QSize &size, const PictureCaption &caption);

// Renders into an image of pictureSize() x `scale` pixels (device pixel ratio `scale`). `paint`
// draws the chart in the area of `size` at the top; the caption goes under it.
QImage renderPicture(const QSize &size,
    qreal scale,
    const QColor &background,
    const PaintFunction &paint,
    const PictureCaption &caption = {});
// Writes the picture whole or not at all; the error names the file and why. A PDF is one page of
// the picture's size, one point a pixel, without margins.
Result<void> savePicture(const PictureTarget &target,
    const QSize &size,
    const QColor &background,
    const PaintFunction &paint,
    const PictureCaption &caption = {});

} // namespace parviz
