/* teken-camera.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The live camera of the selfie step.
 *
 *   <source> ! videoconvert ! aspectratiocrop ! videoscale
 *            ! video/x-raw,format=RGBA,width=640,height=480 ! tee
 *   tee. ! queue ! appsink max-buffers=2 drop=true
 *   tee. ! queue leaky ! videorate ! … ! facedetect ! fakesink   (when present)
 *
 * Debian 12 has no gtk4paintablesink, so appsink's streaming thread copies
 * each frame and the main thread turns the newest one into a
 * GdkMemoryTexture; frames that arrive while one is waiting replace it.
 *
 * The source is, in order: $TEKEN_CAMERA_SOURCE (tests), the `camera-source`
 * setting when it is not "auto", the camera portal with pipewiresrc (in
 * Flatpak, or on a desktop whose portal sees a camera), the first
 * /dev/video* device with v4l2src.
 */

#include "config.h"

#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <libportal-gtk4/portal-gtk4.h>
#include <libportal/portal.h>
#include <string.h>
#include <unistd.h>

#include "teken-camera.h"

/* The face detector sees a smaller copy, a few times a second: enough
 * for a hint, and cheap. */
#define FACE_WIDTH   320
#define FACE_HEIGHT  240
#define FACE_RATE    4

/* A face whose centre is further than this from the frame's centre, as a
 * fraction of the frame's width or height, is "not centred". */
#define FACE_CENTRE_TOLERANCE 0.15

/* A camera that sends nothing within this time is treated as broken. */
#define FIRST_FRAME_TIMEOUT_SECONDS 10

#define PORTAL_BUS_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_CAMERA      "org.freedesktop.portal.Camera"

typedef struct
{
  GBytes *bytes;
  int     width;
  int     height;
  gsize   stride;
} Frame;

struct _TekenCamera
{
  GObject           parent_instance;

  TekenCameraState  state;
  GError           *error;
  GdkTexture       *texture;
  TekenCameraFace   face;
  gboolean          detects_faces;

  GstElement       *pipeline;
  guint             bus_watch;
  guint             first_frame_timeout;

  /* The portal steps of one start; cancelled by stop. */
  GCancellable     *cancellable;
  GDBusConnection  *bus;
  XdpPortal        *portal;
  GtkWindow        *parent;

  GMainContext     *context;

  /* Shared with the streaming thread. */
  GMutex            lock;
  Frame            *pending;
  gboolean          delivery_scheduled;
};

G_DEFINE_FINAL_TYPE (TekenCamera, teken_camera, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TekenCameraState, teken_camera_state,
  G_DEFINE_ENUM_VALUE (TEKEN_CAMERA_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (TEKEN_CAMERA_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (TEKEN_CAMERA_STREAMING, "streaming"),
  G_DEFINE_ENUM_VALUE (TEKEN_CAMERA_NO_CAMERA, "no-camera"))

G_DEFINE_ENUM_TYPE (TekenCameraFace, teken_camera_face,
  G_DEFINE_ENUM_VALUE (TEKEN_CAMERA_FACE_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (TEKEN_CAMERA_FACE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (TEKEN_CAMERA_FACE_OFF_CENTRE, "off-centre"),
  G_DEFINE_ENUM_VALUE (TEKEN_CAMERA_FACE_CENTRED, "centred"))

G_DEFINE_QUARK (teken-camera-error-quark, teken_camera_error)

enum {
  PROP_0,
  PROP_STATE,
  PROP_TEXTURE,
  PROP_FACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
frame_free (Frame *frame)
{
  g_bytes_unref (frame->bytes);
  g_free (frame);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Frame, frame_free)

static void
set_state (TekenCamera      *self,
           TekenCameraState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_face (TekenCamera     *self,
          TekenCameraFace  face)
{
  if (self->face == face)
    return;

  self->face = face;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FACE]);
}

static void
stop_pipeline (TekenCamera *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  g_clear_handle_id (&self->first_frame_timeout, g_source_remove);

  /* Joins the streaming threads, so no frame arrives after this. */
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->pipeline);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending, frame_free);
  g_mutex_unlock (&self->lock);

  set_face (self, TEKEN_CAMERA_FACE_UNKNOWN);
}

/* Stops everything and says why, in words that tell the user what to do. */
static void
fail (TekenCamera      *self,
      TekenCameraError  code,
      const char       *message)
{
  g_debug ("camera: no camera: %s", message);
  stop_pipeline (self);
  g_clear_error (&self->error);
  self->error = g_error_new_literal (TEKEN_CAMERA_ERROR, code, message);
  set_state (self, TEKEN_CAMERA_NO_CAMERA);
}

static void
fail_no_device (TekenCamera *self)
{
  fail (self, TEKEN_CAMERA_ERROR_NO_DEVICE,
        _("Connect a camera to this computer, then try again."));
}

static void
fail_permission (TekenCamera *self)
{
  fail (self, TEKEN_CAMERA_ERROR_PERMISSION_DENIED,
        _("Teken is not allowed to use the camera. Allow it in Settings → Privacy → Camera, then try again."));
}

static void
fail_busy (TekenCamera *self)
{
  fail (self, TEKEN_CAMERA_ERROR_UNAVAILABLE,
        _("The camera is in use by another application or does not respond. Close other applications that use the camera, then try again."));
}

/* Maps a GStreamer error to the three reasons the user can act on. */
static void
fail_from_gst_error (TekenCamera  *self,
                     const GError *error)
{
  if (error->domain == GST_RESOURCE_ERROR &&
      error->code == GST_RESOURCE_ERROR_NOT_FOUND)
    fail_no_device (self);
  else if (error->domain == GST_RESOURCE_ERROR &&
           error->code == GST_RESOURCE_ERROR_NOT_AUTHORIZED)
    fail_permission (self);
  else
    fail_busy (self);
}

/* The lowest-numbered video device: with UVC cameras the capture node
 * comes before its metadata node. */
static char *
find_video_device (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev", 0, NULL);
  const char *name;
  guint64 best = G_MAXUINT64;

  if (dir == NULL)
    return NULL;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      guint64 number;

      if (g_str_has_prefix (name, "video") &&
          g_ascii_string_to_unsigned (name + strlen ("video"), 10, 0, G_MAXUINT32, &number, NULL))
        best = MIN (best, number);
    }

  if (best == G_MAXUINT64)
    return NULL;

  return g_strdup_printf ("/dev/video%" G_GUINT64_FORMAT, best);
}

/* Makes an element inside @bin, which owns it. */
static GstElement *
add_element (GstBin      *bin,
             const char  *factory,
             GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    {
      g_set_error (error, TEKEN_CAMERA_ERROR, TEKEN_CAMERA_ERROR_UNAVAILABLE,
                   _("A part of GStreamer that the camera needs is missing (%s). Install the GStreamer base and good plug-ins, then try again."),
                   factory);
      return NULL;
    }

  gst_bin_add (bin, element);
  return element;
}

static void
set_link_error (GError **error)
{
  g_set_error_literal (error, TEKEN_CAMERA_ERROR, TEKEN_CAMERA_ERROR_UNAVAILABLE,
                       _("The camera's picture cannot be processed. Try again."));
}

/* facedetect comes with gstreamer1.0-opencv and needs OpenCV's Haar
 * cascades (opencv-data). Without either there is no face hint at all:
 * a made-up "face found" would claim a check nobody did. */
static GstElement *
create_face_detector (void)
{
  g_autoptr(GstElement) detector = NULL;
  g_autofree char *profile = NULL;

  detector = gst_element_factory_make ("facedetect", NULL);
  if (detector == NULL)
    return NULL;

  gst_object_ref_sink (detector);
  g_object_get (detector, "profile", &profile, NULL);
  if (profile == NULL || !g_file_test (profile, G_FILE_TEST_IS_REGULAR))
    {
      g_debug ("camera: facedetect has no face profile (%s); no face hints", profile);
      return NULL;
    }

  g_object_set (detector, "display", FALSE, NULL);

  return g_steal_pointer (&detector);
}

static gboolean
add_face_branch (TekenCamera  *self,
                 GstElement   *tee,
                 GError      **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  GstElement *detector = create_face_detector ();
  GstElement *queue, *rate, *convert, *scale, *filter, *sink;
  g_autoptr(GstCaps) caps = NULL;

  if (detector == NULL)
    return TRUE;

  gst_bin_add (bin, detector);
  if (!(queue = add_element (bin, "queue", error)) ||
      !(rate = add_element (bin, "videorate", error)) ||
      !(convert = add_element (bin, "videoconvert", error)) ||
      !(scale = add_element (bin, "videoscale", error)) ||
      !(filter = add_element (bin, "capsfilter", error)) ||
      !(sink = add_element (bin, "fakesink", error)))
    return FALSE;

  /* Never slows the preview: old frames are dropped, not queued. */
  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");
  g_object_set (queue, "max-size-buffers", 1, NULL);
  g_object_set (rate, "drop-only", TRUE, "max-rate", FACE_RATE, NULL);
  caps = gst_caps_new_simple ("video/x-raw",
                              "width", G_TYPE_INT, FACE_WIDTH,
                              "height", G_TYPE_INT, FACE_HEIGHT,
                              NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);

  if (!gst_element_link_many (tee, queue, rate, convert, scale, filter, detector, sink, NULL))
    {
      set_link_error (error);
      return FALSE;
    }

  self->detects_faces = TRUE;
  return TRUE;
}

/* Runs on the main thread, as often as it can keep up. */
static gboolean
deliver_frame_cb (gpointer data)
{
  TekenCamera *self = data;
  g_autoptr(Frame) frame = NULL;

  g_mutex_lock (&self->lock);
  frame = g_steal_pointer (&self->pending);
  self->delivery_scheduled = FALSE;
  g_mutex_unlock (&self->lock);

  if (frame == NULL || self->pipeline == NULL)
    return G_SOURCE_REMOVE;

  g_clear_object (&self->texture);
  self->texture = gdk_memory_texture_new (frame->width, frame->height,
                                          GDK_MEMORY_R8G8B8A8,
                                          frame->bytes, frame->stride);
  g_clear_handle_id (&self->first_frame_timeout, g_source_remove);
  set_state (self, TEKEN_CAMERA_STREAMING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);

  return G_SOURCE_REMOVE;
}

/* Streaming thread: copy the frame out of GStreamer's buffer pool and
 * hand it over. */
static GstFlowReturn
new_sample_cb (GstAppSink *sink,
               gpointer    user_data)
{
  TekenCamera *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstVideoInfo info;
  GstVideoFrame video_frame;
  Frame *frame;
  gsize row_bytes;
  guint8 *pixels;
  gboolean schedule;

  if (sample == NULL)
    return GST_FLOW_EOS;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&video_frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return GST_FLOW_OK;

  row_bytes = (gsize) GST_VIDEO_FRAME_WIDTH (&video_frame) * 4;
  pixels = g_malloc (row_bytes * GST_VIDEO_FRAME_HEIGHT (&video_frame));
  for (int y = 0; y < GST_VIDEO_FRAME_HEIGHT (&video_frame); y++)
    memcpy (pixels + y * row_bytes,
            (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&video_frame, 0) +
              (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&video_frame, 0),
            row_bytes);

  frame = g_new0 (Frame, 1);
  frame->width = GST_VIDEO_FRAME_WIDTH (&video_frame);
  frame->height = GST_VIDEO_FRAME_HEIGHT (&video_frame);
  frame->stride = row_bytes;
  frame->bytes = g_bytes_new_take (pixels, row_bytes * frame->height);
  gst_video_frame_unmap (&video_frame);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending, frame_free);
  self->pending = frame;
  schedule = !self->delivery_scheduled;
  self->delivery_scheduled = TRUE;
  g_mutex_unlock (&self->lock);

  if (schedule)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                                deliver_frame_cb, g_object_ref (self), g_object_unref);

  return GST_FLOW_OK;
}

/* The largest face decides; a smaller one behind the user is not them. */
static void
read_faces (TekenCamera        *self,
            const GstStructure *structure)
{
  const GValue *faces = gst_structure_get_value (structure, "faces");
  guint best_area = 0;
  double centre_x = 0, centre_y = 0;

  if (faces == NULL || !GST_VALUE_HOLDS_LIST (faces))
    return;

  for (guint i = 0; i < gst_value_list_get_size (faces); i++)
    {
      const GValue *value = gst_value_list_get_value (faces, i);
      const GstStructure *face;
      guint x, y, width, height;

      if (!GST_VALUE_HOLDS_STRUCTURE (value))
        continue;

      face = gst_value_get_structure (value);
      if (!gst_structure_get_uint (face, "x", &x) ||
          !gst_structure_get_uint (face, "y", &y) ||
          !gst_structure_get_uint (face, "width", &width) ||
          !gst_structure_get_uint (face, "height", &height))
        continue;

      if (width * height > best_area)
        {
          best_area = width * height;
          centre_x = x + width / 2.0;
          centre_y = y + height / 2.0;
        }
    }

  if (best_area == 0)
    set_face (self, TEKEN_CAMERA_FACE_NONE);
  else if (ABS (centre_x - FACE_WIDTH / 2.0) > FACE_CENTRE_TOLERANCE * FACE_WIDTH ||
           ABS (centre_y - FACE_HEIGHT / 2.0) > FACE_CENTRE_TOLERANCE * FACE_HEIGHT)
    set_face (self, TEKEN_CAMERA_FACE_OFF_CENTRE);
  else
    set_face (self, TEKEN_CAMERA_FACE_CENTRED);
}

static gboolean
bus_message_cb (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  TekenCamera *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("camera: %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
                 error->message, debug);
        self->bus_watch = 0;
        fail_from_gst_error (self, error);
        return G_SOURCE_REMOVE;
      }

    case GST_MESSAGE_EOS:
      self->bus_watch = 0;
      fail (self, TEKEN_CAMERA_ERROR_UNAVAILABLE,
            _("The camera stopped sending pictures. Try again."));
      return G_SOURCE_REMOVE;

    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (message, "facedetect"))
        read_faces (self, gst_message_get_structure (message));
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
first_frame_timeout_cb (gpointer user_data)
{
  TekenCamera *self = user_data;

  self->first_frame_timeout = 0;
  fail (self, TEKEN_CAMERA_ERROR_UNAVAILABLE,
        _("The camera sent no picture. Close other applications that use the camera, then try again."));

  return G_SOURCE_REMOVE;
}

static gboolean
build_pipeline (TekenCamera  *self,
                GstElement   *source,
                GError      **error)
{
  g_autoptr(GstCaps) caps = NULL;
  GstBin *bin;
  GstElement *convert, *crop, *scale, *filter, *tee, *queue, *sink;
  GstAppSinkCallbacks callbacks = { .new_sample = new_sample_cb };

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("teken-camera"));
  bin = GST_BIN (self->pipeline);
  gst_bin_add (bin, source);

  if (!(convert = add_element (bin, "videoconvert", error)) ||
      !(crop = add_element (bin, "aspectratiocrop", error)) ||
      !(scale = add_element (bin, "videoscale", error)) ||
      !(filter = add_element (bin, "capsfilter", error)) ||
      !(tee = add_element (bin, "tee", error)) ||
      !(queue = add_element (bin, "queue", error)) ||
      !(sink = add_element (bin, "appsink", error)))
    return FALSE;

  /* A 16:9 camera is cropped to 4:3 rather than squeezed or letterboxed:
   * black bars would count against the brightness checks. */
  gst_util_set_object_arg (G_OBJECT (crop), "aspect-ratio", "4/3");
  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "RGBA",
                              "width", G_TYPE_INT, TEKEN_CAMERA_WIDTH,
                              "height", G_TYPE_INT, TEKEN_CAMERA_HEIGHT,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (sink, "max-buffers", 2, "drop", TRUE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);

  if (!gst_element_link_many (source, convert, crop, scale, filter, tee, queue, sink, NULL))
    {
      set_link_error (error);
      return FALSE;
    }

  return add_face_branch (self, tee, error);
}

static void
play (TekenCamera *self,
      GstElement  *source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;

  g_assert (self->pipeline == NULL);

  if (!build_pipeline (self, source, &error))
    {
      fail (self, error->code, error->message);
      return;
    }

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_watch = gst_bus_add_watch (bus, bus_message_cb, self);
  self->first_frame_timeout = g_timeout_add_seconds (FIRST_FRAME_TIMEOUT_SECONDS,
                                                     first_frame_timeout_cb, self);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      /* The element said why on the bus; read it now rather than later. */
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message != NULL)
        {
          gst_message_parse_error (message, &error, NULL);
          g_debug ("camera: %s", error->message);
          fail_from_gst_error (self, error);
        }
      else
        fail_busy (self);
    }
}

static void
play_description (TekenCamera *self,
                  const char  *description)
{
  g_autoptr(GError) error = NULL;
  GstElement *source;

  g_debug ("camera: source %s", description);
  source = gst_parse_bin_from_description_full (description, TRUE, NULL,
                                                GST_PARSE_FLAG_FATAL_ERRORS, &error);
  if (source == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("The camera source “%s” cannot be used: %s"), description, error->message);

      fail (self, TEKEN_CAMERA_ERROR_UNAVAILABLE, message);
      return;
    }

  play (self, source);
}

static void
play_v4l2 (TekenCamera *self)
{
  g_autofree char *device = find_video_device ();
  GstElement *source;

  if (device == NULL)
    {
      fail_no_device (self);
      return;
    }

  source = gst_element_factory_make ("v4l2src", NULL);
  if (source == NULL)
    {
      fail (self, TEKEN_CAMERA_ERROR_UNAVAILABLE,
            _("A part of GStreamer that the camera needs is missing (v4l2src). Install the GStreamer good plug-ins, then try again."));
      return;
    }

  g_debug ("camera: source v4l2src device=%s", device);
  g_object_set (source, "device", device, NULL);
  play (self, source);
}

/* One step of finding the source through the portal. The camera is only
 * touched when the start it belongs to was not cancelled: stop and dispose
 * cancel it, so the camera is still alive then. */
typedef struct
{
  TekenCamera  *self;
  GCancellable *cancellable;
} Step;

static Step *
step_new (TekenCamera *self)
{
  Step *step = g_new0 (Step, 1);

  step->self = self;
  step->cancellable = g_object_ref (self->cancellable);

  return step;
}

static void
step_free (Step *step)
{
  g_object_unref (step->cancellable);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

static void
pipewire_remote_opened_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  TekenCamera *self = step->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) reply = NULL;
  GstElement *source;
  gint32 index;
  int fd = -1;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (object), &fds,
                                                           result, &error);
  if (g_cancellable_is_cancelled (step->cancellable))
    return;

  if (reply != NULL && fds != NULL)
    {
      g_variant_get (reply, "(h)", &index);
      fd = g_unix_fd_list_get (fds, index, &error);
    }

  if (fd < 0)
    {
      g_debug ("camera: OpenPipeWireRemote: %s", error ? error->message : "no descriptor");
      fail_busy (self);
      return;
    }

  source = gst_element_factory_make ("pipewiresrc", NULL);
  if (source == NULL)
    {
      close (fd);
      fail_busy (self);
      return;
    }

  /* pipewiresrc owns the descriptor from here on. */
  g_debug ("camera: source pipewiresrc through the camera portal");
  g_object_set (source, "fd", fd, NULL);
  play (self, source);
}

static void
camera_access_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  TekenCamera *self = step->self;
  g_autoptr(GError) error = NULL;
  gboolean allowed;

  allowed = xdp_portal_access_camera_finish (XDP_PORTAL (object), result, &error);
  if (g_cancellable_is_cancelled (step->cancellable))
    return;

  if (!allowed)
    {
      /* The portal answers "cancelled" when the user said no. */
      g_debug ("camera: portal refused: %s", error->message);
      fail_permission (self);
      return;
    }

  /* libportal 0.6 opens the remote synchronously; ask the portal
   * directly instead, so the main loop never waits. */
  g_dbus_connection_call_with_unix_fd_list (self->bus,
                                            PORTAL_BUS_NAME, PORTAL_OBJECT_PATH, PORTAL_CAMERA,
                                            "OpenPipeWireRemote",
                                            g_variant_new ("(a{sv})", NULL),
                                            G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NONE,
                                            -1, NULL, step->cancellable,
                                            pipewire_remote_opened_cb, step_new (self));
}

static void
camera_presence_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  TekenCamera *self = step->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(XdpParent) parent = NULL;
  gboolean present = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (g_cancellable_is_cancelled (step->cancellable))
    return;

  if (reply != NULL)
    {
      g_variant_get (reply, "(v)", &value);
      present = g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean (value);
    }
  else
    g_debug ("camera: no camera portal: %s", error->message);

  if (!present)
    {
      /* Outside Flatpak, the devices themselves may still be there. */
      if (xdp_portal_running_under_flatpak ())
        fail_no_device (self);
      else
        play_v4l2 (self);
      return;
    }

  if (self->portal == NULL)
    self->portal = xdp_portal_new ();
  if (self->parent != NULL)
    parent = xdp_parent_new_gtk (self->parent);
  xdp_portal_access_camera (self->portal, parent, XDP_CAMERA_FLAG_NONE, step->cancellable,
                            camera_access_cb, step_new (self));
}

static void
session_bus_got_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  TekenCamera *self = step->self;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (g_cancellable_is_cancelled (step->cancellable))
    return;

  if (bus == NULL)
    {
      g_debug ("camera: no session bus: %s", error->message);
      if (xdp_portal_running_under_flatpak ())
        fail_busy (self);
      else
        play_v4l2 (self);
      return;
    }

  g_set_object (&self->bus, bus);

  /* xdp_portal_is_camera_present() would block; this is the same call. */
  g_dbus_connection_call (bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", PORTAL_CAMERA, "IsCameraPresent"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          step->cancellable, camera_presence_cb, step_new (self));
}

static void
play_auto (TekenCamera *self)
{
  g_autoptr(GstElementFactory) pipewire = gst_element_factory_find ("pipewiresrc");

  if (pipewire == NULL)
    {
      if (xdp_portal_running_under_flatpak ())
        fail (self, TEKEN_CAMERA_ERROR_UNAVAILABLE,
              _("A part of GStreamer that the camera needs is missing (pipewiresrc). Update the Flatpak runtime, then try again."));
      else
        play_v4l2 (self);
      return;
    }

  g_bus_get (G_BUS_TYPE_SESSION, self->cancellable, session_bus_got_cb, step_new (self));
}

static void
teken_camera_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TekenCamera *self = TEKEN_CAMERA (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;

    case PROP_FACE:
      g_value_set_enum (value, self->face);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_camera_dispose (GObject *object)
{
  TekenCamera *self = TEKEN_CAMERA (object);

  stop_pipeline (self);
  g_clear_object (&self->texture);
  g_clear_object (&self->portal);
  g_clear_object (&self->bus);
  g_clear_weak_pointer (&self->parent);

  G_OBJECT_CLASS (teken_camera_parent_class)->dispose (object);
}

static void
teken_camera_finalize (GObject *object)
{
  TekenCamera *self = TEKEN_CAMERA (object);

  g_clear_error (&self->error);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (teken_camera_parent_class)->finalize (object);
}

static void
teken_camera_class_init (TekenCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = teken_camera_get_property;
  object_class->dispose = teken_camera_dispose;
  object_class->finalize = teken_camera_finalize;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TEKEN_TYPE_CAMERA_STATE, TEKEN_CAMERA_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* The newest frame, replaced (and notified) for every frame shown. */
  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL,
                         GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_FACE] =
    g_param_spec_enum ("face", NULL, NULL,
                       TEKEN_TYPE_CAMERA_FACE, TEKEN_CAMERA_FACE_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gst_init (NULL, NULL);
}

static void
teken_camera_init (TekenCamera *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
}

TekenCamera *
teken_camera_new (void)
{
  return g_object_new (TEKEN_TYPE_CAMERA, NULL);
}

/**
 * teken_camera_start:
 * @parent: (nullable): the window the portal's question belongs to
 *
 * Starts the camera, or starts it again after it stopped or failed. The
 * state goes to %TEKEN_CAMERA_STARTING, then %TEKEN_CAMERA_STREAMING with
 * the first frame, or %TEKEN_CAMERA_NO_CAMERA with teken_camera_get_error().
 */
void
teken_camera_start (TekenCamera *self,
                    GtkWindow   *parent)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *configured = NULL;
  const char *description;

  g_return_if_fail (TEKEN_IS_CAMERA (self));

  if (self->state == TEKEN_CAMERA_STARTING || self->state == TEKEN_CAMERA_STREAMING)
    return;

  stop_pipeline (self);
  g_clear_error (&self->error);
  self->detects_faces = FALSE;
  self->cancellable = g_cancellable_new ();
  g_set_weak_pointer (&self->parent, parent);
  if (self->texture != NULL)
    {
      g_clear_object (&self->texture);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
    }
  set_state (self, TEKEN_CAMERA_STARTING);

  description = g_getenv ("TEKEN_CAMERA_SOURCE");
  if (description == NULL || *description == '\0')
    {
      settings = g_settings_new (APP_ID);
      configured = g_settings_get_string (settings, "camera-source");
      description = g_strstrip (configured);
    }

  if (g_strcmp0 (description, "auto") == 0 || *description == '\0')
    play_auto (self);
  else
    play_description (self, description);
}

/* Stops the camera (its light goes off); the last frame stays. */
void
teken_camera_stop (TekenCamera *self)
{
  g_return_if_fail (TEKEN_IS_CAMERA (self));

  stop_pipeline (self);
  if (self->state != TEKEN_CAMERA_NO_CAMERA)
    set_state (self, TEKEN_CAMERA_STOPPED);
}

TekenCameraState
teken_camera_get_state (TekenCamera *self)
{
  g_return_val_if_fail (TEKEN_IS_CAMERA (self), TEKEN_CAMERA_STOPPED);

  return self->state;
}

/**
 * teken_camera_get_error:
 *
 * Returns: (nullable): why there is no camera, in the state
 *   %TEKEN_CAMERA_NO_CAMERA: a #TEKEN_CAMERA_ERROR code and a message that
 *   tells the user what to do
 */
const GError *
teken_camera_get_error (TekenCamera *self)
{
  g_return_val_if_fail (TEKEN_IS_CAMERA (self), NULL);

  return self->error;
}

/**
 * teken_camera_get_texture:
 *
 * Returns: (nullable) (transfer none): the newest frame, RGBA,
 *   %TEKEN_CAMERA_WIDTH × %TEKEN_CAMERA_HEIGHT
 */
GdkTexture *
teken_camera_get_texture (TekenCamera *self)
{
  g_return_val_if_fail (TEKEN_IS_CAMERA (self), NULL);

  return self->texture;
}

/* Whether this start has a face detector; without one the face stays
 * %TEKEN_CAMERA_FACE_UNKNOWN. Known once the state leaves STARTING. */
gboolean
teken_camera_get_detects_faces (TekenCamera *self)
{
  g_return_val_if_fail (TEKEN_IS_CAMERA (self), FALSE);

  return self->detects_faces;
}

TekenCameraFace
teken_camera_get_face (TekenCamera *self)
{
  g_return_val_if_fail (TEKEN_IS_CAMERA (self), TEKEN_CAMERA_FACE_UNKNOWN);

  return self->face;
}
