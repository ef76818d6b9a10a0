/* wd-speaker-view.h: the speaker library (宣讲专家库): who can lecture on
 * what, where they live, how they are rated and how much they have given. */
#pragma once

#include <adwaita.h>

#include "wd-row-model.h"

G_BEGIN_DECLS

#define WD_TYPE_SPEAKER_VIEW (wd_speaker_view_get_type ())

G_DECLARE_FINAL_TYPE (WdSpeakerView, wd_speaker_view, WD, SPEAKER_VIEW, AdwBin)

WdRowModel *wd_speaker_view_get_model (WdSpeakerView *self);

G_END_DECLS
