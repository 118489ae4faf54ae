#include "panels/outputpanel.h"

#include "util/format.h"

#include <QEvent>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QVBoxLayout>

#include <utility>

namespace parviz {

OutputPanel::OutputPanel(QWidget *parent)
    : QWidget(parent)
    , m_heading(new QLabel)
    , m_view(new QPlainTextEdit)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_heading->setWordWrap(true);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_heading);
    m_view->setReadOnly(true);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    // Past this, the oldest lines go: a megabyte of output stays quick to add to and scroll.
    m_view->setMaximumBlockCount(MaxLines);
    m_view->setUndoRedoEnabled(false);
    layout->addWidget(m_view, 1);
    updateHeading();
}

void OutputPanel::takeFrom(ProgramOutput &output)
{
    append(output.take());
    addDropped(output.takeDroppedBytes());
}

void OutputPanel::append(const std::vector<ProgramOutput::Chunk> &chunks)
{
    if (chunks.empty())
        return;
    // Whole lines only: the two channels are read apart, and a line of one cut between two
    // reads must not have the other's lines in its middle. What follows a channel's last
    // newline waits for the rest of its line, or for flush().
    std::vector<std::pair<bool, QString>> lines;
    for (const ProgramOutput::Chunk &chunk : chunks) {
        const bool isError = chunk.channel == ProgramOutput::Channel::Error;
        // A character cut between two reads is completed by the next one.
        QStringDecoder &decoder = isError ? m_errorDecoder : m_outputDecoder;
        QString &pending = isError ? m_pendingError : m_pendingOutput;
        pending += decoder.decode(chunk.bytes);
        const qsizetype end = pending.size() > MaxPendingChars
            ? pending.size()
            : pending.lastIndexOf(QLatin1Char('\n')) + 1;
        if (end > 0) {
            lines.emplace_back(isError, pending.left(end));
            pending.remove(0, end);
        }
    }
    insert(lines);
}

void OutputPanel::flush()
{
    std::vector<std::pair<bool, QString>> rest;
    if (!m_pendingOutput.isEmpty())
        rest.emplace_back(false, std::exchange(m_pendingOutput, QString()));
    if (!m_pendingError.isEmpty())
        rest.emplace_back(true, std::exchange(m_pendingError, QString()));
    insert(rest);
}

void OutputPanel::insert(std::vector<std::pair<bool, QString>> texts)
{
    // Only the last MaxLines lines would stay: those before them are never inserted, so that a
    // frame of 4 MiB of output costs what the panel keeps, not what it throws away.
    qsizetype lines = 0;
    for (auto text = texts.rbegin(); text != texts.rend(); ++text) {
        qsizetype at = text->second.size();
        while (lines <= MaxLines && at > 0) {
            at = text->second.lastIndexOf(QLatin1Char('\n'), at - 1);
            if (at < 0)
                break;
            ++lines;
        }
        if (lines > MaxLines) {
            text->second.remove(0, at + 1);
            texts.erase(texts.begin(), text.base() - 1);
            break;
        }
    }
    if (texts.empty())
        return;
    // Follows the end only where the reader was at it: one scrolled up to read stays there.
    QScrollBar *bar = m_view->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    QTextCursor cursor(m_view->document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    QTextCharFormat output;
    QTextCharFormat error;
    error.setForeground(errorColor());
    for (const auto &[isError, text] : texts) {
        // A line left without its end (flush()) does not run into the next one.
        if (!cursor.atBlockStart())
            cursor.insertBlock();
        cursor.insertText(text, isError ? error : output);
    }
    cursor.endEditBlock();
    if (atEnd)
        bar->setValue(bar->maximum());
}

void OutputPanel::addDropped(qint64 bytes)
{
    if (bytes <= 0)
        return;
    m_dropped += bytes;
    updateHeading();
}

void OutputPanel::clear(const QString &program)
{
    m_view->clear();
    m_pendingOutput.clear();
    m_pendingError.clear();
    m_outputDecoder.resetState();
    m_errorDecoder.resetState();
    m_program = program;
    m_dropped = 0;
    updateHeading();
}

QSize OutputPanel::sizeHint() const
{
    const int lines = 5;
    return {480,
        m_heading->sizeHint().height() + lines * m_view->fontMetrics().lineSpacing()
            + 2 * m_view->frameWidth() + 16};
}

QString OutputPanel::text() const
{
    return m_view->toPlainText();
}

int OutputPanel::lineCount() const
{
    return m_view->document()->blockCount();
}

QColor OutputPanel::errorColor() const
{
    // Red that reads on the light theme and on the dark one.
    return palette().color(QPalette::Base).lightness() < 128 ? QColor(0xff, 0x7b, 0x72)
                                                             : QColor(0xc0, 0x1c, 0x28);
}

void OutputPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) // the theme changed: so does standard error's red
        updateHeading();
}

void OutputPanel::updateHeading()
{
    QString heading = m_program.isEmpty()
        ? tr("What a traced program prints (File > Trace Python Program…); "
             "standard error in red.")
        : tr("What %1 prints; standard error in red.").arg(m_program);
    if (m_dropped > 0)
        heading += tr(" … %1 dropped: printed faster than shown.")
                       .arg(countOf(m_dropped, "byte", "bytes"));
    m_heading->setText(heading);
}

} // namespace parviz
