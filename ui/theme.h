#pragma once

#include <QPalette>
#include <QString>

namespace parviz {

// The colours of the whole program. Qt 6.4 cannot follow the desktop's dark mode by itself,
// so a person chooses: the system's own style, or Fusion in light or dark.
enum class Theme { System, Light, Dark };

// Applies `theme` to the application. GUI thread; after the QApplication exists.
void applyTheme(Theme theme);
bool isDarkTheme();
// The colours of the light or the dark theme, whatever the application shows: pictures are
// drawn in the one a person chose for them.
QPalette themePalette(bool dark);
QString themeKey(Theme theme);
Theme themeFromKey(const QString &key);

} // namespace parviz
