/* test-enroll-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The enrollment wizard in process, against a live teken-ca: each page's
 * validation as the holder types (the button stays off, the hint says
 * why), and the navigation the server's answers drive. */

#include "config.h"

#include <adwaita.h>

#include "teken-application.h"
#include "teken-enroll-window.h"
#include "teken-test-ca.h"
#include "teken-test-utils.h"

#define SITI_NIK "9971014506880002"
#define SITI_EMAIL "siti.rahayu@asn.kotacontoh.go.id"

static TekenTestCa *ca;

typedef struct
{
  TekenApplication *app;
  TekenCaClient *client;
  TekenEnrollWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint n_created;
  g_autofree char *app_id = g_strdup_printf ("%s.EnrollTest%u", APP_ID, ++n_created);
  g_autoptr(GError) error = NULL;

  fixture->app = g_object_new (TEKEN_TYPE_APPLICATION,
                               "application-id", app_id,
                               "flags", G_APPLICATION_NON_UNIQUE,
                               "resource-base-path", "/io/github/teken/Teken",
                               NULL);
  g_assert_true (g_application_register (G_APPLICATION (fixture->app), NULL, &error));
  fixture->client = teken_ca_client_new (ca->url, ca->root_pem, &error);
  g_assert_no_error (error);
  fixture->window = teken_enroll_window_new (GTK_APPLICATION (fixture->app), fixture->client);
  gtk_window_present (GTK_WINDOW (fixture->window));
  teken_test_wait_until_drawn (GTK_WIDGET (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Without this, GTK 4.8 warns that a text field lost its focus-out. */
  gtk_window_set_focus (GTK_WINDOW (fixture->window), NULL);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->app);
}

/* The widget of @type under @root whose title or label is @text. */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;
      const char *name = NULL;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        {
          if (ADW_IS_PREFERENCES_ROW (child))
            name = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child));
          else if (GTK_IS_BUTTON (child))
            name = gtk_button_get_label (GTK_BUTTON (child));
          if (g_strcmp0 (name, text) == 0)
            return child;
        }
      if ((found = find_widget (child, type, text)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_stack (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_STACK (child) && gtk_stack_get_child_by_name (GTK_STACK (child), "register") != NULL)
        return child;
      if ((found = find_stack (child)) != NULL)
        return found;
    }
  return NULL;
}

/* The visible page of the wizard. */
static GtkWidget *
page (Fixture *fixture)
{
  GtkWidget *stack = find_stack (GTK_WIDGET (fixture->window));

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child (GTK_STACK (stack));
}

static void
type_into (Fixture    *fixture,
           const char *title,
           const char *text)
{
  GtkWidget *row = find_widget (page (fixture), ADW_TYPE_PREFERENCES_ROW, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static GtkWidget *
button (Fixture    *fixture,
        const char *label)
{
  GtkWidget *found = find_widget (page (fixture), GTK_TYPE_BUTTON, label);

  g_assert_nonnull (found);
  return found;
}

static void
wait_for_page (Fixture    *fixture,
               const char *name)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_strcmp0 (teken_enroll_window_get_page (fixture->window), name) != 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
test_parse_link (void)
{
  static const char token[] = "q3YwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  g_autofree char *teken_uri = g_strdup_printf ("teken://activate?token=%s", token);
  g_autofree char *https_uri = g_strdup_printf (" https://ca.example/link/set-passphrase?token=%s\n", token);
  g_autofree char *action = NULL;
  g_autofree char *found = NULL;

  g_assert_true (teken_enroll_parse_link (teken_uri, &action, &found));
  g_assert_cmpstr (action, ==, "activate");
  g_assert_cmpstr (found, ==, token);
  g_clear_pointer (&action, g_free);
  g_clear_pointer (&found, g_free);

  /* Pasted from a mail client, with the spaces around it. */
  g_assert_true (teken_enroll_parse_link (https_uri, &action, &found));
  g_assert_cmpstr (action, ==, "set-passphrase");
  g_assert_cmpstr (found, ==, token);
  g_clear_pointer (&action, g_free);
  g_clear_pointer (&found, g_free);

  g_assert_true (teken_enroll_parse_link (token, &action, &found));
  g_assert_null (action);
  g_clear_pointer (&found, g_free);

  g_assert_false (teken_enroll_parse_link ("teken://activate?token=short", NULL, &found));
  g_assert_false (teken_enroll_parse_link ("not a link", NULL, &found));
  g_assert_false (teken_enroll_parse_link ("https://ca.example/link/activate", NULL, &found));
}

/* The register page: the button waits for a valid NIK and e-mail, and the
 * hint says what is missing. */
static void
test_register_validation (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *register_button = button (fixture, "Register");

  g_assert_cmpstr (teken_enroll_window_get_page (fixture->window), ==, "register");
  g_assert_false (gtk_widget_get_sensitive (register_button));

  type_into (fixture, "NIK", "997101450688");
  type_into (fixture, "Official e-mail", SITI_EMAIL);
  g_assert_false (gtk_widget_get_sensitive (register_button));
  g_assert_nonnull (teken_test_find_label (page (fixture), "12 typed"));

  type_into (fixture, "NIK", SITI_NIK);
  type_into (fixture, "Official e-mail", "siti rahayu@asn");
  g_assert_false (gtk_widget_get_sensitive (register_button));
  g_assert_nonnull (teken_test_find_label (page (fixture), "official e-mail address"));

  type_into (fixture, "Official e-mail", SITI_EMAIL);
  g_assert_true (gtk_widget_get_sensitive (register_button));
  teken_test_save_screenshot (GTK_WIDGET (fixture->window), "enroll-register-valid");
}

/* Register, follow the link, choose a password, and land on the personal
 * page; each page's rules on the way. */
static void
test_navigation (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *mail = NULL;
  g_autofree char *token = NULL;
  g_autofree char *link = NULL;
  GtkWidget *activate;
  GtkWidget *personal;

  type_into (fixture, "NIK", SITI_NIK);
  type_into (fixture, "Official e-mail", SITI_EMAIL);
  gtk_widget_activate (button (fixture, "Register"));
  wait_for_page (fixture, "check-email");
  g_assert_nonnull (teken_test_find_label (page (fixture), SITI_EMAIL));

  mail = teken_test_ca_find_mail (ca, SITI_EMAIL, "activation", &token);
  g_assert_nonnull (mail);
  type_into (fixture, "Link from the e-mail", "teken://activate?token=too-short");
  g_assert_false (gtk_widget_get_sensitive (button (fixture, "Continue")));
  link = g_strdup_printf ("teken://activate?token=%s", token);
  type_into (fixture, "Link from the e-mail", link);
  gtk_widget_activate (button (fixture, "Continue"));
  wait_for_page (fixture, "activate");

  /* The checklist and the confirmation hold the button back. */
  activate = button (fixture, "Activate");
  type_into (fixture, "Password", "sandi-baru1");
  type_into (fixture, "Password again", "sandi-baru1");
  g_assert_false (gtk_widget_get_sensitive (activate));
  type_into (fixture, "Password", "Sandi-Baru1!");
  g_assert_false (gtk_widget_get_sensitive (activate));
  g_assert_nonnull (teken_test_find_label (page (fixture), "The two entries differ."));
  type_into (fixture, "Password again", "Sandi-Baru1!");
  g_assert_true (gtk_widget_get_sensitive (activate));
  gtk_widget_activate (activate);
  wait_for_page (fixture, "personal");

  /* Nothing secret stays in the rows of a page that was left. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_widget (GTK_WIDGET (fixture->window),
                                                                     ADW_TYPE_PREFERENCES_ROW, "Password"))),
                   ==, "");

  /* Personal data: a title in the name is refused as typed. */
  personal = button (fixture, "Continue");
  type_into (fixture, "Full name", "Dr. Siti Rahayu");
  type_into (fixture, "Mobile number", "0812-3456-7890");
  g_assert_false (gtk_widget_get_sensitive (personal));
  g_assert_nonnull (teken_test_find_label (page (fixture), "title fields"));
  type_into (fixture, "Full name", "Siti Rahayu Contoh");
  type_into (fixture, "Title before the name", "Dr.");
  g_assert_true (gtk_widget_get_sensitive (personal));
  type_into (fixture, "Mobile number", "021-1234567");
  g_assert_false (gtk_widget_get_sensitive (personal));
  type_into (fixture, "Mobile number", "0812-3456-7890");
  gtk_widget_activate (personal);
  wait_for_page (fixture, "employment");

  /* Employment: Cek NIP needs 18 digits; non-ASN shows its own fields. */
  type_into (fixture, "NIP", "1988060520232120");
  g_assert_false (gtk_widget_get_sensitive (button (fixture, "Cek NIP")));
  type_into (fixture, "NIP", "198806052023212001");
  g_assert_true (gtk_widget_get_sensitive (button (fixture, "Cek NIP")));
  g_assert_false (gtk_widget_get_sensitive (button (fixture, "Continue")));
  gtk_widget_activate (button (fixture, "Cek NIP"));
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (teken_test_find_label (page (fixture), "Found in the personnel registry") == NULL)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
  }
  g_assert_true (gtk_widget_get_sensitive (button (fixture, "Continue")));
  teken_test_save_screenshot (GTK_WIDGET (fixture->window), "enroll-employment-checked");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  ca = teken_test_ca_new (NULL, NULL);

  g_test_add_func ("/enroll-window/parse-link", test_parse_link);
  g_test_add ("/enroll-window/register-validation", Fixture, NULL, fixture_set_up,
              test_register_validation, fixture_tear_down);
  g_test_add ("/enroll-window/navigation", Fixture, NULL, fixture_set_up, test_navigation, fixture_tear_down);

  status = g_test_run ();
  teken_test_ca_free (ca);
  return status;
}
