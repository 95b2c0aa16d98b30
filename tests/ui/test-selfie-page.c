/* test-selfie-page.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The selfie page and its camera, in process, under Xvfb, fed by GStreamer's
 * videotestsrc through TEKEN_CAMERA_SOURCE (or the camera-source setting):
 * real pipelines, real frames, core's real metrics. */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <gst/gst.h>
#include <string.h>
#include <unistd.h>

#include "teken-camera.h"
#include "teken-image.h"
#include "teken-resources.h"
#include "teken-selfie-check.h"
#include "teken-selfie-page.h"
#include "teken-test-utils.h"

#define WAIT_SECONDS 20

#define CONTINUE_LINK "https://teken.example/enroll/continue?session=8f3a2c"

#define LIVE_SMPTE "videotestsrc pattern=smpte is-live=true"

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Labels the user can see now: mapped, unlike the pages a GtkStack hides. */
static GtkWidget *
find_shown_label (GtkWidget  *root,
                  const char *substring)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;

  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), substring) != NULL)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_shown_label (child, substring);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_by_class (GtkWidget  *root,
               const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_class (child, css_class);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return find_shown_label (wait->root, wait->text) != NULL;
}

static void
wait_for_label (GtkWidget  *root,
                const char *text)
{
  LabelWait wait = { root, text };

  wait_for (label_shown, &wait, text);
}

static gboolean
picture_has_paintable (gpointer data)
{
  return gtk_picture_get_paintable (data) != NULL;
}

/* What the test can tell of the face detector the camera will find. */
static gboolean
face_detector_installed (void)
{
  g_autoptr(GstElement) detector = gst_element_factory_make ("facedetect", NULL);
  g_autofree char *profile = NULL;

  if (detector == NULL)
    return FALSE;

  gst_object_ref_sink (detector);
  g_object_get (detector, "profile", &profile, NULL);
  return profile != NULL && g_file_test (profile, G_FILE_TEST_IS_REGULAR);
}

typedef struct
{
  GtkWidget  *widget;
  const char *name;
  gboolean    saved;
} Shot;

static void
after_paint_cb (GdkFrameClock *clock,
                Shot          *shot)
{
  if (!shot->saved)
    teken_test_save_screenshot_now (shot->widget, shot->name);
  shot->saved = TRUE;
}

static gboolean
shot_saved (gpointer data)
{
  return ((Shot *) data)->saved;
}

/* The live preview invalidates the window thirty times a second, and a
 * widget's render node exists only between a paint and the next change:
 * take the screenshot right after a paint. */
static void
save_screenshot (GtkWindow  *window,
                 const char *name)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  Shot shot = { GTK_WIDGET (window), name, FALSE };
  gulong handler;

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &shot);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  wait_for (shot_saved, &shot, name);
  g_signal_handler_disconnect (clock, handler);
}

typedef struct
{
  GtkWindow       *window;
  TekenSelfiePage *page;
} Fixture;

/* Mapped and laid out. Not teken_test_wait_until_drawn(): under Xvfb, with
 * no window manager, a window whose content keeps invalidating (the live
 * preview) may not report a finished frame in time, and what these tests
 * read comes from the widgets, not from a frame. */
static void
wait_until_shown (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while ((!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) == 0) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (widget));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
fixture_open (Fixture    *fixture,
              const char *source)
{
  if (source != NULL)
    g_setenv ("TEKEN_CAMERA_SOURCE", source, TRUE);
  else
    g_unsetenv ("TEKEN_CAMERA_SOURCE");

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 800, 600);
  fixture->page = TEKEN_SELFIE_PAGE (teken_selfie_page_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  gtk_window_present (fixture->window);
  wait_until_shown (GTK_WIDGET (fixture->window));
}

static void
fixture_close (Fixture *fixture)
{
  gtk_window_destroy (fixture->window);
  g_unsetenv ("TEKEN_CAMERA_SOURCE");
}

static GtkPicture *
wait_for_preview (Fixture *fixture)
{
  GtkWidget *preview = find_by_class (GTK_WIDGET (fixture->page), "teken-mirrored");

  g_assert_true (GTK_IS_PICTURE (preview));
  wait_for (picture_has_paintable, preview, "the first frame");

  return GTK_PICTURE (preview);
}

static const char * const face_hints[] = {
  "Looking for a face", "No face found", "Face not centred", "Your face is in the middle",
};

static void
assert_no_face_hint (GtkWidget *root)
{
  for (guint i = 0; i < G_N_ELEMENTS (face_hints); i++)
    g_assert_null (find_shown_label (root, face_hints[i]));
}

/* Every control and picture has a name for screen readers. */
static void
assert_accessible_names (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_accessible_names (child);

  if (GTK_IS_BUTTON (root))
    g_assert_nonnull (gtk_button_get_label (GTK_BUTTON (root)));
  else if (GTK_IS_PICTURE (root) || GTK_IS_LIST_BOX (root))
    g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (root),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL));
}

static void
test_live_preview (void)
{
  Fixture fixture;
  GtkPicture *preview;
  GdkPaintable *first;

  fixture_open (&fixture, LIVE_SMPTE);
  preview = wait_for_preview (&fixture);

  g_assert_true (GDK_IS_TEXTURE (gtk_picture_get_paintable (preview)));
  g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (gtk_picture_get_paintable (preview))), ==, 640);
  g_assert_cmpint (gdk_texture_get_height (GDK_TEXTURE (gtk_picture_get_paintable (preview))), ==, 480);

  /* It is live: new frames keep replacing the picture. */
  first = gtk_picture_get_paintable (preview);
  spin (300);
  g_assert_true (gtk_picture_get_paintable (preview) != first);

  /* SMPTE bars pass the server's light and sharpness checks. */
  wait_for_label (GTK_WIDGET (fixture.page), "The light is good");
  wait_for_label (GTK_WIDGET (fixture.page), "The picture is sharp");

  /* There is no face in colour bars: the detector says so, and without a
   * detector there is no face hint at all. */
  if (face_detector_installed ())
    wait_for_label (GTK_WIDGET (fixture.page), "No face found");
  else
    {
      spin (1000);
      assert_no_face_hint (GTK_WIDGET (fixture.page));
      g_test_message ("facedetect is not installed: no face hint, as it should be");
    }

  assert_accessible_names (GTK_WIDGET (fixture.page));
  save_screenshot (fixture.window, "selfie-live");

  /* Hidden, the camera stops: no frame replaces the last one. */
  gtk_widget_set_visible (GTK_WIDGET (fixture.window), FALSE);
  first = gtk_picture_get_paintable (preview);
  spin (500);
  g_assert_true (gtk_picture_get_paintable (preview) == first);

  fixture_close (&fixture);
}

static void
photo_chosen_cb (TekenSelfiePage          *page,
                 GBytes                   *png,
                 const TekenSelfieMetrics *metrics,
                 gpointer                  user_data)
{
  GBytes **chosen = user_data;

  g_assert_nonnull (metrics);
  g_clear_pointer (chosen, g_bytes_unref);
  *chosen = g_bytes_ref (png);
  g_object_set_data_full (G_OBJECT (page), "metrics", g_memdup2 (metrics, sizeof *metrics), g_free);
}

static gboolean
bytes_set (gpointer data)
{
  return *(GBytes **) data != NULL;
}

static gboolean
photo_checked (gpointer data)
{
  return find_shown_label (data, "Checking the photo") == NULL;
}

/* Takes a photo: capture, the countdown, the still. */
static void
capture (Fixture    *fixture,
         const char *screenshot_prefix)
{
  GtkWidget *countdown;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "selfie.capture", NULL));

  countdown = find_shown_label (GTK_WIDGET (fixture->page), "3");
  g_assert_nonnull (countdown);
  g_assert_true (gtk_widget_has_css_class (countdown, "teken-countdown"));
  if (screenshot_prefix != NULL)
    {
      g_autofree char *name = g_strconcat (screenshot_prefix, "-countdown", NULL);

      save_screenshot (fixture->window, name);
    }

  wait_for_label (GTK_WIDGET (fixture->page), "This is the photo that will be sent");
  wait_for (photo_checked, fixture->page, "the photo's check");
}

/* The PNG a user sends: core reads it, it has the size the server wants,
 * and its metrics are those of its own pixels. */
static void
assert_valid_photo (GBytes                   *png,
                    const TekenSelfieMetrics *metrics)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenImage) image = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint32 *argb = NULL;
  g_autofree guint8 *rgb = NULL;
  TekenSelfieMetrics measured;
  int width, height;

  g_assert_cmpuint (g_bytes_get_size (png), <=, TEKEN_SELFIE_MAX_BYTES);
  g_assert_cmpmem (g_bytes_get_data (png, NULL), 8, "\x89PNG\r\n\x1a\n", 8);

  image = teken_image_new_from_bytes (png, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (teken_image_get_width (image), >=, 640);
  g_assert_cmpuint (teken_image_get_height (image), >=, 480);
  g_assert_cmpuint (MIN (teken_image_get_width (image), teken_image_get_height (image)), >=, TEKEN_SELFIE_MIN_SIDE);

  texture = gdk_texture_new_from_bytes (png, &error);
  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  argb = g_new (guint32, (gsize) width * height);
  rgb = g_malloc ((gsize) width * height * 3);
  gdk_texture_download (texture, (guchar *) argb, (gsize) width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      rgb[i * 3] = (argb[i] >> 16) & 0xff;
      rgb[i * 3 + 1] = (argb[i] >> 8) & 0xff;
      rgb[i * 3 + 2] = argb[i] & 0xff;
    }
  g_assert_true (teken_selfie_measure (rgb, width, height, (gsize) width * 3, 3, &measured));
  g_assert_cmpfloat_with_epsilon (measured.mean_luma, metrics->mean_luma, 1e-9);
  g_assert_cmpfloat_with_epsilon (measured.luma_stddev, metrics->luma_stddev, 1e-9);
  g_assert_cmpfloat_with_epsilon (measured.sharpness, metrics->sharpness, 1e-6);
}

static void
test_capture_and_use (void)
{
  Fixture fixture;
  g_autoptr(GBytes) chosen = NULL;
  TekenSelfieMetrics *metrics;
  TekenSelfieThresholds thresholds;
  GtkWidget *still;

  fixture_open (&fixture, LIVE_SMPTE);
  g_signal_connect (fixture.page, "photo-chosen", G_CALLBACK (photo_chosen_cb), &chosen);
  wait_for_preview (&fixture);

  capture (&fixture, "selfie");

  still = find_by_class (GTK_WIDGET (fixture.page), "teken-still");
  g_assert_true (GDK_IS_TEXTURE (gtk_picture_get_paintable (GTK_PICTURE (still))));

  /* The checks pass; colour bars have no face, which the detector (if
   * any) says before the user sends it. */
  if (face_detector_installed ())
    g_assert_nonnull (find_shown_label (GTK_WIDGET (fixture.page), "No face was found in this photo"));
  else
    g_assert_nonnull (find_shown_label (GTK_WIDGET (fixture.page), "The light and sharpness are good"));
  assert_accessible_names (GTK_WIDGET (fixture.page));
  save_screenshot (fixture.window, "selfie-still");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "selfie.use", NULL));
  wait_for (bytes_set, &chosen, "photo-chosen");

  metrics = g_object_get_data (G_OBJECT (fixture.page), "metrics");
  assert_valid_photo (chosen, metrics);
  teken_selfie_thresholds_init (&thresholds);
  g_assert_cmpint (teken_selfie_judge (metrics, &thresholds), ==, TEKEN_SELFIE_OK);

  /* The server says no: the page says why, and that photo cannot be sent
   * again, only retaken. */
  teken_selfie_page_show_refusal (fixture.page, "No face was found in the photo. Take a new selfie.");
  wait_for_label (GTK_WIDGET (fixture.page), "The server refused the photo");
  g_assert_nonnull (find_shown_label (GTK_WIDGET (fixture.page), "Take a new selfie"));
  spin (400);
  save_screenshot (fixture.window, "selfie-refused");

  g_clear_pointer (&chosen, g_bytes_unref);
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "selfie.use", NULL);
  spin (100);
  g_assert_null (chosen);

  /* Retake goes back to the live camera. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "selfie.retake", NULL));
  wait_for_label (GTK_WIDGET (fixture.page), "The light is good");

  fixture_close (&fixture);
}

typedef struct
{
  const char *pattern;
  const char *hint;
  const char *screenshot;
} HintCase;

static void
test_hints (gconstpointer data)
{
  const HintCase *hint_case = data;
  g_autofree char *source = g_strdup_printf ("videotestsrc pattern=%s is-live=true", hint_case->pattern);
  Fixture fixture;

  fixture_open (&fixture, source);
  wait_for_preview (&fixture);
  wait_for_label (GTK_WIDGET (fixture.page), hint_case->hint);
  spin (1000);
  g_assert_nonnull (find_shown_label (GTK_WIDGET (fixture.page), hint_case->hint));
  if (hint_case->screenshot != NULL)
    save_screenshot (fixture.window, hint_case->screenshot);

  fixture_close (&fixture);
}

/* A dark photo is flagged on the still, before the upload; the user may
 * still send it. */
static void
test_still_shows_problem (void)
{
  Fixture fixture;
  g_autoptr(GBytes) chosen = NULL;
  TekenSelfieThresholds thresholds;

  fixture_open (&fixture, "videotestsrc pattern=ball is-live=true");
  g_signal_connect (fixture.page, "photo-chosen", G_CALLBACK (photo_chosen_cb), &chosen);
  wait_for_preview (&fixture);

  capture (&fixture, NULL);
  g_assert_nonnull (find_shown_label (GTK_WIDGET (fixture.page), "This photo is too dark, and the server will refuse it"));
  save_screenshot (fixture.window, "selfie-still-too-dark");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "selfie.use", NULL));
  wait_for (bytes_set, &chosen, "photo-chosen");
  teken_selfie_thresholds_init (&thresholds);
  g_assert_cmpint (teken_selfie_judge (g_object_get_data (G_OBJECT (fixture.page), "metrics"), &thresholds),
                   ==, TEKEN_SELFIE_TOO_DARK);

  fixture_close (&fixture);
}

/* A phone can read the code: zbarimg (zbar-tools), a reader nobody here
 * wrote, decodes it back to the link. */
static void
assert_qr_reads (GdkTexture *qr,
                 const char *expected)
{
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autoptr(GError) error = NULL;
  int fd, status;

  if (zbarimg == NULL)
    {
      g_test_message ("zbarimg (zbar-tools) is not installed: the QR code is not decoded");
      return;
    }

  fd = g_file_open_tmp ("teken-qr-XXXXXX.png", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (gdk_texture_save_to_png (qr, path));

  g_spawn_sync (NULL, (char *[]) { zbarimg, "--raw", "-q", path, NULL }, NULL,
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (g_strchomp (out), ==, expected);
}

static void
test_no_such_element (void)
{
  Fixture fixture;
  GtkWidget *qr;

  fixture_open (&fixture, "tekennosuchsrc");
  wait_for_label (GTK_WIDGET (fixture.page), "The Camera Cannot Be Used");
  g_assert_nonnull (find_shown_label (GTK_WIDGET (fixture.page), "tekennosuchsrc"));

  /* No phone link yet: no QR code. */
  g_assert_null (find_shown_label (GTK_WIDGET (fixture.page), "continue on a phone"));

  teken_selfie_page_set_continue_link (fixture.page, CONTINUE_LINK);
  wait_for_label (GTK_WIDGET (fixture.page), "continue on a phone");
  g_assert_nonnull (find_shown_label (GTK_WIDGET (fixture.page), CONTINUE_LINK));
  qr = gtk_widget_get_first_child (gtk_widget_get_parent (find_shown_label (GTK_WIDGET (fixture.page),
                                                                             "continue on a phone")));
  while (qr != NULL && !GTK_IS_PICTURE (qr))
    qr = gtk_widget_get_next_sibling (qr);
  g_assert_nonnull (qr);
  g_assert_true (gtk_widget_get_mapped (qr));
  g_assert_true (GDK_IS_TEXTURE (gtk_picture_get_paintable (GTK_PICTURE (qr))));
  g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (gtk_picture_get_paintable (GTK_PICTURE (qr)))), >=, 100);
  assert_qr_reads (GDK_TEXTURE (gtk_picture_get_paintable (GTK_PICTURE (qr))), CONTINUE_LINK);

  assert_accessible_names (GTK_WIDGET (fixture.page));
  save_screenshot (fixture.window, "selfie-no-camera");

  fixture_close (&fixture);
}

/* A source that fails at run time, then "Try Again" with a working one. */
static void
test_source_error_then_retry (void)
{
  Fixture fixture;

  fixture_open (&fixture, "v4l2src device=/dev/teken-no-such-camera");
  wait_for_label (GTK_WIDGET (fixture.page), "No Camera Found");
  g_assert_nonnull (find_shown_label (GTK_WIDGET (fixture.page), "Connect a camera"));
  save_screenshot (fixture.window, "selfie-no-camera-device");

  g_setenv ("TEKEN_CAMERA_SOURCE", LIVE_SMPTE, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "selfie.retry", NULL));
  wait_for_preview (&fixture);
  wait_for_label (GTK_WIDGET (fixture.page), "The light is good");

  fixture_close (&fixture);
}

/* Without the test variable, the camera-source setting decides. */
static void
test_setting_chooses_source (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  Fixture fixture;

  g_settings_set_string (settings, "camera-source", LIVE_SMPTE);
  fixture_open (&fixture, NULL);
  wait_for_preview (&fixture);
  fixture_close (&fixture);
  g_settings_reset (settings, "camera-source");
}

/* "auto" on this machine: no camera portal and no /dev/video*, so no
 * camera, said plainly. */
static void
test_auto_without_camera (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GDir) dev = g_dir_open ("/dev", 0, NULL);
  g_autofree char *configured = NULL;
  const char *name;
  Fixture fixture;

  while (dev != NULL && (name = g_dir_read_name (dev)) != NULL)
    if (g_str_has_prefix (name, "video"))
      {
        g_test_skip ("this machine has a video device");
        return;
      }
  if (g_file_test ("/usr/share/dbus-1/services/org.freedesktop.portal.Desktop.service", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("this machine has the desktop portal");
      return;
    }

  configured = g_settings_get_string (settings, "camera-source");
  g_assert_cmpstr (configured, ==, "auto");
  fixture_open (&fixture, NULL);
  wait_for_label (GTK_WIDGET (fixture.page), "No Camera Found");
  fixture_close (&fixture);
}

/* The camera object alone: states, error codes, frames. */
static gboolean
camera_settled (gpointer data)
{
  TekenCameraState state = teken_camera_get_state (data);

  return state == TEKEN_CAMERA_STREAMING || state == TEKEN_CAMERA_NO_CAMERA;
}

static void
test_camera_states (void)
{
  g_autoptr(TekenCamera) camera = teken_camera_new ();
  const GError *error;

  g_assert_cmpint (teken_camera_get_state (camera), ==, TEKEN_CAMERA_STOPPED);

  g_setenv ("TEKEN_CAMERA_SOURCE", LIVE_SMPTE, TRUE);
  teken_camera_start (camera, NULL);
  g_assert_cmpint (teken_camera_get_state (camera), ==, TEKEN_CAMERA_STARTING);
  wait_for (camera_settled, camera, "the camera to start");
  g_assert_cmpint (teken_camera_get_state (camera), ==, TEKEN_CAMERA_STREAMING);
  g_assert_cmpint (gdk_texture_get_width (teken_camera_get_texture (camera)), ==, TEKEN_CAMERA_WIDTH);
  g_assert_cmpint (teken_camera_get_detects_faces (camera), ==, face_detector_installed ());
  teken_camera_stop (camera);
  g_assert_cmpint (teken_camera_get_state (camera), ==, TEKEN_CAMERA_STOPPED);
  g_assert_null (teken_camera_get_error (camera));

  /* A live source that ends is a camera that went away. */
  g_setenv ("TEKEN_CAMERA_SOURCE", "videotestsrc num-buffers=5", TRUE);
  teken_camera_start (camera, NULL);
  wait_for (camera_settled, camera, "the camera to start");
  while (teken_camera_get_state (camera) == TEKEN_CAMERA_STREAMING)
    g_main_context_iteration (NULL, TRUE);
  error = teken_camera_get_error (camera);
  g_assert_error (error, TEKEN_CAMERA_ERROR, TEKEN_CAMERA_ERROR_UNAVAILABLE);

  g_setenv ("TEKEN_CAMERA_SOURCE", "v4l2src device=/dev/teken-no-such-camera", TRUE);
  teken_camera_start (camera, NULL);
  wait_for (camera_settled, camera, "the camera to fail");
  g_assert_error (teken_camera_get_error (camera), TEKEN_CAMERA_ERROR, TEKEN_CAMERA_ERROR_NO_DEVICE);

  g_unsetenv ("TEKEN_CAMERA_SOURCE");
}

/* In Indonesian, as most users will see it; needs the build installed
 * into its prefix, where the translations are. */
static void
test_indonesian (void)
{
  Fixture fixture;

  if (!teken_test_use_indonesian ())
    return;

  fixture_open (&fixture, LIVE_SMPTE);
  wait_for_preview (&fixture);
  wait_for_label (GTK_WIDGET (fixture.page), "Pencahayaan baik");
  g_assert_nonnull (find_shown_label (GTK_WIDGET (fixture.page), "Ambil Foto"));
  save_screenshot (fixture.window, "selfie-live-id");
  fixture_close (&fixture);

  fixture_open (&fixture, "v4l2src device=/dev/teken-no-such-camera");
  teken_selfie_page_set_continue_link (fixture.page, CONTINUE_LINK);
  wait_for_label (GTK_WIDGET (fixture.page), "Kamera Tidak Ditemukan");
  save_screenshot (fixture.window, "selfie-no-camera-id");
  fixture_close (&fixture);

  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "");
}

static const HintCase hint_cases[] = {
  { "black", "The picture is blank", "selfie-hints-blank" },
  { "ball", "Too dark", "selfie-hints-dark" },
  { "gradient", "Blurred", NULL },
};

int
main (int   argc,
      char *argv[])
{
  /* facedetect loads optional OpenCV cascades that Debian does not ship
   * and OpenCV complains on stderr each time; it still finds faces. */
  g_setenv ("OPENCV_LOG_LEVEL", "SILENT", FALSE);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  gst_init (NULL, NULL);
  teken_register_resource ();

  /* Screenshots show where a page ends up, not halfway through a fade. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/selfie/camera-states", test_camera_states);
  g_test_add_func ("/selfie/live-preview", test_live_preview);
  g_test_add_func ("/selfie/capture-and-use", test_capture_and_use);
  g_test_add_data_func ("/selfie/hints/blank", &hint_cases[0], test_hints);
  g_test_add_data_func ("/selfie/hints/too-dark", &hint_cases[1], test_hints);
  g_test_add_data_func ("/selfie/hints/blurred", &hint_cases[2], test_hints);
  g_test_add_func ("/selfie/still-shows-problem", test_still_shows_problem);
  g_test_add_func ("/selfie/no-camera/no-such-element", test_no_such_element);
  g_test_add_func ("/selfie/no-camera/source-error", test_source_error_then_retry);
  g_test_add_func ("/selfie/setting-chooses-source", test_setting_chooses_source);
  g_test_add_func ("/selfie/auto-without-camera", test_auto_without_camera);
  g_test_add_func ("/selfie/indonesian", test_indonesian);

  return g_test_run ();
}
