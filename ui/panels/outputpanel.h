#pragma once

#include "python/programoutput.h"

#include <QStringDecoder>
#include <QWidget>

#include <memory>

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

    explicit OutputPanel(QWidget *parent = nullptr);

    // Shows what `output` has gathered since the last take, in the order it was printed, and
    // how many bytes it dropped unread.
    void takeFrom(ProgramOutput &output);
    // Adds `chunks` at the end: a line may come in several pieces, a UTF-8 character too.
    void append(const std::vector<ProgramOutput::Chunk> &chunks);
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

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateHeading();

    QLabel *m_heading;
    QPlainTextEdit *m_view;
    QStringDecoder m_outputDecoder{QStringDecoder::Utf8};
    QStringDecoder m_errorDecoder{QStringDecoder::Utf8};
    QString m_program;
    qint64 m_dropped = 0;
};

} // namespace parviz
