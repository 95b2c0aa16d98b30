/* test-ca-enroll.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Enrollment against a real teken-ca (docs/api.md §5): every step, every
 * rule and the e-mailed links, read from the server's Maildir outbox. The
 * people are the default seed's (§13). */

#include "config.h"

#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "teken-test-ca.h"

#define SITI_NIK "9971014506880002"
#define SITI_EMAIL "siti.rahayu@asn.kotacontoh.go.id"
#define SITI_NIP "198806052023212001"
#define AGUS_NIK "9971011203950003"
#define AGUS_EMAIL "agus.pratama@pns.kotacontoh.go.id"
#define DEWI_NIK "9971016208920004"
#define DEWI_EMAIL "dewi.lestari@pns.kotacontoh.go.id"
#define RUDI_NIK "9971010307850005"
#define RUDI_EMAIL "rudi.hartono@pns.kabsampel.go.id"
#define NINA_NIK "9971015511990006"
#define NINA_EMAIL "nina.kartika@pns.kotacontoh.go.id"
#define NEW_PASSWORD "Sandi-Baru1!"
#define NEW_PASSPHRASE "Frasa-Rahasia7!"

static TekenTestCa *ca;
static GPtrArray *secrets;   /* everything the log must never show */

static void
remember (const char *secret)
{
  g_ptr_array_add (secrets, g_strdup (secret));
}

static JsonObject *
post (const char *path,
      const char *json,
      const char *bearer,
      guint      *status)
{
  g_autofree char *full = g_strconcat ("/api/teken/v1", path, NULL);

  return teken_test_ca_request (ca, "POST", full, json, bearer, status);
}

static JsonObject *
put (const char *path,
     const char *json,
     const char *bearer,
     guint      *status)
{
  g_autofree char *full = g_strconcat ("/api/teken/v1", path, NULL);

  return teken_test_ca_request (ca, "PUT", full, json, bearer, status);
}

static JsonObject *
get (const char *path,
     const char *bearer,
     guint      *status)
{
  g_autofree char *full = g_strconcat ("/api/teken/v1", path, NULL);

  return teken_test_ca_request (ca, "GET", full, NULL, bearer, status);
}

static void
assert_error (JsonObject *object,
              guint       status,
              guint       http,
              int         code,
              const char *error_id)
{
  teken_test_ca_assert_error (object, status, http, code, error_id);
}

static JsonObject *
register_person (const char *nik,
                 const char *email,
                 guint      *status)
{
  g_autofree char *json = g_strdup_printf ("{\"nik\": \"%s\", \"email\": \"%s\"}", nik, email);

  return post ("/enrollment/register", json, NULL, status);
}

static char *
activation_token (const char *email)
{
  char *token = NULL;
  g_autofree char *mail = teken_test_ca_find_mail (ca, email, "activation", &token);

  g_assert_nonnull (mail);
  g_assert_nonnull (token);
  /* Both forms of the link, each on a line of its own (§12). */
  g_assert_nonnull (strstr (mail, "\nteken://activate?token="));
  g_assert_nonnull (strstr (mail, "/link/activate?token="));
  g_assert_nonnull (strstr (mail, "Subject: Aktivasi akun sertifikat elektronik\n"));
  remember (token);
  return token;
}

/* Registers and activates; returns the enrollment session's access token. */
static char *
activate (const char *nik,
          const char *email)
{
  g_autoptr(JsonObject) registered = NULL;
  g_autoptr(JsonObject) activated = NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;
  guint status = 0;

  registered = register_person (nik, email, &status);
  g_assert_cmpuint (status, ==, 201);
  token = activation_token (email);
  json = g_strdup_printf ("{\"token\": \"%s\", \"password\": \"%s\", \"password_confirmation\": \"%s\"}",
                          token, NEW_PASSWORD, NEW_PASSWORD);
  activated = post ("/enrollment/activate", json, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (activated, "scope"), ==, "enrollment");
  remember (json_object_get_string_member (activated, "access_token"));
  remember (json_object_get_string_member (activated, "refresh_token"));
  return g_strdup (json_object_get_string_member (activated, "access_token"));
}

typedef guint8 (*Shade) (guint x, guint y);

static guint8
textured (guint x, guint y)
{
  return ((x / 16 + y / 16) % 2) ? 190 : 70;
}

static guint8
flat (guint x, guint y)
{
  return 128;
}

static guint8
dark (guint x, guint y)
{
  return textured (x, y) / 6;
}

static guint8
bright (guint x, guint y)
{
  return textured (x, y) == 190 ? 255 : 225;
}

static guint8
smooth (guint x, guint y)
{
  return 60 + x / 5;
}

/* A selfie as the camera page would send it: @format "png" or "jpeg". */
static char *
selfie_json (guint       width,
             guint       height,
             Shade       shade,
             const char *format)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *encoded = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  gsize size = 0;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * rowstride + x * 3;

        p[0] = p[1] = p[2] = shade (x, y);
      }
  if (g_str_equal (format, "jpeg"))
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error, "quality", "92", NULL);
  else
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL);
  g_assert_no_error (error);
  encoded = g_base64_encode ((const guchar *) buffer, size);
  return g_strdup_printf ("{\"image\": \"%s\"}", encoded);
}

static void
fill_personal (const char *bearer,
               const char *name)
{
  g_autofree char *json = g_strdup_printf ("{\"name\": \"%s\", \"title_prefix\": \"\", \"title_suffix\": \"S.Kom.\","
                                           " \"phone\": \"0812-3456-7890\"}", name);
  g_autoptr(JsonObject) answer = NULL;
  guint status = 0;

  answer = put ("/enrollment/personal", json, bearer, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
upload_good_selfie (const char *bearer)
{
  g_autofree char *json = selfie_json (640, 480, textured, "jpeg");
  g_autoptr(JsonObject) answer = NULL;
  guint status = 0;

  answer = put ("/enrollment/selfie", json, bearer, &status);
  g_assert_cmpuint (status, ==, 200);
}

static JsonObject *
submit (const char *bearer,
        guint      *status)
{
  return post ("/enrollment/agreements",
               "{\"privacy_policy_version\": \"2026.1\", \"holder_agreement_version\": \"2026.1\"}",
               bearer, status);
}

static void
test_register_rules (void)
{
  static const struct
  {
    const char *json;
    guint http;
    int code;
    const char *error;
  } cases[] = {
    { "{\"email\": \"" SITI_EMAIL "\"}", 400, 4014, "field_required" },
    { "{\"nik\": 9971014506880002, \"email\": \"" SITI_EMAIL "\"}", 400, 4015, "field_invalid" },
    { "{\"nik\": \"99710145068800\", \"email\": \"" SITI_EMAIL "\"}", 400, 4015, "field_invalid" },
    { "{\"nik\": \"" SITI_NIK "\", \"email\": \"siti rahayu@x.go.id\"}", 400, 4015, "field_invalid" },
    { "{\"nik\": \"9971010101909999\", \"email\": \"" SITI_EMAIL "\"}", 422, 8101, "nik_not_found" },
    { "{\"nik\": \"" SITI_NIK "\", \"email\": \"siti@gmail.com\"}", 422, 8102, "email_domain_not_allowed" },
    /* A subdomain of an agency's domain is not the agency's (§3.3). */
    { "{\"nik\": \"" SITI_NIK "\", \"email\": \"siti@x.asn.kotacontoh.go.id\"}", 422, 8102, "email_domain_not_allowed" },
    { "{\"nik\": \"" TEKEN_TEST_HOLDER_NIK "\", \"email\": \"budi@pns.kotacontoh.go.id\"}", 409, 4024,
      "nik_already_registered" },
    { "{\"nik\": \"" SITI_NIK "\", \"email\": \"" TEKEN_TEST_HOLDER_EMAIL "\"}", 409, 8103,
      "email_already_registered" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) answer = NULL;
      guint status = 0;

      g_test_message ("%s", cases[i].json);
      answer = post ("/enrollment/register", cases[i].json, NULL, &status);
      assert_error (answer, status, cases[i].http, cases[i].code, cases[i].error);
      if (cases[i].code == 8102)
        {
          JsonObject *details = json_object_get_object_member (answer, "details");

          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (details, "allowed_domains")), ==, 3);
          g_assert_nonnull (strstr (json_object_get_string_member (answer, "message"), "@"));
        }
    }
  g_assert_cmpuint (teken_test_ca_count_mail (ca, SITI_EMAIL, "activation"), ==, 0);
}

/* The whole ASN path of §5, with each rule's refusal on the way. */
static void
test_asn_enrollment (void)
{
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;
  g_autofree char *access = NULL;
  g_autofree char *set_token = NULL;
  g_autofree char *mail = NULL;
  JsonObject *enrollment;
  guint status = 0;

  answer = register_person (SITI_NIK, "siti.typo@asn.kotacontoh.go.id", &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (answer, "step"), ==, "activation");
  g_clear_pointer (&answer, json_object_unref);

  /* Again at once, with the address fixed: the rate limit first. */
  answer = register_person (SITI_NIK, SITI_EMAIL, &status);
  assert_error (answer, status, 429, 8009, "rate_limited");
  g_clear_pointer (&answer, json_object_unref);
  answer = post ("/enrollment/activation/resend", "{\"nik\": \"" SITI_NIK "\", \"email\": \"" SITI_EMAIL "\"}",
                 NULL, &status);
  assert_error (answer, status, 400, 2011, "user_not_registered");
  g_clear_pointer (&answer, json_object_unref);

  /* The activation link: checkable without using it up. */
  token = activation_token ("siti.typo@asn.kotacontoh.go.id");
  json = g_strdup_printf ("{\"token\": \"%s\"}", token);
  answer = post ("/links/check", json, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "purpose"), ==, "activation");
  g_assert_cmpstr (json_object_get_string_member (answer, "state"), ==, "valid");
  g_clear_pointer (&answer, json_object_unref);
  g_clear_pointer (&json, g_free);

  /* The page behind the https:// link never uses it up either. */
  {
    g_autofree char *uri = g_strdup_printf ("%s/link/activate?token=%s", ca->url, token);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
    g_autoptr(GBytes) page = soup_session_send_and_read (ca->session, msg, NULL, NULL);
    g_autofree char *expected = g_strdup_printf ("teken://activate?token=%s", token);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Referrer-Policy"),
                     ==, "no-referrer");
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (page, NULL), g_bytes_get_size (page), expected));
  }

  /* Policy mistakes do not cost the link. */
  json = g_strdup_printf ("{\"token\": \"%s\", \"password\": \"pendek\", \"password_confirmation\": \"pendek\"}", token);
  answer = post ("/enrollment/activate", json, NULL, &status);
  assert_error (answer, status, 422, 8124, "password_policy");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (answer, "details"), "problems")), >=, 3);
  g_clear_pointer (&answer, json_object_unref);
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"token\": \"%s\", \"password\": \"%s\", \"password_confirmation\": \"Sandi-Baru2!\"}",
                          token, NEW_PASSWORD);
  answer = post ("/enrollment/activate", json, NULL, &status);
  assert_error (answer, status, 422, 8123, "confirmation_mismatch");
  g_clear_pointer (&answer, json_object_unref);
  g_clear_pointer (&json, g_free);

  json = g_strdup_printf ("{\"token\": \"%s\", \"password\": \"%s\", \"password_confirmation\": \"%s\"}",
                          token, NEW_PASSWORD, NEW_PASSWORD);
  answer = post ("/enrollment/activate", json, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "username"), ==, "siti.typo@asn.kotacontoh.go.id");
  enrollment = json_object_get_object_member (answer, "enrollment");
  g_assert_cmpstr (json_object_get_string_member (enrollment, "step"), ==, "personal");
  g_assert_true (json_object_get_boolean_member (enrollment, "activated"));
  access = g_strdup (json_object_get_string_member (answer, "access_token"));
  remember (access);
  g_clear_pointer (&answer, json_object_unref);

  /* Single use. */
  answer = post ("/enrollment/activate", json, NULL, &status);
  assert_error (answer, status, 410, 8106, "link_used");
  g_clear_pointer (&answer, json_object_unref);

  /* An enrollment session reaches the wizard only. */
  answer = post ("/certificates/current/revoke", "{\"reason\": \"unspecified\", \"confirmation\": \"CABUT\"}",
                 access, &status);
  assert_error (answer, status, 403, 8003, "forbidden");
  g_clear_pointer (&answer, json_object_unref);
  answer = get ("/account", access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&answer, json_object_unref);

  /* Personal data. */
  {
    static const struct { const char *json; guint http; int code; const char *error; } cases[] = {
      { "{\"name\": \"Dr. Siti Rahayu\", \"phone\": \"081234567890\"}", 422, 8108, "name_invalid" },
      { "{\"name\": \"Siti  Rahayu\", \"phone\": \"081234567890\"}", 422, 8108, "name_invalid" },
      { "{\"name\": \"Siti Rahayu Contoh\", \"title_suffix\": \"S.Kom;\", \"phone\": \"081234567890\"}", 422, 8129,
        "title_invalid" },
      { "{\"name\": \"Siti Rahayu Contoh\", \"phone\": \"0212345678\"}", 422, 8127, "phone_invalid" },
      { "{\"name\": \"Siti Rahayu Contoh\"}", 400, 4014, "field_required" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        answer = put ("/enrollment/personal", cases[i].json, access, &status);
        assert_error (answer, status, cases[i].http, cases[i].code, cases[i].error);
        g_clear_pointer (&answer, json_object_unref);
      }
  }
  answer = put ("/enrollment/personal",
                "{\"name\": \"Siti Rahayu Contoh\", \"title_suffix\": \"S.Kom.\", \"phone\": \"0812-3456-7890\"}",
                access, &status);
  g_assert_cmpuint (status, ==, 200);
  {
    JsonObject *personal = json_object_get_object_member (answer, "personal");

    g_assert_cmpstr (json_object_get_string_member (personal, "name"), ==, "SITI RAHAYU CONTOH");
    g_assert_cmpstr (json_object_get_string_member (personal, "phone"), ==, "+6281234567890");
    g_assert_cmpstr (json_object_get_string_member (answer, "step"), ==, "employment");
  }
  g_clear_pointer (&answer, json_object_unref);

  /* Cek NIP. */
  answer = post ("/enrollment/nip/check", "{\"nip\": \"199001012015031099\"}", access, &status);
  assert_error (answer, status, 422, 8109, "nip_not_found");
  g_clear_pointer (&answer, json_object_unref);
  answer = post ("/enrollment/nip/check", "{\"nip\": \"199001012015031001\"}", access, &status);
  assert_error (answer, status, 422, 8110, "nip_not_yours");
  g_clear_pointer (&answer, json_object_unref);
  answer = post ("/enrollment/nip/check", "{\"nip\": \"1988\"}", access, &status);
  assert_error (answer, status, 400, 4015, "field_invalid");
  g_clear_pointer (&answer, json_object_unref);
  answer = post ("/enrollment/nip/check", "{\"nip\": \"" SITI_NIP "\"}", access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "kind"), ==, "asn");
  g_assert_cmpstr (json_object_get_string_member (answer, "employment_type"), ==, "PPPK");
  g_assert_cmpstr (json_object_get_string_member (answer, "unit"), ==, "Badan Perencanaan Pembangunan Daerah");
  g_assert_cmpstr (json_object_get_string_member (answer, "province"), ==, "Jawa Timur");
  g_clear_pointer (&answer, json_object_unref);

  answer = put ("/enrollment/employment", "{\"kind\": \"asn\", \"nip\": \"" SITI_NIP "\"}", access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer, "employment"), "position"),
                   ==, "Analis Kebijakan Ahli Pertama");
  g_assert_cmpstr (json_object_get_string_member (answer, "step"), ==, "selfie");
  g_clear_pointer (&answer, json_object_unref);

  /* Submitting early names what is missing. */
  answer = submit (access, &status);
  assert_error (answer, status, 409, 8107, "enrollment_incomplete");
  g_clear_pointer (&answer, json_object_unref);

  /* A restart in the middle loses nothing: the session and data stay. */
  g_free (teken_test_ca_stop (ca));
  teken_test_ca_start (ca);

  /* The selfie, refused for each reason of §5.8, then accepted. */
  {
    static const struct { guint width, height; Shade shade; const char *format; guint http; int code; const char *error; } cases[] = {
      { 640, 400, textured, "png", 422, 8114, "selfie_resolution" },
      { 640, 480, flat, "png", 422, 8115, "selfie_blank" },
      { 640, 480, dark, "jpeg", 422, 8116, "selfie_too_dark" },
      { 640, 480, bright, "png", 422, 8117, "selfie_too_bright" },
      { 640, 480, smooth, "png", 422, 8118, "selfie_blurred" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *selfie = selfie_json (cases[i].width, cases[i].height, cases[i].shade, cases[i].format);

        g_test_message ("selfie case %" G_GSIZE_FORMAT, i);
        answer = put ("/enrollment/selfie", selfie, access, &status);
        assert_error (answer, status, cases[i].http, cases[i].code, cases[i].error);
        g_clear_pointer (&answer, json_object_unref);
      }
    answer = put ("/enrollment/selfie", "{\"image\": \"bm90IGFuIGltYWdl\"}", access, &status);
    assert_error (answer, status, 422, 8112, "selfie_format");
    g_clear_pointer (&answer, json_object_unref);
  }
  {
    g_autofree char *selfie = selfie_json (640, 480, textured, "png");

    answer = put ("/enrollment/selfie", selfie, access, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer, "selfie"), "format"),
                     ==, "png");
    g_assert_cmpstr (json_object_get_string_member (answer, "step"), ==, "agreements");
    g_clear_pointer (&answer, json_object_unref);
  }

  /* The agreements, readable in both languages. */
  answer = get ("/agreements", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "agreements")), ==, 2);
  g_clear_pointer (&answer, json_object_unref);
  answer = get ("/agreements/holder_agreement?lang=en", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (json_object_get_string_member (answer, "text"), "Certificate Holder Agreement"));
  g_assert_cmpuint (strlen (json_object_get_string_member (answer, "sha256")), ==, 64);
  g_clear_pointer (&answer, json_object_unref);
  answer = get ("/agreements/holder_agreement?version=2019.1", NULL, &status);
  assert_error (answer, status, 404, 8004, "not_found");
  g_clear_pointer (&answer, json_object_unref);

  answer = post ("/enrollment/agreements", "{\"privacy_policy_version\": \"2026.1\"}", access, &status);
  assert_error (answer, status, 422, 8120, "agreement_required");
  g_clear_pointer (&answer, json_object_unref);
  answer = post ("/enrollment/agreements",
                 "{\"privacy_policy_version\": \"2025.1\", \"holder_agreement_version\": \"2026.1\"}", access, &status);
  assert_error (answer, status, 409, 8121, "agreement_outdated");
  g_clear_pointer (&answer, json_object_unref);

  answer = submit (access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "NEW");
  g_assert_cmpstr (json_object_get_string_member (answer, "step"), ==, "passphrase");
  g_clear_pointer (&answer, json_object_unref);

  /* Data cannot change once verified. */
  answer = put ("/enrollment/personal", "{\"name\": \"Siti Rahayu Contoh\", \"phone\": \"081234567890\"}",
                access, &status);
  assert_error (answer, status, 409, 8107, "enrollment_incomplete");
  g_clear_pointer (&answer, json_object_unref);

  /* The passphrase: its policy, not the password, then issued. */
  mail = teken_test_ca_find_mail (ca, "siti.typo@asn.kotacontoh.go.id", "set_passphrase", &set_token);
  g_assert_nonnull (mail);
  g_assert_nonnull (set_token);
  remember (set_token);
  {
    static const struct { const char *passphrase; const char *confirmation; int code; const char *error; } cases[] = {
      { "frasa-rahasia7", "frasa-rahasia7", 8122, "passphrase_policy" },
      { "Frasa Rahasia7!", "Frasa Rahasia7!", 8122, "passphrase_policy" },
      { "Frasa-Rahasia7^", "Frasa-Rahasia7^", 8122, "passphrase_policy" },
      { NEW_PASSPHRASE, "Frasa-Rahasia8!", 8123, "confirmation_mismatch" },
      { NEW_PASSWORD, NEW_PASSWORD, 8125, "passphrase_same_as_password" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *body = g_strdup_printf ("{\"token\": \"%s\", \"passphrase\": \"%s\","
                                                 " \"passphrase_confirmation\": \"%s\"}",
                                                 set_token, cases[i].passphrase, cases[i].confirmation);

        answer = post ("/enrollment/passphrase", body, NULL, &status);
        assert_error (answer, status, 422, cases[i].code, cases[i].error);
        g_clear_pointer (&answer, json_object_unref);
      }
  }
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"token\": \"%s\", \"passphrase\": \"%s\", \"passphrase_confirmation\": \"%s\"}",
                          set_token, NEW_PASSPHRASE, NEW_PASSPHRASE);
  remember (NEW_PASSPHRASE);
  remember (NEW_PASSWORD);
  answer = post ("/enrollment/passphrase", json, NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "ISSUE");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer, "certificate"),
                                                  "common_name"), ==, "SITI RAHAYU CONTOH");
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpuint (teken_test_ca_count_mail (ca, "siti.typo@asn.kotacontoh.go.id", "certificate_issued"), ==, 1);

  /* BSrE's status check agrees, and the new key signs with the passphrase. */
  answer = teken_test_ca_client_post (ca, "/api/v2/user/check/status", "{\"nik\": \"" SITI_NIK "\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "ISSUE");
  g_clear_pointer (&answer, json_object_unref);
  {
    g_autofree char *body = g_strdup_printf ("{\"nik\": \"" SITI_NIK "\", \"passphrase\": \"%s\","
                                             " \"signaturePropertiesHashMap\": {\"surat-1\": {"
                                             "\"documentDigestBase64\": \"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\","
                                             " \"signatureLevel\": \"PAdES_BASELINE_B\"}}}", NEW_PASSPHRASE);

    answer = teken_test_ca_client_post (ca, "/api/v2/sign/hash/pdf", body, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_true (json_object_has_member (json_object_get_object_member (answer, "data"), "cmsSignedDataHashMap"));
    g_clear_pointer (&answer, json_object_unref);
  }

  /* The link was used by the issuance. */
  answer = post ("/enrollment/passphrase", json, NULL, &status);
  assert_error (answer, status, 410, 8106, "link_used");
  g_clear_pointer (&answer, json_object_unref);
}

/* Non-ASN: typed employment data, NIP := NIK. */
static void
test_non_asn_enrollment (void)
{
  g_autofree char *access = activate (AGUS_NIK, AGUS_EMAIL);
  g_autoptr(JsonObject) answer = NULL;
  guint status = 0;

  fill_personal (access, "Agus Pratama Contoh");
  answer = put ("/enrollment/employment",
                "{\"kind\": \"non_asn\", \"unit\": \"Bagian/Umum\", \"position\": \"Tenaga Administrasi\","
                " \"city\": \"Kota Contoh\", \"province\": \"Jawa Timur\"}", access, &status);
  assert_error (answer, status, 422, 8128, "employment_field_invalid");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer, "details"), "field"),
                   ==, "unit");
  g_clear_pointer (&answer, json_object_unref);
  answer = put ("/enrollment/employment", "{\"kind\": \"non_asn\", \"unit\": \"Bagian Umum\"}", access, &status);
  assert_error (answer, status, 400, 4014, "field_required");
  g_clear_pointer (&answer, json_object_unref);
  answer = put ("/enrollment/employment", "{\"kind\": \"pns\"}", access, &status);
  assert_error (answer, status, 400, 4015, "field_invalid");
  g_clear_pointer (&answer, json_object_unref);

  answer = put ("/enrollment/employment",
                "{\"kind\": \"non_asn\", \"unit\": \"Bagian Umum\", \"position\": \"Tenaga Administrasi\","
                " \"city\": \"Kota Contoh\", \"province\": \"Jawa Timur\"}", access, &status);
  g_assert_cmpuint (status, ==, 200);
  {
    JsonObject *employment = json_object_get_object_member (answer, "employment");

    g_assert_cmpstr (json_object_get_string_member (employment, "kind"), ==, "non_asn");
    g_assert_cmpstr (json_object_get_string_member (employment, "nip"), ==, AGUS_NIK);
    g_assert_true (json_object_get_null_member (employment, "employment_type"));
    g_assert_cmpstr (json_object_get_string_member (employment, "agency"), ==, "Pemerintah Kota Contoh");
  }
  g_clear_pointer (&answer, json_object_unref);

  upload_good_selfie (access);
  answer = submit (access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "NEW");
  g_clear_pointer (&answer, json_object_unref);

  /* The set-passphrase link again, on request. */
  answer = post ("/enrollment/passphrase/resend", "{\"nik\": \"" AGUS_NIK "\", \"email\": \"" AGUS_EMAIL "\"}",
                 NULL, &status);
  assert_error (answer, status, 429, 8009, "rate_limited");
  g_clear_pointer (&answer, json_object_unref);
  answer = post ("/enrollment/passphrase/resend",
                 "{\"nik\": \"" TEKEN_TEST_HOLDER_NIK "\", \"email\": \"" TEKEN_TEST_HOLDER_EMAIL "\"}", NULL, &status);
  assert_error (answer, status, 409, 8303, "wrong_status");
}

/* The automatic verification's outcomes besides a pass. */
static void
test_verification_outcomes (void)
{
  g_autofree char *rudi = activate (RUDI_NIK, RUDI_EMAIL);
  g_autofree char *dewi = activate (DEWI_NIK, DEWI_EMAIL);
  g_autofree char *nina = activate (NINA_NIK, NINA_EMAIL);
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *rejection;
  guint status = 0;

  /* Rudi types his name wrong: rejected, told why, fixes it, and then his
   * face does not match the registry's. */
  fill_personal (rudi, "Rudi Hartono");
  answer = put ("/enrollment/employment", "{\"kind\": \"asn\", \"nip\": \"198507032010011005\"}", rudi, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&answer, json_object_unref);
  upload_good_selfie (rudi);
  answer = submit (rudi, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "NO_CERTIFICATE");
  rejection = json_object_get_object_member (answer, "rejection");
  g_assert_cmpstr (json_object_get_string_member (rejection, "reason"), ==, "name_mismatch");
  g_assert_cmpuint (strlen (json_object_get_string_member (rejection, "message")), >, 20);
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpuint (teken_test_ca_count_mail (ca, RUDI_EMAIL, "verification_rejected"), ==, 1);

  fill_personal (rudi, "Rudi Hartono Contoh");
  answer = submit (rudi, &status);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer, "rejection"), "reason"),
                   ==, "face_mismatch");
  g_clear_pointer (&answer, json_object_unref);

  /* Dewi's face needs a person to look: she waits. */
  fill_personal (dewi, "Dewi Lestari Contoh");
  answer = put ("/enrollment/employment", "{\"kind\": \"asn\", \"nip\": \"199208222019032004\"}", dewi, &status);
  g_clear_pointer (&answer, json_object_unref);
  upload_good_selfie (dewi);
  answer = submit (dewi, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "WAITING_FOR_VERIFICATION");
  g_assert_cmpstr (json_object_get_string_member (answer, "step"), ==, "verification");
  g_clear_pointer (&answer, json_object_unref);
  answer = teken_test_ca_client_post (ca, "/api/v2/user/check/status", "{\"nik\": \"" DEWI_NIK "\"}", &status);
  g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "WAITING_FOR_VERIFICATION");
  g_clear_pointer (&answer, json_object_unref);

  /* Nina's photos show no face (the stand-in detector says so). */
  {
    g_autofree char *selfie = selfie_json (640, 480, textured, "png");

    answer = put ("/enrollment/selfie", selfie, nina, &status);
    assert_error (answer, status, 422, 8119, "selfie_no_face");
  }
}

/* A link that expired, and an activated person registering again. */
static void
test_expired_link (void)
{
  const char * const args[] = { "--link-lifetime", "1", "--resend-interval", "0", NULL };
  g_autoptr(TekenTestCa) short_ca = teken_test_ca_new (NULL, args);
  TekenTestCa *saved = ca;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;
  g_autofree char *fresh = NULL;
  guint status = 0;

  ca = short_ca;
  answer = register_person (SITI_NIK, SITI_EMAIL, &status);
  g_assert_cmpuint (status, ==, 201);
  g_clear_pointer (&answer, json_object_unref);
  token = activation_token (SITI_EMAIL);
  g_usleep (2100 * G_TIME_SPAN_MILLISECOND);

  json = g_strdup_printf ("{\"token\": \"%s\", \"password\": \"%s\", \"password_confirmation\": \"%s\"}",
                          token, NEW_PASSWORD, NEW_PASSWORD);
  answer = post ("/enrollment/activate", json, NULL, &status);
  assert_error (answer, status, 410, 8105, "link_expired");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer, "details"), "purpose"),
                   ==, "activation");
  g_clear_pointer (&answer, json_object_unref);

  /* A new link voids the old one; the new one works. */
  answer = post ("/enrollment/activation/resend", "{\"nik\": \"" SITI_NIK "\", \"email\": \"" SITI_EMAIL "\"}",
                 NULL, &status);
  g_assert_cmpuint (status, ==, 202);
  g_assert_true (json_object_has_member (answer, "activation_expires_at"));
  g_clear_pointer (&answer, json_object_unref);
  fresh = activation_token (SITI_EMAIL);
  g_assert_cmpstr (fresh, !=, token);
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"token\": \"%s\"}", fresh);
  answer = post ("/links/check", json, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&answer, json_object_unref);
  answer = post ("/links/check", "{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", NULL, &status);
  assert_error (answer, status, 404, 8104, "link_invalid");

  ca = saved;
}

/* Nothing secret reaches the server's log (§14). */
static void
test_log_has_no_secrets (void)
{
  g_autofree char *log = teken_test_ca_stop (ca);

  g_assert_cmpuint (strlen (log), >, 0);
  g_assert_nonnull (strstr (log, "/api/teken/v1/enrollment/activate"));
  for (guint i = 0; i < secrets->len; i++)
    if (strstr (log, g_ptr_array_index (secrets, i)) != NULL)
      g_error ("the log shows a secret (#%u)", i);
  teken_test_ca_start (ca);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  secrets = g_ptr_array_new_with_free_func (g_free);
  ca = teken_test_ca_new (NULL, NULL);

  g_test_add_func ("/ca/enroll/register-rules", test_register_rules);
  g_test_add_func ("/ca/enroll/asn", test_asn_enrollment);
  g_test_add_func ("/ca/enroll/non-asn", test_non_asn_enrollment);
  g_test_add_func ("/ca/enroll/verification-outcomes", test_verification_outcomes);
  g_test_add_func ("/ca/enroll/expired-link", test_expired_link);
  g_test_add_func ("/ca/enroll/log-has-no-secrets", test_log_has_no_secrets);

  status = g_test_run ();
  teken_test_ca_free (ca);
  g_ptr_array_unref (secrets);
  return status;
}
