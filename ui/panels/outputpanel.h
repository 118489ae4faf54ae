#pragma once

#include "python/programoutput.h"

#include <QStringDecoder>
#include <QWidget>

#include <memory>
#include <utility>
#include <vector>

class QLabel;
class QPlainTextEdit;

namespace parviz {

// A traced program's standard output and error as it prints them: a read-only, monospace view,
// standard error in a colour of its own, fed a frame at a time from the run's ProgramOutput
// (takeFrom()). It keeps the last MaxLines lines, so that a program printing a megabyte or more
// leaves the window responsive; bytes that ProgramOutput dropped unread are said, not hidden.
//
// GUI thread.
class OutputPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int MaxLines = 5000;
    // A line longer than this is shown without waiting for its end.
    static constexpr qsizetype MaxPendingChars = 64 * 1024;

    explicit OutputPanel(QWidget *parent = nullptr);

    // Shows what `output` has gathered since the last take, in the order it was printed, and
    // how many bytes it dropped unread.
    void takeFrom(ProgramOutput &output);
    // Adds `chunks` at the end: a line may come in several pieces, a UTF-8 character too. Each
    // channel's lines are shown whole, once their newline has come.
    void append(const std::vector<ProgramOutput::Chunk> &chunks);
    // Shows the last lines that ended without a newline: the program has ended.
    void flush();
    // Says that `bytes` more bytes were dropped before they could be shown.
    void addDropped(qint64 bytes);
    // Empty, for the next run; `program` names what it shows ("primes.py"), or nothing.
    void clear(const QString &program = {});

    QString text() const; // what is shown, both channels
    int lineCount() const;
    qint64 droppedBytes() const { return m_dropped; }
    // The colour standard error is shown in.
    QColor errorColor() const;
    const QPlainTextEdit *view() const { return m_view; }
    // A few lines high: a dock under the picture, which keeps the height.
    QSize sizeHint() const override;

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateHeading();
    // Adds texts at the end, each of standard error (true) or output.
    void insert(std::vector<std::pair<bool, QString>> texts);

    QLabel *m_heading;
    QPlainTextEdit *m_view;
    QStringDecoder m_outputDecoder{QStringDecoder::Utf8};
    QStringDecoder m_errorDecoder{QStringDecoder::Utf8};
    QString m_pendingOutput; // the end of a line not yet shown
    QString m_pendingError;
    QString m_program;
    qint64 m_dropped = 0;
};

} // namespace parviz
