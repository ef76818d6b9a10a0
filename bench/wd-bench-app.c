/* wd-bench-app.c: the desktop app's start-up and search, measured on a
 * real window: time from main() to the first frame, time until the lists
 * are filled, resident memory, and how long after a keystroke in a search
 * field the list on screen has changed. Run under a display (Xvfb). */
#define G_LOG_DOMAIN "wudan"
#include "config.h"

#include <stdlib.h>
#include <malloc.h>
#include <sqlite3.h>
#include <adwaita.h>

#include "wd-bench-stats.h"
#include "wd-board-view.h"
#include "wd-card-column.h"
#include "wd-market-view.h"
#include "wd-row-model.h"
#include "wd-schedule-view.h"
#include "wd-speaker-view.h"
#include "wd-ui-util.h"
#include "wd-view.h"
#include "wd-window.h"

/* A typist's pace: 80 words a minute. */
#define TYPING_PACE_MS 150
/* 150 ms is nine frames at 60 Hz: at a fixed pace every key would land at
 * the same point of a frame. Each pause is longer by up to one frame, from
 * a fixed seed, so the keys fall evenly across it, as a typist's do. */
#define TYPING_JITTER_MS 17

static gint64 started;
static gint64 first_frame;
static gint64 last_paint;
static guint painted_frames;
static GArray *frame_gaps;   /* ms between painted frames, while recording */
/* When the last frame's phases began and ended: its layout ran from the
 * frame's start to the end of GTK's "layout" handlers, its paint from
 * there to the end of the "paint" handlers (ours run after GTK's). */
static gint64 frame_began, frame_laid_out;
static double last_layout_ms, last_paint_ms;
static gint64 polled_us;     /* the main loop's time asleep in poll, all told */

static double
ms_since (gint64 t0,
          gint64 t1)
{
  return (t1 - t0) / 1000.0;
}

static long
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  return line ? strtol (line + strlen (field) + 1, NULL, 10) : -1;
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  if (frame_gaps != NULL && last_paint != 0)
    {
      double gap = (now - last_paint) / 1000.0;

      g_array_append_val (frame_gaps, gap);
    }
  last_paint = now;
  painted_frames++;
  if (first_frame == 0)
    first_frame = last_paint;
}

/* The main loop's poll, timed: what it sleeps there it had nothing to do. */
static gint
timed_poll (GPollFD *fds,
            guint    n_fds,
            gint     timeout)
{
  gint64 before = g_get_monotonic_time ();
  gint ready = g_poll (fds, n_fds, timeout);

  polled_us += g_get_monotonic_time () - before;
  return ready;
}

static void
on_before_paint (GdkFrameClock *clock,
                 gpointer       data)
{
  frame_began = g_get_monotonic_time ();
}

static void
on_layout (GdkFrameClock *clock,
           gpointer       data)
{
  frame_laid_out = g_get_monotonic_time ();
}

static void
on_paint (GdkFrameClock *clock,
          gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  last_layout_ms = ms_since (frame_began, frame_laid_out);
  last_paint_ms = ms_since (frame_laid_out, now);
}

static void
on_map (GtkWidget *window,
        gpointer   data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
  g_signal_connect (clock, "layout", G_CALLBACK (on_layout), NULL);
  g_signal_connect (clock, "paint", G_CALLBACK (on_paint), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
}

static void
iterate_until (gboolean (*done) (gpointer), gpointer data)
{
  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
}

static WdRowModel *
board_model (WdWindow *window,
             guint     state)
{
  return wd_board_view_get_column_model (WD_BOARD_VIEW (wd_window_get_view_widget (window, "board")), state);
}

/* The window opens on the board: its five lists are read, then shown. */
static gboolean
lists_loaded (gpointer data)
{
  WdWindow *window = data;
  GtkWidget *view = wd_window_get_view_widget (window, wd_window_get_view (window));

  if (WD_IS_SPEAKER_VIEW (view) && !wd_row_model_is_ready (wd_speaker_view_get_model (WD_SPEAKER_VIEW (view))))
    return FALSE;
  if (WD_IS_BOARD_VIEW (view))
    for (guint s = WD_ORDER_ORDERED; s <= WD_ORDER_RATED; s++)
      if (!wd_row_model_is_ready (board_model (window, s)))
        return FALSE;
  return first_frame != 0 && last_paint > 0;
}

typedef struct
{
  WdWindow  *window;
  GtkWidget *poke;        /* a small widget redrawn to ask for one more frame */
  gint64     typed;
  gint64     answered;    /* when every list had its new rows; 0 before */
  guint      frames_at_key;
} Typing;

/* The list has changed on screen: every model answered and a frame was
 * painted after the last answer. A frame painted while some lists were
 * still being read shows none of what they will list, and does not
 * count (it did until this was found: fast keystrokes were measured to a
 * frame painted half-way). */
static gboolean
search_shown (gpointer data)
{
  Typing *typing = data;

  if (typing->answered == 0)
    {
      if (!lists_loaded (typing->window))
        return FALSE;
      typing->answered = g_get_monotonic_time ();
      /* The lists' changes have already asked for their redraw; this only
       * makes sure a frame comes when the last answer changed nothing
       * visible, without repainting what did not change. */
      gtk_widget_queue_draw (typing->poke);
    }
  return last_paint > typing->answered;
}

static gboolean
view_ready (gpointer data)
{
  return lists_loaded (data);
}

static void
typing_settle (WdWindow *window)
{
  iterate_until (view_ready, window);
}

/* What the resident memory is made of: most of it is not the app's own
 * (fonts and libraries are file pages), so a figure alone misleads. */
static void
print_memory_parts (void)
{
  struct mallinfo2 heap = mallinfo2 ();

  g_print ("resident at the end     %.1f MiB: allocated %.1f MiB (SQLite %.1f), "
           "file pages %.1f MiB (fonts, libraries), shared with X %.1f MiB\n",
           status_kib ("VmRSS:") / 1024.0, (heap.uordblks + heap.hblkhd) / 1048576.0,
           sqlite3_memory_used () / 1048576.0, status_kib ("RssFile:") / 1024.0,
           status_kib ("RssShmem:") / 1024.0);
}

/* Opens each view and reports the longest the main loop was held while
 * it filled: what a user would feel as the window not answering. */
static void
measure_views (WdWindow *window)
{
  static const char *const names[] = {
    "market", "speakers", "callbacks", "rewards", "schedule", "reports", "board", NULL
  };

  for (guint i = 0; names[i] != NULL; i++)
    {
      gint64 opened = g_get_monotonic_time ();
      gint64 previous = opened;
      gint64 longest = 0;

      wd_window_set_view (window, names[i]);
      while (previous - opened < 2 * G_USEC_PER_SEC)
        {
          gint64 after;

          g_main_context_iteration (NULL, FALSE);
          after = g_get_monotonic_time ();
          longest = MAX (longest, after - previous);
          g_usleep (1000);
          previous = g_get_monotonic_time ();
        }
      g_print ("opening %-10s longest main-loop iteration %.1f ms, resident then %.1f MiB\n", names[i],
               longest / 1000.0, status_kib ("VmRSS:") / 1024.0);
    }
}

static GtkEditable *
search_entry_of (GtkWidget *view)
{
  GtkWidget *focus;

  wd_view_focus_search (WD_VIEW (view));
  focus = gtk_root_get_focus (gtk_widget_get_root (view));
  return GTK_EDITABLE (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY));
}

/* The board's minute tick: the deadlines on screen redrawn. */
static void
measure_tick (WdWindow *window)
{
  GtkWidget *view = wd_window_get_view_widget (window, "board");
  GtkWidget *entry = GTK_WIDGET (search_entry_of (view));
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  WdBenchStats stats;

  for (guint round = 0; round < 5; round++)
    {
      Typing typing = { window, entry, g_get_monotonic_time (), 0, 0 };
      double ms;

      wd_board_view_refresh_deadlines (WD_BOARD_VIEW (view));
      iterate_until (search_shown, &typing);
      ms = ms_since (typing.typed, last_paint);
      g_array_append_val (times, ms);
    }
  stats = wd_bench_stats (times);
  g_print ("deadline tick on the board  median %.1f ms  max %.1f ms\n", stats.median, stats.max);
}

/* Lets the main loop run for ms without waiting on anything. */
static void
idle_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* pace_ms: the time between the frame that showed a keystroke and the
 * next key. Back to back (0), a key lands just after a painted frame, and
 * GDK's frame clock, which paints at most 60 frames a second, holds the
 * next frame until that frame's interval has passed: a keystroke then
 * cannot show sooner than that whatever the app does. Someone typing
 * (a key every 150 ms is 80 words a minute) presses a key anywhere in a
 * frame; the search entry's blinking cursor keeps the clock ticking, so
 * the key shows in the next frame if the lists have changed by then.
 * With cursor_blinks FALSE (GNOME's setting for a steady cursor) the clock
 * rests between keys, and a keystroke's frame comes as soon as its lists
 * have changed. Besides the times, how many keystrokes showed within one
 * frame of the display's 60 a second (16.7 ms), and how many in the first
 * frame the display painted after the key (with the cursor blinking, the
 * next tick of its clock): no frame went by showing the typed text
 * without its lists. */
static void
measure_search (WdWindow   *window,
                const char *view_name,
                const char *const *queries,
                guint       pace_ms,
                gboolean    cursor_blinks)
{
  GtkWidget *view = wd_window_get_view_widget (window, view_name);
  GtkSettings *settings = gtk_widget_get_settings (view);
  GtkEditable *entry;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) works = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) jitter = g_rand_new_with_seed (5678);
  guint within_a_frame = 0;
  guint in_next_frame = 0;

  wd_window_set_view (window, view_name);
  typing_settle (window);
  /* While the field's cursor blinks GDK paints 60 frames a second (9–10
   * in each pause between keys, one with the cursor steady), and every
   * keystroke waits for the next; GNOME's setting stops the blinking.
   * The focus leaves and comes back, which is when the field looks at
   * the setting. */
  g_object_set (settings, "gtk-cursor-blink", cursor_blinks, NULL);
  gtk_root_set_focus (GTK_ROOT (window), NULL);
  entry = search_entry_of (view);
  for (guint round = 0; round < 5; round++)
    for (guint i = 0; queries[i] != NULL; i++)
      {
        Typing typing = { window, GTK_WIDGET (entry), 0, 0, 0 };
        guint frames;
        gint64 polled_at_key;
        double ms, work;

        idle_for (pace_ms ? pace_ms + g_rand_int_range (jitter, 0, TYPING_JITTER_MS) : 0);
        typing.typed = g_get_monotonic_time ();
        polled_at_key = polled_us;
        typing.frames_at_key = painted_frames;
        gtk_editable_set_text (entry, queries[i]);
        iterate_until (search_shown, &typing);
        ms = ms_since (typing.typed, last_paint);
        frames = painted_frames - typing.frames_at_key;
        if (ms <= 1000.0 / 60)
          within_a_frame++;
        if (frames == 1)
          in_next_frame++;
        g_array_append_val (times, ms);
        /* The app's own part: the time its main thread was not asleep
         * waiting, mostly for the display's next frame. */
        work = ms - (polled_us - polled_at_key) / 1000.0;
        g_array_append_val (works, work);
        if (g_getenv ("WUDAN_BENCH_VERBOSE"))
          g_print ("  %s %-6s %.1f ms (lists answered after %.1f ms, in frame %u after the key;"
                   " its layout %.1f ms, its paint %.1f ms)\n", view_name, *queries[i] ? queries[i] : "(clear)", ms,
                   ms_since (typing.typed, typing.answered), frames, last_layout_ms, last_paint_ms);
      }
  gtk_editable_set_text (entry, "");
  g_object_set (settings, "gtk-cursor-blink", TRUE, NULL);
  {
    WdBenchStats stats = wd_bench_stats (times);
    WdBenchStats work_stats = wd_bench_stats (works);
    g_autofree char *how = pace_ms ? g_strdup_printf ("a key every %u–%u ms%s", pace_ms, pace_ms + TYPING_JITTER_MS - 1,
                                                      cursor_blinks ? "" : ", the cursor steady")
                                   : g_strdup ("back to back");

    g_print ("search-as-you-type in %-8s (%s)  %u keystrokes  median %.1f ms  p95 %.1f ms  max %.1f ms"
             "  within a frame %u  the app's own work median %.1f ms  in the next frame %u\n",
             view_name, how, stats.n, stats.median, stats.p95, stats.max, within_a_frame, work_stats.median,
             in_next_frame);
  }
}

/* Whether a board column has more rows than it shows, as a long list's
 * does once laid out. */
static gboolean
board_laid_out (GList *scrolled)
{
  for (GList *l = scrolled; l; l = l->next)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (l->data);

      if (gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj))
        return TRUE;
    }
  return FALSE;
}

/* Scrolls each board column to its end and back, so the rows of the whole
 * list have been through the model once. */
static void
scroll_board (WdWindow *window)
{
  GtkWidget *board = wd_window_get_view_widget (window, "board");
  GtkWidget *child;
  GList *scrolled = NULL;
  GQueue queue = G_QUEUE_INIT;

  wd_window_set_view (window, "board");
  g_queue_push_tail (&queue, board);
  while (!g_queue_is_empty (&queue))
    {
      GtkWidget *widget = g_queue_pop_head (&queue);

      if (GTK_IS_SCROLLED_WINDOW (widget) && WD_IS_CARD_COLUMN (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (widget))))
        scrolled = g_list_prepend (scrolled, widget);
      for (child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
        g_queue_push_tail (&queue, child);
    }
  /* Wheel-sized steps down the longest column, a frame each; then jumps
   * through every column from top to bottom. The columns are laid out
   * first: their lists may be read and not yet shown. */
  {
    GtkAdjustment *longest = NULL;
    gint64 laid_out_by = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

    while (!board_laid_out (scrolled) && g_get_monotonic_time () < laid_out_by)
      g_main_context_iteration (NULL, FALSE);
    for (GList *l = scrolled; l; l = l->next)
      {
        GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (l->data);

        if (longest == NULL || gtk_adjustment_get_upper (adj) > gtk_adjustment_get_upper (longest))
          longest = adj;
      }
    frame_gaps = g_array_new (FALSE, FALSE, sizeof (double));
    last_paint = 0;
    for (guint step = 0; step < 200 && longest != NULL; step++)
      {
        gint64 painted = last_paint;
        gint64 give_up = g_get_monotonic_time () + G_USEC_PER_SEC;
        double bottom = gtk_adjustment_get_upper (longest) - gtk_adjustment_get_page_size (longest);

        if (gtk_adjustment_get_value (longest) >= bottom)
          break;
        gtk_adjustment_set_value (longest, MIN (gtk_adjustment_get_value (longest) + 120, bottom));
        while (last_paint == painted && g_get_monotonic_time () < give_up)
          g_main_context_iteration (NULL, FALSE);
      }
    if (frame_gaps->len > 0)
      {
        WdBenchStats stats = wd_bench_stats (frame_gaps);

        g_print ("scrolling, frame to frame  %u frames  median %.1f ms  p95 %.1f ms  max %.1f ms\n", stats.n,
                 stats.median, stats.p95, stats.max);
      }
  }
  g_clear_pointer (&frame_gaps, g_array_unref);

  for (guint step = 0; step <= 20; step++)
    {
      for (GList *l = scrolled; l; l = l->next)
        {
          GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (l->data);

          gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) * step / 20.0);
        }
      for (guint i = 0; i < 5; i++)
        g_main_context_iteration (NULL, TRUE);
    }
  g_list_free (scrolled);
}

int
main (int    argc,
      char **argv)
{
  static const char *const order_queries[] = { "王", "王建", "社区", "党史", "5678", "", NULL };
  static const char *const speaker_queries[] = { "李", "李明", "心理", "法律", "", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(WdWorkspace) workspace = NULL;
  WdWindow *window;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) now = g_date_time_new (tz, 2026, 12, 1, 9, 0, 0);
  gint64 loaded;

  started = g_get_monotonic_time ();
  if (argc < 2)
    {
      g_printerr ("Usage: %s STORE\n", argv[0]);
      return 2;
    }
  g_main_context_set_poll_func (NULL, timed_poll);
  gtk_init ();
  adw_init ();
  /* Without WdApplication: its stylesheet is loaded as it would load it.
   * Until 2026-11-30 it was not, and the board's cards were measured
   * without their padding and their look. */
  wd_load_app_style ();

  workspace = wd_workspace_open (argv[1], &error);
  if (workspace == NULL)
    g_error ("%s", error->message);
  wd_workspace_set_clock (workspace, g_date_time_to_unix (now));
  window = wd_window_new (NULL, workspace);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  wd_window_set_view (window, "board");
  g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
  gtk_window_present (GTK_WINDOW (window));

  iterate_until (lists_loaded, window);
  loaded = g_get_monotonic_time ();
  g_print ("first frame             %.0f ms\n", ms_since (started, first_frame));
  g_print ("lists filled            %.0f ms\n", ms_since (started, loaded));
  g_print ("resident at start       %.1f MiB\n", status_kib ("VmRSS:") / 1024.0);
  if (g_getenv ("WUDAN_BENCH_START_ONLY") != NULL)
    return 0;

  scroll_board (window);
  g_print ("resident after scrolling the board  %.1f MiB\n", status_kib ("VmRSS:") / 1024.0);

  measure_tick (window);
  measure_views (window);
  measure_search (window, "board", order_queries, 0, TRUE);
  measure_search (window, "board", order_queries, TYPING_PACE_MS, TRUE);
  measure_search (window, "board", order_queries, TYPING_PACE_MS, FALSE);
  measure_search (window, "speakers", speaker_queries, 0, TRUE);
  measure_search (window, "speakers", speaker_queries, TYPING_PACE_MS, TRUE);
  print_memory_parts ();
  g_print ("peak resident           %.1f MiB\n", status_kib ("VmHWM:") / 1024.0);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
