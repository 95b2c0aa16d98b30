/* teken-selfie-page.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The selfie step of the enrollment wizard: a live, mirrored preview with
 * hints, a 3-2-1 countdown, the still with Retake / Use This Photo, and a
 * page that says what to do when there is no camera.
 *
 * The hints and the still's verdict use core's teken_selfie_measure() and
 * teken_selfie_judge(), the same code and thresholds teken-ca refuses
 * with (docs/api.md §5.8), so a hint predicts the server's answer. They
 * measure the very frame size that is uploaded, never a smaller copy: the
 * sharpness metric depends on the scale.
 *
 * The wizard embeds the page, listens to ::photo-chosen, uploads, and calls
 * teken_selfie_page_show_refusal() when the server says no.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-camera.h"
#include "teken-qr-texture.h"
#include "teken-selfie-check.h"
#include "teken-selfie-page.h"

#define HINT_INTERVAL_MS   500
#define COUNTDOWN_SECONDS  3
#define QR_MODULE_SIZE     4

/* Smallest photo we send; the camera's frames are exactly this. */
#define PHOTO_MIN_WIDTH    640
#define PHOTO_MIN_HEIGHT   480

typedef enum
{
  HINT_PENDING,
  HINT_OK,
  HINT_PROBLEM,
} HintLevel;

typedef struct
{
  GtkWidget *row;
  GtkImage  *icon;
  GtkLabel  *label;
} Hint;

typedef struct
{
  GBytes             *png;
  TekenSelfieMetrics  metrics;
} Photo;

struct _TekenSelfiePage
{
  AdwBin              parent_instance;

  /* Template widgets */
  GtkRevealer        *refusal_revealer;
  GtkLabel           *refusal_label;
  GtkStack           *stack;
  GtkPicture         *preview;
  GtkWidget          *starting_box;
  GtkSpinner         *starting_spinner;
  GtkLabel           *countdown_label;
  GtkListBox         *hints;
  GtkPicture         *still;
  GtkWidget          *capture_button;
  GtkWidget          *retry_button;
  GtkImage           *verdict_icon;
  GtkLabel           *verdict_label;
  GtkWidget          *use_button;
  GtkWidget          *retake_button;
  AdwStatusPage      *no_camera_status;
  GtkWidget          *phone_box;
  GtkPicture         *qr_picture;
  GtkLabel           *link_label;

  Hint                light_hint;
  Hint                sharpness_hint;
  Hint                face_hint;

  TekenCamera        *camera;
  guint               hint_timeout;
  GCancellable       *measure_cancellable;
  gboolean            measuring;

  guint               countdown_timeout;
  guint               countdown;

  GCancellable       *photo_cancellable;
  Photo              *photo;
  TekenCameraFace     face_at_capture;
  gboolean            photo_refused;
};

G_DEFINE_FINAL_TYPE (TekenSelfiePage, teken_selfie_page, ADW_TYPE_BIN)

enum {
  PHOTO_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The preview is mirrored, as people expect of a mirror; the still and
 * the upload are not, so what is shown there is what is sent. */
static const char style_css[] =
  ".teken-mirrored { transform: scaleX(-1); }\n"
  ".teken-countdown {"
  "  min-width: 128px; min-height: 128px; border-radius: 64px;"
  "  background-color: alpha(black, 0.55); color: white;"
  "  font-size: 64px; font-weight: bold; }\n"
  ".teken-refusal { padding: 12px; }\n";

static void
photo_free (Photo *photo)
{
  g_clear_pointer (&photo->png, g_bytes_unref);
  g_free (photo);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Photo, photo_free)

static void
ensure_style (GdkDisplay *display)
{
  static const char key[] = "teken-selfie-page-style";
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || g_object_get_data (G_OBJECT (display), key) != NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, style_css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), key, g_steal_pointer (&provider), g_object_unref);
}

static void
add_hint (TekenSelfiePage *self,
          Hint            *hint)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  hint->icon = GTK_IMAGE (g_object_new (GTK_TYPE_IMAGE,
                                        "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                        "valign", GTK_ALIGN_START,
                                        NULL));
  hint->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (hint->label, TRUE);
  gtk_label_set_xalign (hint->label, 0);
  gtk_label_set_max_width_chars (hint->label, 30);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (hint->icon));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (hint->label));

  hint->row = gtk_list_box_row_new ();
  /* A hint is read, not operated: no stop for the keyboard on it. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (hint->row), FALSE);
  gtk_widget_set_focusable (hint->row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (hint->row), box);
  gtk_list_box_append (self->hints, hint->row);
}

static void
set_hint (Hint       *hint,
          HintLevel   level,
          const char *text)
{
  static const char * const icons[] = {
    [HINT_PENDING] = "content-loading-symbolic",
    [HINT_OK] = "object-select-symbolic",
    [HINT_PROBLEM] = "dialog-warning-symbolic",
  };

  gtk_image_set_from_icon_name (hint->icon, icons[level]);
  gtk_widget_remove_css_class (GTK_WIDGET (hint->icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (hint->icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (hint->icon), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (hint->icon),
                            level == HINT_OK ? "success" : level == HINT_PROBLEM ? "warning" : "dim-label");
  gtk_label_set_text (hint->label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (hint->row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
reset_hints (TekenSelfiePage *self)
{
  set_hint (&self->light_hint, HINT_PENDING, _("Checking the light…"));
  set_hint (&self->sharpness_hint, HINT_PENDING, _("Checking the sharpness…"));
  set_hint (&self->face_hint, HINT_PENDING, _("Looking for a face…"));
}

/* Light first, then sharpness, in the order the server checks them. */
static void
show_metrics (TekenSelfiePage          *self,
              const TekenSelfieMetrics *metrics)
{
  TekenSelfieThresholds thresholds;

  teken_selfie_thresholds_init (&thresholds);

  switch (teken_selfie_judge (metrics, &thresholds))
    {
    case TEKEN_SELFIE_BLANK:
      set_hint (&self->light_hint, HINT_PROBLEM,
                _("The picture is blank: uncover the camera and point it at yourself"));
      break;

    case TEKEN_SELFIE_TOO_DARK:
      set_hint (&self->light_hint, HINT_PROBLEM,
                _("Too dark: turn on a light or face a window"));
      break;

    case TEKEN_SELFIE_TOO_BRIGHT:
      set_hint (&self->light_hint, HINT_PROBLEM,
                _("Too bright: move out of direct light"));
      break;

    case TEKEN_SELFIE_BLURRED:
    case TEKEN_SELFIE_OK:
    default:
      set_hint (&self->light_hint, HINT_OK, _("The light is good"));
      break;
    }

  if (metrics->luma_stddev < thresholds.blank)
    set_hint (&self->sharpness_hint, HINT_PENDING, _("The sharpness is checked once there is a picture"));
  else if (metrics->sharpness < thresholds.blur)
    set_hint (&self->sharpness_hint, HINT_PROBLEM, _("Blurred: hold still and wipe the camera lens"));
  else
    set_hint (&self->sharpness_hint, HINT_OK, _("The picture is sharp"));
}

static void
show_face (TekenSelfiePage *self)
{
  gtk_widget_set_visible (self->face_hint.row, teken_camera_get_detects_faces (self->camera));

  switch (teken_camera_get_face (self->camera))
    {
    case TEKEN_CAMERA_FACE_NONE:
      set_hint (&self->face_hint, HINT_PROBLEM, _("No face found: look straight at the camera"));
      break;

    case TEKEN_CAMERA_FACE_OFF_CENTRE:
      set_hint (&self->face_hint, HINT_PROBLEM, _("Face not centred: move to the middle of the picture"));
      break;

    case TEKEN_CAMERA_FACE_CENTRED:
      set_hint (&self->face_hint, HINT_OK, _("Your face is in the middle"));
      break;

    case TEKEN_CAMERA_FACE_UNKNOWN:
    default:
      set_hint (&self->face_hint, HINT_PENDING, _("Looking for a face…"));
      break;
    }
}

/* GdkTexture downloads in cairo's native-endian ARGB; core wants RGB. */
static guint8 *
download_rgb (GdkTexture *texture,
              int        *width,
              int        *height)
{
  int w = gdk_texture_get_width (texture);
  int h = gdk_texture_get_height (texture);
  g_autofree guint32 *argb = g_new (guint32, (gsize) w * h);
  guint8 *rgb = g_malloc ((gsize) w * h * 3);

  gdk_texture_download (texture, (guchar *) argb, (gsize) w * 4);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      rgb[i * 3] = (argb[i] >> 16) & 0xff;
      rgb[i * 3 + 1] = (argb[i] >> 8) & 0xff;
      rgb[i * 3 + 2] = argb[i] & 0xff;
    }

  *width = w;
  *height = h;
  return rgb;
}

static void
measure_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autofree TekenSelfieMetrics *metrics = g_new0 (TekenSelfieMetrics, 1);
  g_autofree guint8 *rgb = NULL;
  int width, height;

  rgb = download_rgb (task_data, &width, &height);
  if (!teken_selfie_measure (rgb, width, height, (gsize) width * 3, 3, metrics))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "frame too small");
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&metrics), g_free);
}

static void
measured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (object);
  g_autofree TekenSelfieMetrics *metrics = NULL;
  g_autoptr(GError) error = NULL;

  metrics = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->measuring = FALSE;
  if (metrics != NULL)
    show_metrics (self, metrics);
}

static gboolean
hint_tick_cb (gpointer user_data)
{
  TekenSelfiePage *self = user_data;
  GdkTexture *texture = teken_camera_get_texture (self->camera);
  g_autoptr(GTask) task = NULL;

  if (self->measuring || texture == NULL ||
      teken_camera_get_state (self->camera) != TEKEN_CAMERA_STREAMING)
    return G_SOURCE_CONTINUE;

  self->measuring = TRUE;
  task = g_task_new (self, self->measure_cancellable, measured_cb, NULL);
  g_task_set_source_tag (task, hint_tick_cb);
  g_task_set_task_data (task, g_object_ref (texture), g_object_unref);
  g_task_run_in_thread (task, measure_thread);

  return G_SOURCE_CONTINUE;
}

/* The button the keyboard belongs on in the visible sub-page: Take Photo,
 * the still's suggested one, or Try Again. */
static GtkWidget *
focus_button (TekenSelfiePage *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (name, "camera") == 0)
    return self->capture_button;
  if (g_strcmp0 (name, "still") == 0)
    return gtk_widget_has_css_class (self->use_button, "suggested-action") ? self->use_button : self->retake_button;
  return self->retry_button;
}

/* The keyboard comes to the focus button when it has nowhere to be: the
 * page was shown while its buttons were off (the camera starting, the
 * still being checked), or the button that had it went away with its
 * sub-page. */
static void
claim_focus (TekenSelfiePage *self)
{
  GtkWidget *button = focus_button (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (!gtk_widget_get_mapped (button) || !gtk_widget_is_sensitive (button))
    return;
  if (focus == NULL || focus == GTK_WIDGET (root) || !gtk_widget_get_mapped (focus) ||
      !gtk_widget_is_sensitive (focus) || !gtk_widget_get_focusable (focus))
    gtk_widget_grab_focus (button);
}

static void
update_actions (TekenSelfiePage *self)
{
  gboolean streaming = teken_camera_get_state (self->camera) == TEKEN_CAMERA_STREAMING;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "selfie.capture",
                                 streaming && self->countdown == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "selfie.use",
                                 self->photo != NULL && !self->photo_refused);
  claim_focus (self);
}

static void
stop_countdown (TekenSelfiePage *self)
{
  g_clear_handle_id (&self->countdown_timeout, g_source_remove);
  self->countdown = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
}

static void
stop_live (TekenSelfiePage *self)
{
  stop_countdown (self);
  g_clear_handle_id (&self->hint_timeout, g_source_remove);
  g_cancellable_cancel (self->measure_cancellable);
  g_clear_object (&self->measure_cancellable);
  self->measuring = FALSE;
  teken_camera_stop (self->camera);
}

static void
start_live (TekenSelfiePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  stop_live (self);
  reset_hints (self);
  gtk_stack_set_visible_child_name (self->stack, "camera");
  self->measure_cancellable = g_cancellable_new ();
  self->hint_timeout = g_timeout_add (HINT_INTERVAL_MS, hint_tick_cb, self);
  teken_camera_start (self->camera, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
}

static void
show_no_camera (TekenSelfiePage *self)
{
  const GError *error = teken_camera_get_error (self->camera);
  const char *title;

  switch (error != NULL ? error->code : TEKEN_CAMERA_ERROR_UNAVAILABLE)
    {
    case TEKEN_CAMERA_ERROR_NO_DEVICE:
      title = _("No Camera Found");
      break;

    case TEKEN_CAMERA_ERROR_PERMISSION_DENIED:
      title = _("Camera Access Is Off");
      break;

    case TEKEN_CAMERA_ERROR_UNAVAILABLE:
    default:
      title = _("The Camera Cannot Be Used");
      break;
    }

  adw_status_page_set_title (self->no_camera_status, title);
  adw_status_page_set_description (self->no_camera_status, error != NULL ? error->message : NULL);
  gtk_stack_set_visible_child_name (self->stack, "no-camera");
}

static void
camera_state_changed_cb (TekenSelfiePage *self)
{
  TekenCameraState state = teken_camera_get_state (self->camera);

  gtk_widget_set_visible (self->starting_box, state == TEKEN_CAMERA_STARTING);
  gtk_spinner_set_spinning (self->starting_spinner, state == TEKEN_CAMERA_STARTING);

  switch (state)
    {
    case TEKEN_CAMERA_STREAMING:
      show_face (self);
      break;

    case TEKEN_CAMERA_NO_CAMERA:
      stop_live (self);
      show_no_camera (self);
      break;

    case TEKEN_CAMERA_STARTING:
    case TEKEN_CAMERA_STOPPED:
    default:
      break;
    }

  update_actions (self);
}

static void
camera_texture_changed_cb (TekenSelfiePage *self)
{
  gtk_picture_set_paintable (self->preview,
                             GDK_PAINTABLE (teken_camera_get_texture (self->camera)));
}

/* The PNG that is sent: RGB without alpha (smaller), no side over the
 * server's 4096 pixels, at most 2 MiB, scaled down in steps only when it
 * must be and never below 640×480. Its metrics are measured on the pixels
 * that went into the PNG, exactly what the server decodes. */
static Photo *
encode_photo (GdkPixbuf  *frame,
              GError    **error)
{
  int width = gdk_pixbuf_get_width (frame);
  int height = gdk_pixbuf_get_height (frame);
  double scale = MIN (1.0, (double) TEKEN_SELFIE_MAX_SIDE / MAX (width, height));

  for (;;)
    {
      int w = MAX (1, (int) (width * scale + 0.5));
      int h = MAX (1, (int) (height * scale + 0.5));
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      g_autoptr(GBytes) png = NULL;
      g_autoptr(GBytes) pixels = NULL;
      g_autoptr(Photo) photo = g_new0 (Photo, 1);

      pixbuf = scale < 1.0 ? gdk_pixbuf_scale_simple (frame, w, h, GDK_INTERP_BILINEAR)
                           : g_object_ref (frame);
      pixels = gdk_pixbuf_read_pixel_bytes (pixbuf);
      texture = gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, pixels,
                                        gdk_pixbuf_get_rowstride (pixbuf));
      png = gdk_texture_save_to_png_bytes (texture);

      if (g_bytes_get_size (png) <= TEKEN_SELFIE_MAX_BYTES)
        {
          if (!teken_selfie_measure (g_bytes_get_data (pixels, NULL), w, h,
                                     gdk_pixbuf_get_rowstride (pixbuf), 3, &photo->metrics))
            break;

          photo->png = g_steal_pointer (&png);
          return g_steal_pointer (&photo);
        }

      scale *= 0.8;
      if (MAX (width, height) * scale < PHOTO_MIN_WIDTH ||
          MIN (width, height) * scale < PHOTO_MIN_HEIGHT)
        break;
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("The photo cannot be made small enough to send. Retake it."));
  return NULL;
}

static void
photo_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autoptr(GdkPixbuf) frame = NULL;
  g_autoptr(GBytes) rgb = NULL;
  g_autoptr(GError) error = NULL;
  Photo *photo;
  guint8 *pixels;
  int width, height;

  pixels = download_rgb (task_data, &width, &height);
  rgb = g_bytes_new_take (pixels, (gsize) width * height * 3);
  frame = gdk_pixbuf_new_from_bytes (rgb, GDK_COLORSPACE_RGB, FALSE, 8, width, height, width * 3);

  photo = encode_photo (frame, &error);
  if (photo == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, photo, (GDestroyNotify) photo_free);
}

static void
show_verdict (TekenSelfiePage *self)
{
  TekenSelfieThresholds thresholds;
  const char *text;
  gboolean ok = FALSE;

  teken_selfie_thresholds_init (&thresholds);

  switch (teken_selfie_judge (&self->photo->metrics, &thresholds))
    {
    case TEKEN_SELFIE_BLANK:
      text = _("This photo is blank, and the server will refuse it. Retake it with the camera uncovered and pointed at you.");
      break;

    case TEKEN_SELFIE_TOO_DARK:
      text = _("This photo is too dark, and the server will refuse it. Retake it with more light on your face.");
      break;

    case TEKEN_SELFIE_TOO_BRIGHT:
      text = _("This photo is too bright, and the server will refuse it. Retake it out of direct light.");
      break;

    case TEKEN_SELFIE_BLURRED:
      text = _("This photo is blurred, and the server will refuse it. Hold still and retake it.");
      break;

    case TEKEN_SELFIE_OK:
    default:
      if (self->face_at_capture == TEKEN_CAMERA_FACE_NONE)
        text = _("No face was found in this photo. Retake it looking straight at the camera.");
      else
        {
          text = _("The light and sharpness are good.");
          ok = TRUE;
        }
      break;
    }

  gtk_image_set_from_icon_name (self->verdict_icon, ok ? "object-select-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), ok ? "warning" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), ok ? "success" : "warning");
  gtk_label_set_text (self->verdict_label, text);

  /* A photo with a problem may still be sent, but retaking is the
   * suggestion. */
  if (ok)
    {
      gtk_widget_add_css_class (self->use_button, "suggested-action");
      gtk_widget_remove_css_class (self->retake_button, "suggested-action");
    }
  else
    {
      gtk_widget_remove_css_class (self->use_button, "suggested-action");
      gtk_widget_add_css_class (self->retake_button, "suggested-action");
    }
}

static void
photo_made_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (object);
  g_autoptr(GError) error = NULL;
  Photo *photo;

  photo = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->photo_cancellable);
  if (photo == NULL)
    {
      gtk_image_set_from_icon_name (self->verdict_icon, "dialog-error-symbolic");
      gtk_label_set_text (self->verdict_label, error->message);
      return;
    }

  g_clear_pointer (&self->photo, photo_free);
  self->photo = photo;
  self->photo_refused = FALSE;
  show_verdict (self);
  update_actions (self);
}

static void
take_photo (TekenSelfiePage *self)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GTask) task = NULL;

  if (teken_camera_get_texture (self->camera) == NULL)
    return;

  texture = g_object_ref (teken_camera_get_texture (self->camera));
  self->face_at_capture = teken_camera_get_face (self->camera);

  /* The light goes off while the user looks at the still. */
  stop_live (self);

  gtk_picture_set_paintable (self->still, GDK_PAINTABLE (texture));
  gtk_image_set_from_icon_name (self->verdict_icon, "content-loading-symbolic");
  gtk_label_set_text (self->verdict_label, _("Checking the photo…"));
  gtk_stack_set_visible_child_name (self->stack, "still");

  self->photo_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->photo_cancellable, photo_made_cb, NULL);
  g_task_set_source_tag (task, take_photo);
  g_task_set_task_data (task, g_steal_pointer (&texture), g_object_unref);
  g_task_run_in_thread (task, photo_thread);
}

static gboolean
countdown_tick_cb (gpointer user_data)
{
  TekenSelfiePage *self = user_data;
  g_autofree char *text = NULL;

  if (--self->countdown > 0)
    {
      text = g_strdup_printf ("%u", self->countdown);
      gtk_label_set_text (self->countdown_label, text);
      return G_SOURCE_CONTINUE;
    }

  self->countdown_timeout = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
  take_photo (self);

  return G_SOURCE_REMOVE;
}

static void
capture_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (widget);
  g_autofree char *text = NULL;

  if (self->countdown > 0 || teken_camera_get_texture (self->camera) == NULL)
    return;

  self->countdown = COUNTDOWN_SECONDS;
  text = g_strdup_printf ("%u", self->countdown);
  gtk_label_set_text (self->countdown_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), TRUE);
  self->countdown_timeout = g_timeout_add (1000, countdown_tick_cb, self);
  update_actions (self);
}

static void
forget_photo (TekenSelfiePage *self)
{
  g_cancellable_cancel (self->photo_cancellable);
  g_clear_object (&self->photo_cancellable);
  g_clear_pointer (&self->photo, photo_free);
  gtk_picture_set_paintable (self->still, NULL);
}

static void
retake_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (widget);

  forget_photo (self);
  start_live (self);
  update_actions (self);
}

static void
use_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (widget);

  if (self->photo == NULL || self->photo_refused)
    return;

  gtk_revealer_set_reveal_child (self->refusal_revealer, FALSE);
  g_signal_emit (self, signals[PHOTO_CHOSEN], 0, self->photo->png, &self->photo->metrics);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  start_live (TEKEN_SELFIE_PAGE (widget));
}

/* The wizard gives the page the keyboard: the focus button has it, or
 * takes it as soon as it can be pressed. */
static gboolean
teken_selfie_page_grab_focus (GtkWidget *widget)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (widget);
  GtkWidget *button = focus_button (self);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (gtk_widget_is_sensitive (button))
    return gtk_widget_grab_focus (button);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_focus (GTK_WINDOW (root), NULL);
  return FALSE;
}

/* Tab goes through the sub-page's buttons in reading order and then
 * leaves: GTK 4.8's own order took the still's Tab back to Retake, never
 * reaching Use This Photo above it. */
static gboolean
teken_selfie_page_focus (GtkWidget        *widget,
                         GtkDirectionType  direction)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (widget);
  const char *name = gtk_stack_get_visible_child_name (self->stack);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *order[2] = { NULL, NULL };
  int n = 0;
  int at = -1;
  int step = direction == GTK_DIR_TAB_FORWARD ? 1 : -1;

  if (g_strcmp0 (name, "still") == 0)
    {
      order[n++] = self->use_button;
      order[n++] = self->retake_button;
    }
  else if (g_strcmp0 (name, "camera") == 0)
    order[n++] = self->capture_button;
  if (n == 0 || (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD))
    return GTK_WIDGET_CLASS (teken_selfie_page_parent_class)->focus (widget, direction);

  for (int i = 0; i < n; i++)
    if (focus == order[i])
      at = i;
  for (int i = at >= 0 ? at + step : (step > 0 ? 0 : n - 1); i >= 0 && i < n; i += step)
    if (gtk_widget_get_visible (order[i]) && gtk_widget_is_sensitive (order[i]))
      return gtk_widget_grab_focus (order[i]);
  return FALSE;
}

static void
teken_selfie_page_map (GtkWidget *widget)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (widget);

  GTK_WIDGET_CLASS (teken_selfie_page_parent_class)->map (widget);

  /* Coming back to a still keeps it; otherwise the camera (re)starts. */
  if (self->photo == NULL && self->photo_cancellable == NULL)
    start_live (self);
}

static void
teken_selfie_page_unmap (GtkWidget *widget)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (widget);

  stop_live (self);

  GTK_WIDGET_CLASS (teken_selfie_page_parent_class)->unmap (widget);
}

static void
teken_selfie_page_dispose (GObject *object)
{
  TekenSelfiePage *self = TEKEN_SELFIE_PAGE (object);

  if (self->camera != NULL)
    {
      stop_live (self);
      forget_photo (self);
      g_signal_handlers_disconnect_by_data (self->camera, self);
      g_clear_object (&self->camera);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_SELFIE_PAGE);

  G_OBJECT_CLASS (teken_selfie_page_parent_class)->dispose (object);
}

static void
teken_selfie_page_class_init (TekenSelfiePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_selfie_page_dispose;
  widget_class->map = teken_selfie_page_map;
  widget_class->grab_focus = teken_selfie_page_grab_focus;
  widget_class->focus = teken_selfie_page_focus;
  widget_class->unmap = teken_selfie_page_unmap;

  /**
   * TekenSelfiePage::photo-chosen:
   * @png: the photo as PNG, RGB, at least 640×480, at most 2 MiB
   * @metrics: (type gpointer): its `const TekenSelfieMetrics *`
   *
   * The user chose to send this photo.
   */
  signals[PHOTO_CHOSEN] =
    g_signal_new ("photo-chosen",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-selfie-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, refusal_revealer);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, refusal_label);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, stack);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, preview);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, starting_box);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, starting_spinner);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, hints);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, still);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, capture_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, use_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, retake_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, no_camera_status);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, phone_box);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, TekenSelfiePage, link_label);

  gtk_widget_class_install_action (widget_class, "selfie.capture", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "selfie.retake", NULL, retake_action);
  gtk_widget_class_install_action (widget_class, "selfie.use", NULL, use_action);
  gtk_widget_class_install_action (widget_class, "selfie.retry", NULL, retry_action);
}

static void
teken_selfie_page_init (TekenSelfiePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ensure_style (gtk_widget_get_display (GTK_WIDGET (self)));

  add_hint (self, &self->light_hint);
  add_hint (self, &self->sharpness_hint);
  add_hint (self, &self->face_hint);
  gtk_widget_set_visible (self->face_hint.row, FALSE);
  reset_hints (self);

  self->camera = teken_camera_new ();
  g_signal_connect_swapped (self->camera, "notify::state", G_CALLBACK (camera_state_changed_cb), self);
  g_signal_connect_swapped (self->camera, "notify::texture", G_CALLBACK (camera_texture_changed_cb), self);
  g_signal_connect_swapped (self->camera, "notify::face", G_CALLBACK (show_face), self);
  update_actions (self);
}

GtkWidget *
teken_selfie_page_new (void)
{
  return g_object_new (TEKEN_TYPE_SELFIE_PAGE, NULL);
}

/**
 * teken_selfie_page_set_continue_link:
 * @uri: (nullable): where the user can go on with the enrollment on a
 *   phone, or %NULL for none
 *
 * Shown as a QR code (and as text) when there is no camera.
 */
void
teken_selfie_page_set_continue_link (TekenSelfiePage *self,
                                     const char      *uri)
{
  g_autoptr(GdkTexture) qr = NULL;

  g_return_if_fail (TEKEN_IS_SELFIE_PAGE (self));

  if (uri != NULL && *uri != '\0')
    qr = teken_qr_texture_new (uri, QR_MODULE_SIZE);

  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_label_set_text (self->link_label, qr != NULL ? uri : "");
  gtk_widget_set_visible (self->phone_box, qr != NULL);
}

/**
 * teken_selfie_page_show_refusal:
 * @message: the server's reason, a sentence for the user
 *
 * Shows that the server refused the chosen photo; that photo cannot be
 * chosen again, only retaken.
 */
void
teken_selfie_page_show_refusal (TekenSelfiePage *self,
                                const char      *message)
{
  g_return_if_fail (TEKEN_IS_SELFIE_PAGE (self));
  g_return_if_fail (message != NULL);

  gtk_label_set_text (self->refusal_label, message);
  /* Empty, a selectable label would still take the focus, nameless. */
  gtk_widget_set_visible (GTK_WIDGET (self->refusal_label), message != NULL && *message != '\0');
  gtk_revealer_set_reveal_child (self->refusal_revealer, TRUE);
  self->photo_refused = TRUE;
  update_actions (self);
}
