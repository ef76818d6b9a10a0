/* wd-speaker-window.h: a speaker's profile: who they are, what they speak
 * on, their lectures to come and given, and how they were rated. */
#pragma once

#include <adwaita.h>

#include "wd-workspace.h"

G_BEGIN_DECLS

#define WD_TYPE_SPEAKER_WINDOW (wd_speaker_window_get_type ())

G_DECLARE_FINAL_TYPE (WdSpeakerWindow, wd_speaker_window, WD, SPEAKER_WINDOW, AdwWindow)

WdSpeakerWindow *wd_speaker_window_new (GtkWindow   *parent,
                                        WdWorkspace *workspace,
                                        const char  *speaker_id);
void             wd_speaker_window_set_photo_file (WdSpeakerWindow *self,
                                                   GFile           *file);

G_END_DECLS
