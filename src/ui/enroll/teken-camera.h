/* teken-camera.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_CAMERA       (teken_camera_get_type ())
#define TEKEN_TYPE_CAMERA_STATE (teken_camera_state_get_type ())
#define TEKEN_TYPE_CAMERA_FACE  (teken_camera_face_get_type ())
#define TEKEN_CAMERA_ERROR      (teken_camera_error_quark ())

/* The size of every frame, and so of the selfie: 4:3, the shorter side
 * above the server's 480 pixels (docs/api.md §5.8). */
#define TEKEN_CAMERA_WIDTH  640
#define TEKEN_CAMERA_HEIGHT 480

typedef enum
{
  TEKEN_CAMERA_STOPPED,
  TEKEN_CAMERA_STARTING,
  TEKEN_CAMERA_STREAMING,
  TEKEN_CAMERA_NO_CAMERA,
} TekenCameraState;

/* Why there is no camera (the code of teken_camera_get_error()). */
typedef enum
{
  TEKEN_CAMERA_ERROR_NO_DEVICE,
  TEKEN_CAMERA_ERROR_PERMISSION_DENIED,
  TEKEN_CAMERA_ERROR_UNAVAILABLE,
} TekenCameraError;

typedef enum
{
  TEKEN_CAMERA_FACE_UNKNOWN,
  TEKEN_CAMERA_FACE_NONE,
  TEKEN_CAMERA_FACE_OFF_CENTRE,
  TEKEN_CAMERA_FACE_CENTRED,
} TekenCameraFace;

G_DECLARE_FINAL_TYPE (TekenCamera, teken_camera, TEKEN, CAMERA, GObject)

GType             teken_camera_state_get_type         (void) G_GNUC_CONST;
GType             teken_camera_face_get_type          (void) G_GNUC_CONST;
GQuark            teken_camera_error_quark            (void);

TekenCamera      *teken_camera_new                    (void);
void              teken_camera_start                  (TekenCamera *self,
                                                       GtkWindow   *parent);
void              teken_camera_stop                   (TekenCamera *self);
TekenCameraState  teken_camera_get_state              (TekenCamera *self);
const GError     *teken_camera_get_error              (TekenCamera *self);
GdkTexture       *teken_camera_get_texture            (TekenCamera *self);
gboolean          teken_camera_get_detects_faces      (TekenCamera *self);
TekenCameraFace   teken_camera_get_face               (TekenCamera *self);

G_END_DECLS
