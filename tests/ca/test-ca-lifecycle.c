/* test-ca-lifecycle.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* teken-ca's lifecycle end to end (docs/api.md §6.3–§10): a real teken-ca
 * over HTTPS on loopback, its Maildir outbox read the way clients read it,
 * revocation checked by `openssl ocsp` and `openssl crl`, PDFs signed through
 * hash signing with the core's writer and checked by `verify/pdf`. Two
 * servers: one with the default timings (restarted half-way), one whose
 * links, certificates and codes expire within seconds. Each person of the
 * test seed plays one story, so the tests run in order but seldom share a
 * person. */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>

#include "teken-pdf-document.h"
#include "teken-pdf-signing.h"
#include "teken-signer.h"
#include "teken-test-ca.h"
#include "teken-totp.h"
#include "teken-x509-private.h"

#define API "/api/teken/v1"

typedef struct
{
  const char *nik;
  const char *email;
  const char *password;
  const char *passphrase;
  const char *secret;
} Person;

/* The test seed (write_seed()): every person with a TOTP device. */
static const Person budi = { "9971010101900001", "budi.santoso@pns.kotacontoh.go.id", "Sandi-Demo1!", "Frasa-Demo2!",
                             "GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF" };
static const Person siti = { "9971014506880002", "siti.rahayu@asn.kotacontoh.go.id", "Sandi-Siti3!", "Frasa-Siti4!",
                             "EJRQANDZFCK4MIY4GOFKHYSWMV2XX33G" };
static const Person agus = { "9971011203950003", "agus.pratama@pns.kotacontoh.go.id", "Sandi-Agus5!", "Frasa-Agus6!",
                             "MBOWG7RDS7LSH4FFM72SB43Z43I6FDPB" };
static const Person dewi = { "9971016208920004", "dewi.lestari@pns.kotacontoh.go.id", "Sandi-Dewi7!", "Frasa-Dewi8!",
                             "2MSDOG577RBPTG4T4BL4V43MDISCNPA7" };
static const Person rudi = { "9971010307850005", "rudi.hartono@pns.kabsampel.go.id", "Sandi-Rudi9!", "Frasa-Rudi0!",
                             "GM57VXGRLUDU2E4HMYVYVHKNZZRRZOQX" };
static const Person nina = { "9971015511990006", "nina.kartika@pns.kotacontoh.go.id", "Sandi-Nina1!", "Frasa-Nina2!",
                             "6XT7E3QPX2XHQZU63U2PKDIVRBJJXWIF" };
static const Person verifier = { NULL, "verifikator@pns.kotacontoh.go.id", "Verif-Demo3!", NULL,
                                 "J7AWYGRUYTQMVOZDXZSCCPHYZEFD4CFX" };
static const Person sampel_verifier = { NULL, "verifikator@pns.kabsampel.go.id", "Verif-Sampel4!", NULL,
                                        "4IUH3GFMDV5NRH2BE2XO6SYZHCJ5UTOW" };

#define BUDI_NEW_PASSPHRASE "Frasa-Baru5!"
#define BUDI_RESET_PASSPHRASE "Frasa-Reset6!"
#define NINA_NEW_PASSWORD "Sandi-Baru7!"
#define AGUS_NEW_EMAIL "agus.pratama@asn.kotacontoh.go.id"

static struct
{
  TekenTestCa *ca;            /* default timings */
  TekenTestCa *fast;          /* links, certificates and codes that expire in seconds */
  char *seed;
  GPtrArray *secrets;         /* every password, passphrase, code and token used */
  GString *log;               /* what the servers printed */
  GHashTable *last_steps;     /* TOTP secret → last step used */
  char *budi_access;
  char *siti_access;
  char *agus_access;
  char *dewi_access;
  char *verifier_access;
  char *sampel_access;
  char *nina_secret;          /* Nina's device after her password reset */
} t;

static void
remember (const char *secret)
{
  if (secret != NULL && *secret != '\0')
    g_ptr_array_add (t.secrets, g_strdup (secret));
}

static char *
write_seed (TekenTestCa *ca)
{
  const char *seed = g_getenv ("TEKEN_CA_SEED");
  g_autofree char *base = g_path_get_dirname (seed);
  g_autofree char *ini = g_strdup_printf ("[seed]\npopulation=%s/population.csv\npersonnel=%s/personnel.csv\n"
                                          "agencies=%s/agencies.csv\nholders=holders.csv\nverifiers=verifiers.csv\n",
                                          base, base, base);
  g_autofree char *holders = g_strdup_printf (
    "nik,email,nip,unit,position,city,province,title_prefix,title_suffix,phone,password,passphrase,totp_secret,device_name\n"
    "%s,%s,199001012015031001,,,,,,S.Kom.,081234567890,%s,%s,%s,Ponsel demo\n"
    "%s,%s,198806052023212001,,,,,,,0812-3456-7891,%s,%s,%s,Ponsel Siti\n"
    "%s,%s,,Bagian Umum,Tenaga Administrasi,Kota Contoh,Jawa Timur,,,081234567892,%s,%s,%s,Ponsel Agus\n"
    "%s,%s,199208222019032004,,,,,Dr.,S.H.,081234567893,%s,%s,%s,Ponsel Dewi\n"
    "%s,%s,198507032010011005,,,,,,,081234567894,%s,%s,%s,Ponsel Rudi\n"
    "%s,%s,199911152024012006,,,,,,,081234567895,%s,%s,%s,Ponsel Nina\n",
    budi.nik, budi.email, budi.password, budi.passphrase, budi.secret,
    siti.nik, siti.email, siti.password, siti.passphrase, siti.secret,
    agus.nik, agus.email, agus.password, agus.passphrase, agus.secret,
    dewi.nik, dewi.email, dewi.password, dewi.passphrase, dewi.secret,
    rudi.nik, rudi.email, rudi.password, rudi.passphrase, rudi.secret,
    nina.nik, nina.email, nina.password, nina.passphrase, nina.secret);
  g_autofree char *verifiers = g_strdup_printf (
    "email,name,agency,password,totp_secret\n"
    "%s,ANDI VERIFIKATOR CONTOH,Pemerintah Kota Contoh,%s,%s\n"
    "%s,BAMBANG VERIFIKATOR SAMPEL,Pemerintah Kabupaten Sampel,%s,%s\n",
    verifier.email, verifier.password, verifier.secret,
    sampel_verifier.email, sampel_verifier.password, sampel_verifier.secret);
  g_autofree char *dir = g_dir_make_tmp ("teken-ca-seed-XXXXXX", NULL);
  g_autofree char *ini_path = g_build_filename (dir, "seed.ini", NULL);
  g_autofree char *holders_path = g_build_filename (dir, "holders.csv", NULL);
  g_autofree char *verifiers_path = g_build_filename (dir, "verifiers.csv", NULL);

  g_assert_true (g_file_set_contents (ini_path, ini, -1, NULL));
  g_assert_true (g_file_set_contents (holders_path, holders, -1, NULL));
  g_assert_true (g_file_set_contents (verifiers_path, verifiers, -1, NULL));
  return g_steal_pointer (&ini_path);
}

static JsonObject *
call (TekenTestCa *ca,
      const char  *method,
      const char  *path,
      const char  *json,
      const char  *bearer,
      guint       *status)
{
  return teken_test_ca_request (ca, method, path, json, bearer, status);
}

static void
assert_error (JsonObject *object,
              guint       status,
              guint       http,
              int         code,
              const char *id)
{
  teken_test_ca_assert_error (object, status, http, code, id);
}

static JsonObject *
details_of (JsonObject *error)
{
  return json_object_get_object_member (error, "details");
}

/* A code for a step after the last one used with @secret: the server
 * refuses a step twice (§6.1). Waits for the next step when needed. */
static char *
totp_code (const char *secret)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 step = now / 30;
  gint64 last = GPOINTER_TO_SIZE (g_hash_table_lookup (t.last_steps, secret));
  g_autoptr(GError) error = NULL;
  char *code;

  if (step <= last)
    step = last + 1;
  if (step > now / 30 + 1)
    {
      g_usleep ((step - 1) * 30 * G_USEC_PER_SEC - g_get_real_time () + G_USEC_PER_SEC);
    }
  g_hash_table_insert (t.last_steps, g_strdup (secret), GSIZE_TO_POINTER (step));
  code = teken_totp_code (secret, step * 30, &error);
  g_assert_no_error (error);
  remember (code);
  return code;
}

/* Signs in with password and TOTP (§6.1); returns the access token. */
static char *
login (TekenTestCa *ca,
       const char  *username,
       const char  *password,
       const char  *secret)
{
  g_autofree char *step1_json = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);
  g_autoptr(JsonObject) step1 = NULL;
  g_autoptr(JsonObject) pair = NULL;
  g_autofree char *code = NULL;
  g_autofree char *step2_json = NULL;
  guint status = 0;
  char *access;

  step1 = call (ca, "POST", API "/auth/login", step1_json, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (step1, "next"), ==, "totp");
  remember (json_object_get_string_member (step1, "login_token"));
  code = totp_code (secret);
  step2_json = g_strdup_printf ("{\"login_token\": \"%s\", \"code\": \"%s\"}",
                                json_object_get_string_member (step1, "login_token"), code);
  pair = call (ca, "POST", API "/auth/login/totp", step2_json, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  access = g_strdup (json_object_get_string_member (pair, "access_token"));
  remember (access);
  remember (json_object_get_string_member (pair, "refresh_token"));
  return access;
}

static GBytes *
digest_of (const char *text)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) text, -1);
  g_checksum_get_digest (checksum, digest, &length);
  return g_bytes_new (digest, length);
}

/* Hash signing (§9.2) of @n digests with the passphrase or an OTP. */
static JsonObject *
sign_hash (TekenTestCa *ca,
           const char  *nik,
           const char  *passphrase,
           const char  *totp,
           guint        n,
           guint       *status)
{
  g_autoptr(GString) json = g_string_new ("{");
  g_autoptr(GBytes) digest = digest_of ("the byte ranges of a document");
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (digest, NULL), g_bytes_get_size (digest));

  g_string_append_printf (json, "\"nik\": \"%s\", ", nik);
  if (passphrase != NULL)
    g_string_append_printf (json, "\"passphrase\": \"%s\", ", passphrase);
  if (totp != NULL)
    g_string_append_printf (json, "\"totp\": \"%s\", ", totp);
  g_string_append (json, "\"signaturePropertiesHashMap\": {");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s\"doc-%u\": {\"documentDigestBase64\": \"%s\", \"signatureLevel\": \"PAdES_BASELINE_B\"}",
                            i > 0 ? ", " : "", i, b64);
  g_string_append (json, "}}");
  return teken_test_ca_client_post (ca, "/api/v2/sign/hash/pdf", json->str, status);
}

static void
assert_signs (TekenTestCa *ca,
              const char  *nik,
              const char  *passphrase)
{
  guint status = 0;
  g_autoptr(JsonObject) answer = sign_hash (ca, nik, passphrase, NULL, 1, &status);

  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_has_member (json_object_get_object_member (json_object_get_object_member (answer, "data"),
                                                                        "cmsSignedDataHashMap"), "doc-0"));
}

static void
assert_sign_error (TekenTestCa *ca,
                   const char  *nik,
                   const char  *passphrase,
                   int          code)
{
  guint status = 0;
  g_autoptr(JsonObject) answer = sign_hash (ca, nik, passphrase, NULL, 1, &status);

  g_assert_nonnull (answer);
  g_assert_cmpint (json_object_get_int_member (answer, "status_code"), ==, code);
}

static void
assert_mail (TekenTestCa *ca,
             const char  *to,
             const char  *purpose)
{
  g_autofree char *mail = teken_test_ca_find_mail (ca, to, purpose, NULL);

  g_assert_nonnull (mail);
}

/* The newest mail of @purpose to @to, which must exist; its link's token. */
static char *
mail_token (TekenTestCa *ca,
            const char  *to,
            const char  *purpose)
{
  g_autofree char *token = NULL;
  g_autofree char *mail = teken_test_ca_find_mail (ca, to, purpose, &token);

  g_assert_nonnull (mail);
  g_assert_nonnull (token);
  remember (token);
  return g_steal_pointer (&token);
}

static char *
mail_header (const char *mail,
             const char *name)
{
  g_autofree char *prefix = g_strconcat ("\n", name, ": ", NULL);
  const char *start = strstr (mail, prefix);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (prefix);
  end = strchr (start, '\n');
  return g_strndup (start, end - start);
}

static int
run_tool (const char * const *argv,
          const char         *input,
          char              **output)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (output != NULL)
    *output = g_strdup (out != NULL ? out : "");
  if (!g_subprocess_get_successful (process))
    g_test_message ("%s: %s", argv[0], out);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

/* GET of a non-JSON answer; its body, Content-Type and Content-Disposition. */
static GBytes *
get_raw (TekenTestCa  *ca,
         const char   *path,
         const char   *bearer,
         guint        *status,
         char        **content_type,
         char        **disposition)
{
  g_autofree char *uri = g_strconcat (ca->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  if (bearer != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  body = soup_session_send_and_read (ca->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (content_type != NULL)
    *content_type = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Content-Type"));
  if (disposition != NULL)
    *disposition = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                           "Content-Disposition"));
  return body;
}

static void
write_bytes (TekenTestCa *ca,
             const char  *name,
             GBytes      *bytes)
{
  g_autofree char *path = teken_test_ca_path (ca, name);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
}

/* The holder's current certificate and the issuing CA as PEM files, for openssl. */
static void
save_certificates (TekenTestCa *ca,
                   const char  *bearer,
                   const char  *holder_name)
{
  guint status = 0;
  g_autoptr(GBytes) pem = get_raw (ca, API "/certificates/current/download?format=pem", bearer, &status, NULL, NULL);
  g_autoptr(GBytes) issuing = NULL;
  g_autoptr(X509) x509 = NULL;
  g_autoptr(BIO) out = BIO_new (BIO_s_mem ());
  g_autoptr(GBytes) issuing_pem = NULL;
  const guint8 *p;
  char *data;
  long length;

  g_assert_cmpuint (status, ==, 200);
  write_bytes (ca, holder_name, pem);
  issuing = get_raw (ca, "/pki/issuing.crt", NULL, &status, NULL, NULL);
  g_assert_cmpuint (status, ==, 200);
  p = g_bytes_get_data (issuing, NULL);
  x509 = d2i_X509 (NULL, &p, (long) g_bytes_get_size (issuing));
  g_assert_nonnull (x509);
  PEM_write_bio_X509 (out, x509);
  length = BIO_get_mem_data (out, &data);
  issuing_pem = g_bytes_new (data, length);
  write_bytes (ca, "issuing.pem", issuing_pem);
}

/* `openssl ocsp` about a certificate file; returns what it printed. */
static char *
ocsp (TekenTestCa *ca,
      const char  *holder_name)
{
  g_autofree char *issuing = teken_test_ca_path (ca, "issuing.pem");
  g_autofree char *holder = teken_test_ca_path (ca, holder_name);
  g_autofree char *url = g_strconcat (ca->url, "/pki/ocsp", NULL);
  const char * const argv[] = { "openssl", "ocsp", "-issuer", issuing, "-cert", holder, "-url", url,
                                "-CAfile", ca->root_pem, NULL };
  char *output = NULL;

  g_assert_cmpint (run_tool (argv, NULL, &output), ==, 0);
  g_assert_nonnull (strstr (output, "Response verify OK"));
  return output;
}

/* `openssl crl -text` of the issuing CA's CRL as served now. */
static char *
crl_text (TekenTestCa *ca)
{
  guint status = 0;
  g_autoptr(GBytes) crl = get_raw (ca, "/pki/crl", NULL, &status, NULL, NULL);
  g_autofree char *path = teken_test_ca_path (ca, "now.crl");
  const char * const argv[] = { "openssl", "crl", "-inform", "DER", "-in", path, "-noout", "-text", NULL };
  char *output = NULL;

  g_assert_cmpuint (status, ==, 200);
  write_bytes (ca, "now.crl", crl);
  g_assert_cmpint (run_tool (argv, NULL, &output), ==, 0);
  return output;
}

static char *
current_serial (TekenTestCa *ca,
                const char  *bearer)
{
  guint status = 0;
  g_autoptr(JsonObject) cert = call (ca, "GET", API "/certificates/current", NULL, bearer, &status);

  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (cert, "serial"));
}

static void
test_seeded_people (void)
{
  guint status = 0;
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(JsonObject) agus_account = NULL;
  g_autoptr(JsonObject) verifier_account = NULL;
  JsonObject *employment;

  t.budi_access = login (t.ca, budi.email, budi.password, budi.secret);
  t.siti_access = login (t.ca, siti.nik, siti.password, siti.secret);
  t.agus_access = login (t.ca, agus.email, agus.password, agus.secret);
  t.dewi_access = login (t.ca, dewi.email, dewi.password, dewi.secret);
  t.verifier_access = login (t.ca, verifier.email, verifier.password, verifier.secret);
  t.sampel_access = login (t.ca, sampel_verifier.email, sampel_verifier.password, sampel_verifier.secret);

  /* §6.4: the seed's profile, as enrollment would have stored it. */
  account = call (t.ca, "GET", API "/account", NULL, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (account, "role"), ==, "holder");
  g_assert_cmpstr (json_object_get_string_member (account, "nik"), ==, budi.nik);
  g_assert_cmpstr (json_object_get_string_member (account, "title_suffix"), ==, "S.Kom.");
  g_assert_cmpstr (json_object_get_string_member (account, "phone"), ==, "+6281234567890");
  g_assert_cmpstr (json_object_get_string_member (account, "status"), ==, "ISSUE");
  g_assert_cmpstr (json_object_get_string_member (account, "verification_status"), ==, "VERIFIED");
  g_assert_cmpstr (json_object_get_string_member (account, "enrollment_step"), ==, "done");
  g_assert_true (json_object_get_boolean_member (account, "can_sign"));
  g_assert_true (json_object_get_null_member (account, "pending_update"));
  employment = json_object_get_object_member (account, "employment");
  g_assert_cmpstr (json_object_get_string_member (employment, "kind"), ==, "asn");
  g_assert_cmpstr (json_object_get_string_member (employment, "employment_type"), ==, "PNS");
  g_assert_cmpstr (json_object_get_string_member (employment, "position"), ==, "Pranata Komputer Ahli Pertama");
  g_assert_cmpstr (json_object_get_string_member (employment, "agency"), ==, "Pemerintah Kota Contoh");

  agus_account = call (t.ca, "GET", API "/account", NULL, t.agus_access, &status);
  employment = json_object_get_object_member (agus_account, "employment");
  g_assert_cmpstr (json_object_get_string_member (employment, "kind"), ==, "non_asn");
  g_assert_cmpstr (json_object_get_string_member (employment, "nip"), ==, agus.nik);
  g_assert_true (json_object_get_null_member (employment, "employment_type"));
  g_assert_cmpstr (json_object_get_string_member (employment, "unit"), ==, "Bagian Umum");

  /* A verifier signs in the same way and gets scope verifier (§6.1). */
  verifier_account = call (t.ca, "GET", API "/account", NULL, t.verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (verifier_account, "role"), ==, "verifier");
  g_assert_true (json_object_get_null_member (verifier_account, "nik"));
  g_assert_true (json_object_get_null_member (verifier_account, "status"));
  g_assert_cmpstr (json_object_get_string_member (verifier_account, "agency"), ==, "Pemerintah Kota Contoh");
}

/* §2.3: each token acts only where its scope allows. */
static void
test_scopes (void)
{
  guint status = 0;
  g_autoptr(JsonObject) verifier_on_holder = call (t.ca, "GET", API "/certificates", NULL, t.verifier_access, &status);
  g_autoptr(JsonObject) holder_on_verifier = NULL;
  g_autoptr(JsonObject) other_nik = NULL;
  g_autoptr(JsonObject) own_nik = NULL;
  g_autoptr(JsonObject) verifier_as_client = NULL;
  g_autofree char *json = g_strdup_printf ("{\"nik\": \"%s\"}", siti.nik);
  g_autofree char *own = g_strdup_printf ("{\"nik\": \"%s\"}", budi.nik);

  assert_error (verifier_on_holder, status, 403, 8003, "forbidden");
  holder_on_verifier = call (t.ca, "GET", API "/verifier/requests", NULL, t.budi_access, &status);
  assert_error (holder_on_verifier, status, 403, 8003, "forbidden");
  /* BSrE endpoints take a holder's token for its own holder only. */
  other_nik = call (t.ca, "POST", "/api/v2/user/check/status", json, t.budi_access, &status);
  assert_error (other_nik, status, 403, 8003, "forbidden");
  own_nik = call (t.ca, "POST", "/api/v2/user/check/status", own, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (own_nik, "status"), ==, "ISSUE");
  verifier_as_client = call (t.ca, "POST", "/api/v2/user/check/status", own, t.verifier_access, &status);
  assert_error (verifier_as_client, status, 403, 8003, "forbidden");
}

/* §7.3 and §7.4. */
static void
test_certificates (void)
{
  guint status = 0;
  g_autoptr(JsonObject) list = call (t.ca, "GET", API "/certificates", NULL, t.budi_access, &status);
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) by_id = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) bad_format = NULL;
  g_autoptr(GBytes) pem = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) chain = NULL;
  g_autoptr(GBytes) p7c = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *disposition = NULL;
  g_autofree char *path = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *p7c_path = teken_test_ca_path (t.ca, "chain.p7c");
  g_autofree char *printed = NULL;
  JsonArray *certificates;
  JsonObject *first;
  JsonObject *renewal;
  const char *id;

  g_assert_cmpuint (status, ==, 200);
  certificates = json_object_get_array_member (list, "certificates");
  g_assert_cmpuint (json_array_get_length (certificates), ==, 1);
  first = json_array_get_object_element (certificates, 0);
  id = json_object_get_string_member (first, "id");
  g_assert_true (g_str_has_prefix (id, "crt_"));
  g_assert_true (json_object_get_boolean_member (first, "current"));
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "ISSUE");
  g_assert_cmpstr (json_object_get_string_member (first, "email"), ==, budi.email);
  g_assert_cmpstr (json_object_get_string_member (first, "common_name"), ==, "BUDI SANTOSO CONTOH");
  g_assert_cmpstr (json_object_get_string_member (first, "organization"), ==, "Pemerintah Kota Contoh");
  g_assert_cmpstr (json_object_get_string_member (first, "subject"), ==,
                   "CN=BUDI SANTOSO CONTOH,O=Pemerintah Kota Contoh,C=ID");
  g_assert_cmpint (json_object_get_int_member (first, "days_left"), >=, 729);
  g_assert_cmpuint (strlen (json_object_get_string_member (first, "fingerprint_sha256")), ==, 64);
  g_assert_false (json_object_has_member (first, "pem"));

  current = call (t.ca, "GET", API "/certificates/current", NULL, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (current, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (current, "key_algorithm"), ==, "RSA-2048");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (current, "key_usage"), 0), ==,
                   "digitalSignature");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (current, "policy_oids"), 0), ==,
                   "2.25.290652254216530779129122538095846717969");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (current, "crl_url"), "/pki/crl"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (current, "ocsp_url"), "/pki/ocsp"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (current, "ca_issuers_url"), "/pki/issuing.crt"));
  g_assert_false (json_object_get_boolean_member (current, "key_locked"));
  g_assert_cmpint (json_object_get_int_member (current, "passphrase_attempts_left"), ==, 5);
  g_assert_false (json_object_get_boolean_member (current, "signing_otp_enabled"));
  renewal = json_object_get_object_member (current, "renewal");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (renewal, "methods")), ==, 0);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (current, "pem"), "-----BEGIN CERTIFICATE-----"));

  path = g_strconcat (API "/certificates/", id, NULL);
  by_id = call (t.ca, "GET", path, NULL, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (by_id, "serial"), ==, json_object_get_string_member (first, "serial"));
  /* Another holder's certificate is not found, nor is nonsense. */
  other = call (t.ca, "GET", path, NULL, t.siti_access, &status);
  assert_error (other, status, 404, 8004, "not_found");
  unknown = call (t.ca, "GET", API "/certificates/crt_nothing", NULL, t.budi_access, &status);
  assert_error (unknown, status, 404, 8004, "not_found");

  /* Downloads, §7.4. */
  pem = get_raw (t.ca, API "/certificates/current/download", t.budi_access, &status, &content_type, &disposition);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (content_type, ==, "application/x-pem-file");
  expected = g_strdup_printf ("attachment; filename=\"%s.pem\"", json_object_get_string_member (first, "serial"));
  g_assert_cmpstr (disposition, ==, expected);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem), "BEGIN CERTIFICATE"));
  g_clear_pointer (&content_type, g_free);
  other_path = g_strconcat (path, "/download?what=certificate&format=der", NULL);
  der = get_raw (t.ca, other_path, t.budi_access, &status, &content_type, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (content_type, ==, "application/pkix-cert");
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (der, NULL))[0], ==, 0x30);
  g_clear_pointer (&content_type, g_free);
  chain = get_raw (t.ca, API "/certificates/current/download?what=chain", t.budi_access, &status, &content_type, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (content_type, ==, "application/pem-certificate-chain");
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (chain, NULL), g_bytes_get_size (chain));
    g_auto(GStrv) parts = g_strsplit (text, "BEGIN CERTIFICATE", -1);

    g_assert_cmpuint (g_strv_length (parts), ==, 4);
  }
  g_clear_pointer (&content_type, g_free);
  g_clear_pointer (&disposition, g_free);
  p7c = get_raw (t.ca, API "/certificates/current/download?what=chain&format=der", t.budi_access, &status,
                 &content_type, &disposition);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (content_type, ==, "application/pkcs7-mime; smime-type=certs-only");
  g_assert_true (g_str_has_suffix (disposition, ".p7c\""));
  write_bytes (t.ca, "chain.p7c", p7c);
  {
    const char * const argv[] = { "openssl", "pkcs7", "-inform", "DER", "-in", p7c_path, "-print_certs", "-noout", NULL };

    g_assert_cmpint (run_tool (argv, NULL, &printed), ==, 0);
    g_assert_nonnull (strstr (printed, "BUDI SANTOSO CONTOH"));
    g_assert_nonnull (strstr (printed, "Teken Demo Issuing CA"));
    g_assert_nonnull (strstr (printed, "subject=C = ID, O = Teken, CN = Teken Demo Root CA"));
  }
  bad_format = call (t.ca, "GET", API "/certificates/current/download?format=pfx", NULL, t.budi_access, &status);
  assert_error (bad_format, status, 400, 4015, "field_invalid");
}

/* §6.5: add with set-up and confirmation, rename, remove, never the last. */
static void
test_devices (void)
{
  guint status = 0;
  g_autoptr(JsonObject) list = call (t.ca, "GET", API "/account/devices", NULL, t.budi_access, &status);
  g_autoptr(JsonObject) wrong_password = NULL;
  g_autoptr(JsonObject) setup = NULL;
  g_autoptr(JsonObject) bad_setup = NULL;
  g_autoptr(JsonObject) taken = NULL;
  g_autoptr(JsonObject) invalid = NULL;
  g_autoptr(JsonObject) wrong_code = NULL;
  g_autoptr(JsonObject) device = NULL;
  g_autoptr(JsonObject) renamed = NULL;
  g_autoptr(JsonObject) rename_taken = NULL;
  g_autoptr(JsonObject) rename_unknown = NULL;
  g_autoptr(JsonObject) removed = NULL;
  g_autoptr(JsonObject) last = NULL;
  g_autoptr(JsonObject) list_after = NULL;
  g_autofree char *json = NULL;
  g_autofree char *code = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *device_path = NULL;
  g_autofree char *seeded_path = NULL;
  g_autofree char *secret = NULL;
  const char *setup_id;
  JsonObject *totp_setup;
  guint added_mails = teken_test_ca_count_mail (t.ca, budi.email, "device_added");

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "devices")), ==, 1);
  seeded_path = g_strconcat (API "/account/devices/",
                             json_object_get_string_member (json_array_get_object_element (
                               json_object_get_array_member (list, "devices"), 0), "id"), NULL);

  wrong_password = call (t.ca, "POST", API "/account/devices", "{\"password\": \"Salah-Sandi1!\"}", t.budi_access,
                         &status);
  assert_error (wrong_password, status, 403, 8209, "reauth_failed");

  json = g_strdup_printf ("{\"password\": \"%s\"}", budi.password);
  setup = call (t.ca, "POST", API "/account/devices", json, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 201);
  setup_id = json_object_get_string_member (setup, "setup_id");
  g_assert_true (g_str_has_prefix (setup_id, "stp_"));
  g_assert_cmpint (json_object_get_int_member (setup, "expires_in"), ==, 600);
  totp_setup = json_object_get_object_member (setup, "totp_setup");
  secret = g_strdup (json_object_get_string_member (totp_setup, "secret"));
  remember (secret);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (totp_setup, "otpauth_uri"), "otpauth://totp/"));

  code = totp_code (secret);
  g_free (json);
  json = g_strdup_printf ("{\"setup_id\": \"stp_aaaaaaaaaaaaaaaaaaaaaaaaaa\", \"code\": \"%s\", \"name\": \"Laptop\"}", code);
  bad_setup = call (t.ca, "POST", API "/account/devices/confirm", json, t.budi_access, &status);
  assert_error (bad_setup, status, 410, 8208, "device_setup_invalid");
  g_free (json);
  json = g_strdup_printf ("{\"setup_id\": \"%s\", \"code\": \"%s\", \"name\": \"ponsel DEMO\"}", setup_id, code);
  taken = call (t.ca, "POST", API "/account/devices/confirm", json, t.budi_access, &status);
  assert_error (taken, status, 422, 8206, "device_name_invalid");
  g_assert_cmpstr (json_object_get_string_member (details_of (taken), "reason"), ==, "taken");
  g_free (json);
  json = g_strdup_printf ("{\"setup_id\": \"%s\", \"code\": \"%s\", \"name\": \"\"}", setup_id, code);
  invalid = call (t.ca, "POST", API "/account/devices/confirm", json, t.budi_access, &status);
  assert_error (invalid, status, 422, 8206, "device_name_invalid");
  g_assert_cmpstr (json_object_get_string_member (details_of (invalid), "reason"), ==, "invalid");
  wrong = g_strdup_printf ("%06d", (atoi (code) + 1) % 1000000);
  g_free (json);
  json = g_strdup_printf ("{\"setup_id\": \"%s\", \"code\": \"%s\", \"name\": \"Laptop kantor\"}", setup_id, wrong);
  wrong_code = call (t.ca, "POST", API "/account/devices/confirm", json, t.budi_access, &status);
  assert_error (wrong_code, status, 401, 8205, "totp_invalid");

  g_free (json);
  json = g_strdup_printf ("{\"setup_id\": \"%s\", \"code\": \"%s\", \"name\": \"Laptop kantor\"}", setup_id, code);
  device = call (t.ca, "POST", API "/account/devices/confirm", json, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (device, "name"), ==, "Laptop kantor");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (device, "id"), "dev_"));
  g_assert_cmpuint (teken_test_ca_count_mail (t.ca, budi.email, "device_added"), ==, added_mails + 1);

  device_path = g_strconcat (API "/account/devices/", json_object_get_string_member (device, "id"), NULL);
  renamed = call (t.ca, "PATCH", device_path, "{\"name\": \"Laptop rumah\"}", t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (renamed, "name"), ==, "Laptop rumah");
  rename_taken = call (t.ca, "PATCH", device_path, "{\"name\": \"Ponsel Demo\"}", t.budi_access, &status);
  assert_error (rename_taken, status, 422, 8206, "device_name_invalid");
  rename_unknown = call (t.ca, "PATCH", API "/account/devices/dev_nothing", "{\"name\": \"X\"}", t.budi_access, &status);
  assert_error (rename_unknown, status, 404, 8004, "not_found");

  removed = call (t.ca, "DELETE", device_path, NULL, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 204);
  assert_mail (t.ca, budi.email, "device_removed");
  last = call (t.ca, "DELETE", seeded_path, NULL, t.budi_access, &status);
  assert_error (last, status, 409, 8207, "last_device");
  list_after = call (t.ca, "GET", API "/account/devices", NULL, t.budi_access, &status);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list_after, "devices")), ==, 1);
}

/* §7.5 change: the link, old + new; the old passphrase stops working. */
static void
test_passphrase_change (void)
{
  guint status = 0;
  g_autoptr(JsonObject) requested = call (t.ca, "POST", API "/certificates/current/passphrase/change-request", NULL,
                                          t.budi_access, &status);
  g_autoptr(JsonObject) too_soon = NULL;
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) wrong_old = NULL;
  g_autoptr(JsonObject) policy = NULL;
  g_autoptr(JsonObject) mismatch = NULL;
  g_autoptr(JsonObject) no_agreement = NULL;
  g_autoptr(JsonObject) is_password = NULL;
  g_autoptr(JsonObject) changed = NULL;
  g_autoptr(JsonObject) reused = NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;
  JsonArray *problems;

  g_assert_cmpuint (status, ==, 202);
  g_assert_nonnull (json_object_get_string_member (requested, "expires_at"));
  token = mail_token (t.ca, budi.email, "change_passphrase");
  too_soon = call (t.ca, "POST", API "/certificates/current/passphrase/change-request", NULL, t.budi_access, &status);
  assert_error (too_soon, status, 429, 8009, "rate_limited");
  g_assert_cmpint (json_object_get_int_member (details_of (too_soon), "retry_after"), >=, 1);

#define CHANGE(token, old, new, confirmation, agreement) \
  g_strdup_printf ("{\"token\": \"%s\", \"old_passphrase\": \"%s\", \"new_passphrase\": \"%s\"," \
                   " \"new_passphrase_confirmation\": \"%s\"%s}", token, old, new, confirmation, agreement)
#define AGREEMENT ", \"holder_agreement_version\": \"2026.1\""

  json = CHANGE ("q3YwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", budi.passphrase, BUDI_NEW_PASSPHRASE,
                 BUDI_NEW_PASSPHRASE, AGREEMENT);
  unknown = call (t.ca, "POST", API "/certificates/passphrase/change", json, NULL, &status);
  assert_error (unknown, status, 404, 8104, "link_invalid");
  g_free (json);
  json = CHANGE (token, "Frasa-Salah9!", BUDI_NEW_PASSPHRASE, BUDI_NEW_PASSPHRASE, AGREEMENT);
  wrong_old = call (t.ca, "POST", API "/certificates/passphrase/change", json, NULL, &status);
  assert_error (wrong_old, status, 400, 2031, "wrong_passphrase");
  g_assert_cmpint (json_object_get_int_member (details_of (wrong_old), "attempts_left"), ==, 4);
  g_free (json);
  json = CHANGE (token, budi.passphrase, "pendek", "pendek", AGREEMENT);
  policy = call (t.ca, "POST", API "/certificates/passphrase/change", json, NULL, &status);
  assert_error (policy, status, 422, 8122, "passphrase_policy");
  problems = json_object_get_array_member (details_of (policy), "problems");
  g_assert_cmpstr (json_array_get_string_element (problems, 0), ==, "too_short");
  g_free (json);
  json = CHANGE (token, budi.passphrase, BUDI_NEW_PASSPHRASE, "Frasa-Lain5!", AGREEMENT);
  mismatch = call (t.ca, "POST", API "/certificates/passphrase/change", json, NULL, &status);
  assert_error (mismatch, status, 422, 8123, "confirmation_mismatch");
  g_free (json);
  json = CHANGE (token, budi.passphrase, BUDI_NEW_PASSPHRASE, BUDI_NEW_PASSPHRASE, "");
  no_agreement = call (t.ca, "POST", API "/certificates/passphrase/change", json, NULL, &status);
  assert_error (no_agreement, status, 422, 8120, "agreement_required");
  g_free (json);
  json = CHANGE (token, budi.passphrase, budi.password, budi.password, AGREEMENT);
  is_password = call (t.ca, "POST", API "/certificates/passphrase/change", json, NULL, &status);
  assert_error (is_password, status, 422, 8125, "passphrase_same_as_password");

  g_free (json);
  json = CHANGE (token, budi.passphrase, BUDI_NEW_PASSPHRASE, BUDI_NEW_PASSPHRASE, AGREEMENT);
  changed = call (t.ca, "POST", API "/certificates/passphrase/change", json, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  g_assert_null (changed);
  assert_mail (t.ca, budi.email, "passphrase_changed");
  reused = call (t.ca, "POST", API "/certificates/passphrase/change", json, NULL, &status);
  assert_error (reused, status, 410, 8106, "link_used");

  assert_sign_error (t.ca, budi.nik, budi.passphrase, 2031);
  assert_signs (t.ca, budi.nik, BUDI_NEW_PASSPHRASE);

  /* Renewal and re-issue refuse what does not apply (§7.7, §7.8). */
  {
    g_autoptr(JsonObject) bad_method = call (t.ca, "POST", API "/certificates/current/renew",
                                             "{\"method\": \"magic\"}", t.budi_access, &status);
    g_autoptr(JsonObject) not_revoked = NULL;
    g_autoptr(JsonObject) not_expired = NULL;

    assert_error (bad_method, status, 400, 4015, "field_invalid");
    not_revoked = call (t.ca, "POST", API "/certificates/reissue", "{\"holder_agreement_version\": \"2026.1\"}",
                        t.budi_access, &status);
    assert_error (not_revoked, status, 409, 8303, "wrong_status");
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (details_of (not_revoked), "allowed"),
                                                    0), ==, "REVOKE");
    not_expired = call (t.ca, "POST", API "/certificates/current/renew",
                        "{\"method\": \"verifier\", \"holder_agreement_version\": \"2026.1\"}", t.budi_access,
                        &status);
    assert_error (not_expired, status, 409, 8303, "wrong_status");
  }
#undef CHANGE
}

/* §7.9 consent and §9.1/§9.2 signing with the e-mailed code. */
static void
test_signing_otp (void)
{
  guint status = 0;
  g_autofree char *get_json = g_strdup_printf ("{\"nik\": \"%s\", \"data\": 2}", budi.nik);
  g_autoptr(JsonObject) not_enabled = teken_test_ca_client_post (t.ca, "/api/v2/sign/get/totp", get_json, &status);
  g_autoptr(JsonObject) wrong = NULL;
  g_autoptr(JsonObject) enabled = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(JsonObject) bad_data = NULL;
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(JsonObject) too_soon = NULL;
  g_autoptr(JsonObject) wrong_code = NULL;
  g_autoptr(JsonObject) too_many = NULL;
  g_autoptr(JsonObject) signed_answer = NULL;
  g_autoptr(JsonObject) reused = NULL;
  g_autoptr(JsonObject) disabled = NULL;
  g_autoptr(JsonObject) off = NULL;
  g_autoptr(JsonObject) holder_token = NULL;
  g_autofree char *json = NULL;
  g_autofree char *mail = NULL;
  g_autofree char *code = NULL;
  g_autofree char *wrong_otp = NULL;

  assert_error (not_enabled, status, 403, 8404, "signing_otp_not_enabled");
  {
    g_autoptr(JsonObject) no_enabled = call (t.ca, "PUT", API "/certificates/current/signing-otp", "{}",
                                             t.budi_access, &status);
    g_autoptr(JsonObject) not_boolean = NULL;
    g_autoptr(JsonObject) no_passphrase = NULL;
    g_autoptr(JsonObject) nobody = NULL;

    assert_error (no_enabled, status, 400, 4014, "field_required");
    not_boolean = call (t.ca, "PUT", API "/certificates/current/signing-otp", "{\"enabled\": \"yes\"}",
                        t.budi_access, &status);
    assert_error (not_boolean, status, 400, 4015, "field_invalid");
    no_passphrase = call (t.ca, "PUT", API "/certificates/current/signing-otp", "{\"enabled\": true}",
                          t.budi_access, &status);
    assert_error (no_passphrase, status, 400, 4014, "field_required");
    nobody = teken_test_ca_client_post (t.ca, "/api/v2/sign/get/totp", "{\"nik\": \"9971010101909999\", \"data\": 1}",
                                        &status);
    assert_error (nobody, status, 400, 2011, "user_not_registered");
  }
  wrong = call (t.ca, "PUT", API "/certificates/current/signing-otp",
                "{\"enabled\": true, \"passphrase\": \"Frasa-Salah9!\"}", t.budi_access, &status);
  assert_error (wrong, status, 400, 2031, "wrong_passphrase");
  json = g_strdup_printf ("{\"enabled\": true, \"passphrase\": \"%s\"}", BUDI_NEW_PASSPHRASE);
  enabled = call (t.ca, "PUT", API "/certificates/current/signing-otp", json, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_get_boolean_member (enabled, "signing_otp_enabled"));
  details = call (t.ca, "GET", API "/certificates/current", NULL, t.budi_access, &status);
  g_assert_true (json_object_get_boolean_member (details, "signing_otp_enabled"));

  bad_data = teken_test_ca_client_post (t.ca, "/api/v2/sign/get/totp",
                                        "{\"nik\": \"9971010101900001\", \"data\": 0}", &status);
  assert_error (bad_data, status, 400, 4015, "field_invalid");
  sent = teken_test_ca_client_post (t.ca, "/api/v2/sign/get/totp", get_json, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_get_boolean_member (sent, "success"));
  too_soon = teken_test_ca_client_post (t.ca, "/api/v2/sign/get/totp", get_json, &status);
  assert_error (too_soon, status, 429, 8009, "rate_limited");
  mail = teken_test_ca_find_mail (t.ca, budi.email, "signing_otp", NULL);
  g_assert_nonnull (mail);
  code = mail_header (mail, "X-Teken-Code");
  g_assert_nonnull (code);
  g_assert_cmpuint (strlen (code), ==, 6);
  remember (code);
  g_assert_nonnull (mail_header (mail, "X-Teken-Expires"));

  wrong_otp = g_strdup_printf ("%06d", (atoi (code) + 1) % 1000000);
  wrong_code = sign_hash (t.ca, budi.nik, NULL, wrong_otp, 1, &status);
  assert_error (wrong_code, status, 400, 8403, "signing_otp_invalid");
  g_assert_cmpint (json_object_get_int_member (details_of (wrong_code), "attempts_left"), ==, 2);
  /* At most the `data` it was asked for; that uses no try. */
  too_many = sign_hash (t.ca, budi.nik, NULL, code, 3, &status);
  assert_error (too_many, status, 400, 8405, "too_many_documents");
  g_assert_cmpint (json_object_get_int_member (details_of (too_many), "max"), ==, 2);
  signed_answer = sign_hash (t.ca, budi.nik, NULL, code, 2, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (
                      json_object_get_object_member (signed_answer, "data"), "cmsSignedDataHashMap")), ==, 2);
  /* One request only. */
  reused = sign_hash (t.ca, budi.nik, NULL, code, 1, &status);
  assert_error (reused, status, 400, 8403, "signing_otp_invalid");
  g_assert_cmpint (json_object_get_int_member (details_of (reused), "attempts_left"), ==, 0);

  /* The holder's own token asks too (§2.3); then OTP signing goes off. */
  g_usleep (2 * G_USEC_PER_SEC);
  holder_token = call (t.ca, "POST", "/api/v2/sign/get/totp", get_json, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  disabled = call (t.ca, "PUT", API "/certificates/current/signing-otp", "{\"enabled\": false}", t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_get_boolean_member (disabled, "signing_otp_enabled"));
  g_usleep (2 * G_USEC_PER_SEC);
  off = teken_test_ca_client_post (t.ca, "/api/v2/sign/get/totp", get_json, &status);
  assert_error (off, status, 403, 8404, "signing_otp_not_enabled");
  {
    g_autofree char *latest = teken_test_ca_find_mail (t.ca, budi.email, "signing_otp", NULL);
    g_autofree char *latest_code = mail_header (latest, "X-Teken-Code");

    remember (latest_code);
  }
}

/* A TekenSigner that signs through teken-ca's hash signing, as the app's
 * remote backend will: the core writes the PDF, teken-ca makes the CMS. */
#define TEST_TYPE_CA_SIGNER (test_ca_signer_get_type ())
G_DECLARE_FINAL_TYPE (TestCaSigner, test_ca_signer, TEST, CA_SIGNER, GObject)

struct _TestCaSigner
{
  GObject parent_instance;
  TekenTestCa *ca;
  const char *nik;
  const char *passphrase;
  GBytes *certificate;
};

static void test_ca_signer_iface_init (TekenSignerInterface *iface);

G_DEFINE_TYPE_WITH_CODE (TestCaSigner, test_ca_signer, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (TEKEN_TYPE_SIGNER, test_ca_signer_iface_init))

static GBytes *
test_ca_signer_get_certificate (TekenSigner *signer)
{
  return TEST_CA_SIGNER (signer)->certificate;
}

static gsize
test_ca_signer_estimate_size (TekenSigner *signer)
{
  return 12000;
}

static void
test_ca_signer_sign_digest_async (TekenSigner         *signer,
                                  GBytes              *digest,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  TestCaSigner *self = TEST_CA_SIGNER (signer);
  g_autoptr(GTask) task = g_task_new (signer, cancellable, callback, user_data);
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (digest, NULL), g_bytes_get_size (digest));
  g_autofree char *json = g_strdup_printf ("{\"nik\": \"%s\", \"passphrase\": \"%s\", \"signaturePropertiesHashMap\":"
                                           " {\"0\": {\"documentDigestBase64\": \"%s\"}}}",
                                           self->nik, self->passphrase, b64);
  g_autoptr(JsonObject) answer = NULL;
  guint8 *cms;
  gsize length = 0;
  guint status = 0;

  answer = teken_test_ca_client_post (self->ca, "/api/v2/sign/hash/pdf", json, &status);
  g_assert_cmpuint (status, ==, 200);
  cms = g_base64_decode (json_object_get_string_member (json_object_get_object_member (
                           json_object_get_object_member (answer, "data"), "cmsSignedDataHashMap"), "0"), &length);
  g_task_return_pointer (task, g_bytes_new_take (cms, length), (GDestroyNotify) g_bytes_unref);
}

static GBytes *
test_ca_signer_sign_digest_finish (TekenSigner   *signer,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_ca_signer_iface_init (TekenSignerInterface *iface)
{
  iface->get_certificate = test_ca_signer_get_certificate;
  iface->estimate_size = test_ca_signer_estimate_size;
  iface->sign_digest_async = test_ca_signer_sign_digest_async;
  iface->sign_digest_finish = test_ca_signer_sign_digest_finish;
}

static void
test_ca_signer_finalize (GObject *object)
{
  g_clear_pointer (&TEST_CA_SIGNER (object)->certificate, g_bytes_unref);
  G_OBJECT_CLASS (test_ca_signer_parent_class)->finalize (object);
}

static void
test_ca_signer_class_init (TestCaSignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_ca_signer_finalize;
}

static void
test_ca_signer_init (TestCaSigner *self)
{
}

/* A one-page PDF with a correct cross-reference table. */
static GBytes *
make_pdf (const char *trailer_extra)
{
  static const char content[] = "BT /F1 12 Tf 72 770 Td (Surat dinas) Tj ET";
  g_autofree char *stream = g_strdup_printf ("<< /Length %" G_GSIZE_FORMAT " >>\nstream\n%s\nendstream",
                                             strlen (content), content);
  const char *objects[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    stream,
  };
  GString *pdf = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  gsize offsets[G_N_ELEMENTS (objects)];
  gsize xref;

  for (gsize i = 0; i < G_N_ELEMENTS (objects); i++)
    {
      offsets[i] = pdf->len;
      g_string_append_printf (pdf, "%" G_GSIZE_FORMAT " 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %" G_GSIZE_FORMAT "\n0000000000 65535 f \n", G_N_ELEMENTS (objects) + 1);
  for (gsize i = 0; i < G_N_ELEMENTS (objects); i++)
    g_string_append_printf (pdf, "%010" G_GSIZE_FORMAT " 00000 n \n", offsets[i]);
  g_string_append_printf (pdf, "trailer\n<< /Size %" G_GSIZE_FORMAT " /Root 1 0 R%s >>\nstartxref\n%" G_GSIZE_FORMAT
                          "\n%%%%EOF\n", G_N_ELEMENTS (objects) + 1, trailer_extra, xref);
  return g_string_free_to_bytes (pdf);
}

static JsonObject *
verify_pdf (TekenTestCa *ca,
            GBytes      *pdf,
            const char  *bearer,
            guint       *status)
{
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  g_autofree char *json = g_strdup_printf ("{\"file\": \"%s\", \"password\": null}", b64);

  if (bearer != NULL)
    return call (ca, "POST", "/api/v2/verify/pdf", json, bearer, status);
  return teken_test_ca_client_post (ca, "/api/v2/verify/pdf", json, status);
}

/* §10 on a PDF signed through hash signing, and on tampered ones. */
static void
test_verify_pdf (void)
{
  g_autoptr(GBytes) unsigned_pdf = make_pdf ("");
  g_autoptr(GBytes) encrypted_pdf = make_pdf (" /Encrypt << /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>");
  g_autoptr(JsonObject) encrypted = NULL;
  g_autofree char *input = teken_test_ca_path (t.ca, "letter.pdf");
  g_autofree char *output = teken_test_ca_path (t.ca, "letter-signed.pdf");
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(TestCaSigner) signer = g_object_new (TEST_TYPE_CA_SIGNER, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) chain = NULL;
  g_autoptr(JsonObject) valid = NULL;
  g_autoptr(JsonObject) as_holder = NULL;
  g_autoptr(JsonObject) tampered_answer = NULL;
  g_autoptr(JsonObject) unsigned_answer = NULL;
  g_autoptr(JsonObject) not_pdf = NULL;
  g_autoptr(JsonObject) bad_base64 = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GBytes) not_a_pdf = g_bytes_new_static ("hello, not a PDF", 16);
  g_autofree char *path = g_strconcat ("/api/v2/user/certificate/chain/", budi.nik, NULL);
  g_autofree char *contents = NULL;
  TekenPdfSignOptions options = { 0 };
  JsonObject *signature;
  JsonObject *timestamp;
  JsonObject *detail;
  guint8 *der;
  gsize length = 0;
  guint status = 0;

  write_bytes (t.ca, "letter.pdf", unsigned_pdf);
  chain = call (t.ca, "GET", path, NULL, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  der = g_base64_decode (json_array_get_string_element (json_object_get_array_member (chain, "data"), 0), &length);
  signer->ca = t.ca;
  signer->nik = budi.nik;
  signer->passphrase = BUDI_NEW_PASSPHRASE;
  signer->certificate = g_bytes_new_take (der, length);

  document = teken_pdf_document_new_for_path (input, &error);
  g_assert_no_error (error);
  options.reason = "Persetujuan";
  options.location = "Kota Contoh";
  options.field_name = "Signature1";
  g_assert_true (teken_pdf_sign (document, output, &options, TEKEN_SIGNER (signer), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (output, &contents, &length, NULL));
  signed_pdf = g_bytes_new_take (g_steal_pointer (&contents), length);

  valid = verify_pdf (t.ca, signed_pdf, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (valid, "conclusion"), ==, "VALID");
  g_assert_cmpuint (strlen (json_object_get_string_member (valid, "description")), >, 10);
  g_assert_cmpint (json_object_get_int_member (valid, "signatureCount"), ==, 1);
  signature = json_array_get_object_element (json_object_get_array_member (valid, "signatureInformations"), 0);
  g_assert_cmpint (json_object_get_int_member (signature, "id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (signature, "signatureFormat"), ==, "PAdES-BASELINE-T");
  g_assert_cmpstr (json_object_get_string_member (signature, "signerName"), ==, "BUDI SANTOSO CONTOH");
  g_assert_cmpstr (json_object_get_string_member (signature, "fieldName"), ==, "Signature1");
  g_assert_cmpstr (json_object_get_string_member (signature, "reason"), ==, "Persetujuan");
  g_assert_cmpstr (json_object_get_string_member (signature, "location"), ==, "Kota Contoh");
  g_assert_cmpint (json_object_get_int_member (signature, "certLevelCode"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (signature, "signatureAlgorithm"), ==, "SHA256withRSA");
  g_assert_cmpstr (json_object_get_string_member (signature, "digestAlgorithm"), ==, "SHA256");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (signature, "signatureDate"), "+07:00"));
  timestamp = json_object_get_object_member (signature, "timestampInfomation");
  g_assert_cmpstr (json_object_get_string_member (timestamp, "signerName"), ==, "Teken Demo TSA");
  g_assert_true (json_object_get_boolean_member (timestamp, "valid"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (signature, "certificateDetails")), ==, 3);
  detail = json_array_get_object_element (json_object_get_array_member (signature, "certificateDetails"), 0);
  g_assert_cmpstr (json_object_get_string_member (detail, "commonName"), ==, "BUDI SANTOSO CONTOH");
  g_assert_cmpstr (json_object_get_string_member (detail, "issuerName"), ==, "CN=Teken Demo Issuing CA,O=Teken,C=ID");
  g_assert_cmpstr (json_object_get_string_member (detail, "signatureAlgoritm"), ==, "SHA256withRSA");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (detail, "keyUsages"), 1), ==,
                   "nonRepudiation");
  g_assert_nonnull (json_object_get_string_member (detail, "notAfterDate"));
  g_assert_true (json_object_get_boolean_member (signature, "integrityValid"));
  g_assert_true (json_object_get_boolean_member (signature, "certificateTrusted"));
  g_assert_true (json_object_get_boolean_member (signature, "lastSignature"));
  g_assert_false (json_object_get_boolean_member (signature, "ltv"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (valid, "teken"), "status"), ==,
                   "valid");

  as_holder = verify_pdf (t.ca, signed_pdf, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (as_holder, "conclusion"), ==, "VALID");

  /* One changed byte in the signed text. */
  {
    GByteArray *copy = g_byte_array_new ();
    guint8 *found;

    g_byte_array_append (copy, g_bytes_get_data (signed_pdf, NULL), g_bytes_get_size (signed_pdf));
    found = memmem (copy->data, copy->len, "Surat dinas", 11);
    g_assert_nonnull (found);
    found[0] = 'B';
    tampered = g_byte_array_free_to_bytes (copy);
  }
  tampered_answer = verify_pdf (t.ca, tampered, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (tampered_answer, "conclusion"), ==, "INVALID");
  signature = json_array_get_object_element (json_object_get_array_member (tampered_answer, "signatureInformations"), 0);
  g_assert_false (json_object_get_boolean_member (signature, "integrityValid"));

  unsigned_answer = verify_pdf (t.ca, unsigned_pdf, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (unsigned_answer, "conclusion"), ==, "NO_SIGNATURE");
  g_assert_cmpint (json_object_get_int_member (unsigned_answer, "signatureCount"), ==, 0);

  not_pdf = verify_pdf (t.ca, not_a_pdf, NULL, &status);
  assert_error (not_pdf, status, 422, 8501, "pdf_unreadable");
  encrypted = verify_pdf (t.ca, encrypted_pdf, NULL, &status);
  assert_error (encrypted, status, 422, 8502, "pdf_encrypted");
  bad_base64 = teken_test_ca_client_post (t.ca, "/api/v2/verify/pdf", "{\"file\": \"!!not base64!!\"}", &status);
  assert_error (bad_base64, status, 400, 4015, "field_invalid");
  missing = teken_test_ca_client_post (t.ca, "/api/v2/verify/pdf", "{\"password\": null}", &status);
  assert_error (missing, status, 400, 4014, "field_required");
}

/* §7.10 with the seed rules, across a restart of the server. */
static void
test_profile_update (void)
{
  guint status = 0;
  g_autoptr(JsonObject) nothing = call (t.ca, "PATCH", API "/account/profile", "{}", t.siti_access, &status);
  g_autoptr(JsonObject) name = NULL;
  g_autoptr(JsonObject) email = NULL;
  g_autoptr(JsonObject) bad_phone = NULL;
  g_autoptr(JsonObject) phone = NULL;
  g_autoptr(JsonObject) same = NULL;
  g_autoptr(JsonObject) bad_unit = NULL;
  g_autoptr(JsonObject) bad_title = NULL;
  g_autoptr(JsonObject) short_nip = NULL;
  g_autoptr(JsonObject) unknown_nip = NULL;
  g_autoptr(JsonObject) other_nip = NULL;
  g_autoptr(JsonObject) pending = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(JsonObject) renew = NULL;
  g_autoptr(JsonObject) resent = NULL;
  g_autoptr(JsonObject) old_link = NULL;
  g_autoptr(JsonObject) after_restart = NULL;
  g_autoptr(JsonObject) confirmed = NULL;
  g_autoptr(JsonObject) reused = NULL;
  g_autoptr(JsonObject) titles = NULL;
  g_autoptr(JsonObject) cancelled = NULL;
  g_autoptr(JsonObject) cancel_again = NULL;
  g_autoptr(JsonObject) resend_nothing = NULL;
  g_autoptr(JsonObject) after_cancel = NULL;
  g_autofree char *first_token = NULL;
  g_autofree char *token = NULL;
  g_autofree char *confirm = NULL;
  g_autofree char *confirm_old = NULL;
  g_autofree char *log = NULL;
  JsonObject *change;
  JsonObject *pending_update;

  assert_error (nothing, status, 422, 8307, "nothing_to_update");
  /* Group A while the certificate is active: 8301 (seed rule). */
  name = call (t.ca, "PATCH", API "/account/profile", "{\"name\": \"SITI RAHAYU\"}", t.siti_access, &status);
  assert_error (name, status, 409, 8301, "revocation_required");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (details_of (name), "fields"), 0), ==,
                   "name");
  email = call (t.ca, "PATCH", API "/account/profile", "{\"email\": \"siti@pns.kotacontoh.go.id\"}", t.siti_access,
                &status);
  assert_error (email, status, 409, 8301, "revocation_required");
  bad_phone = call (t.ca, "PATCH", API "/account/profile", "{\"phone\": \"12345\"}", t.siti_access, &status);
  assert_error (bad_phone, status, 422, 8127, "phone_invalid");
  bad_unit = call (t.ca, "PATCH", API "/account/profile", "{\"employment\": {\"unit\": \"Dinas; Kesehatan\"}}",
                   t.siti_access, &status);
  assert_error (bad_unit, status, 422, 8128, "employment_field_invalid");
  bad_title = call (t.ca, "PATCH", API "/account/profile", "{\"title_suffix\": \"S.Kom. (2020)\"}", t.siti_access,
                    &status);
  assert_error (bad_title, status, 422, 8129, "title_invalid");
  short_nip = call (t.ca, "PATCH", API "/account/profile", "{\"employment\": {\"nip\": \"12345678901234567\"}}",
                    t.siti_access, &status);
  assert_error (short_nip, status, 400, 4015, "field_invalid");
  unknown_nip = call (t.ca, "PATCH", API "/account/profile", "{\"employment\": {\"nip\": \"199001012015039999\"}}",
                      t.siti_access, &status);
  assert_error (unknown_nip, status, 422, 8109, "nip_not_found");
  other_nip = call (t.ca, "PATCH", API "/account/profile", "{\"employment\": {\"nip\": \"199001012015031001\"}}",
                    t.siti_access, &status);
  assert_error (other_nip, status, 422, 8110, "nip_not_yours");

  /* Group C: at once, no UPDATE. */
  phone = call (t.ca, "PATCH", API "/account/profile", "{\"phone\": \"+62 812-0000-1111\"}", t.siti_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (phone, "phone"), ==, "+6281200001111");
  g_assert_cmpstr (json_object_get_string_member (phone, "verification_status"), ==, "VERIFIED");
  same = call (t.ca, "PATCH", API "/account/profile", "{\"phone\": \"081200001111\"}", t.siti_access, &status);
  assert_error (same, status, 422, 8307, "nothing_to_update");

  /* Group B: UPDATE until confirmed from the mail; no signing meanwhile. */
  pending = call (t.ca, "PATCH", API "/account/profile",
                  "{\"employment\": {\"position\": \"Analis Kebijakan Ahli Muda\"}}", t.siti_access, &status);
  g_assert_cmpuint (status, ==, 202);
  g_assert_cmpstr (json_object_get_string_member (pending, "verification_status"), ==, "UPDATE");
  pending_update = json_object_get_object_member (pending, "pending_update");
  change = json_object_get_object_member (json_object_get_object_member (pending_update, "changes"),
                                          "employment.position");
  g_assert_cmpstr (json_object_get_string_member (change, "from"), ==, "Analis Kebijakan Ahli Pertama");
  g_assert_cmpstr (json_object_get_string_member (change, "to"), ==, "Analis Kebijakan Ahli Muda");
  g_assert_nonnull (json_object_get_string_member (pending_update, "link_expires_at"));
  /* Not changed yet. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (pending, "employment"), "position"),
                   ==, "Analis Kebijakan Ahli Pertama");
  first_token = mail_token (t.ca, siti.email, "confirm_update");

  second = call (t.ca, "PATCH", API "/account/profile", "{\"title_suffix\": \"S.E.\"}", t.siti_access, &status);
  assert_error (second, status, 409, 8302, "update_pending");
  account = call (t.ca, "GET", API "/account", NULL, t.siti_access, &status);
  g_assert_false (json_object_get_boolean_member (account, "can_sign"));
  g_assert_cmpstr (json_object_get_string_member (account, "cannot_sign_reason"), ==, "update_pending");
  assert_sign_error (t.ca, siti.nik, siti.passphrase, 8401);
  renew = call (t.ca, "POST", API "/certificates/current/renew",
                "{\"method\": \"rekey\", \"passphrase\": \"Frasa-Siti4!\", \"holder_agreement_version\": \"2026.1\"}",
                t.siti_access, &status);
  assert_error (renew, status, 409, 8302, "update_pending");

  g_usleep (2500 * 1000);
  resent = call (t.ca, "POST", API "/account/profile/pending/resend", NULL, t.siti_access, &status);
  g_assert_cmpuint (status, ==, 202);
  g_assert_nonnull (json_object_get_string_member (resent, "link_expires_at"));
  token = mail_token (t.ca, siti.email, "confirm_update");
  g_assert_cmpstr (token, !=, first_token);
  confirm_old = g_strdup_printf ("{\"token\": \"%s\"}", first_token);
  old_link = call (t.ca, "POST", API "/account/profile/confirm", confirm_old, NULL, &status);
  assert_error (old_link, status, 404, 8104, "link_invalid");

  /* A restart keeps it all. */
  log = teken_test_ca_stop (t.ca);
  g_string_append (t.log, log);
  teken_test_ca_serve (t.ca);
  after_restart = call (t.ca, "GET", API "/account", NULL, t.siti_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (after_restart, "verification_status"), ==, "UPDATE");
  assert_sign_error (t.ca, siti.nik, siti.passphrase, 8401);

  confirm = g_strdup_printf ("{\"token\": \"%s\"}", token);
  confirmed = call (t.ca, "POST", API "/account/profile/confirm", confirm, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (confirmed, "verification_status"), ==, "VERIFIED");
  g_assert_true (json_object_get_null_member (confirmed, "pending_update"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (confirmed, "employment"), "position"),
                   ==, "Analis Kebijakan Ahli Muda");
  assert_mail (t.ca, siti.email, "update_applied");
  reused = call (t.ca, "POST", API "/account/profile/confirm", confirm, NULL, &status);
  assert_error (reused, status, 410, 8106, "link_used");
  assert_signs (t.ca, siti.nik, siti.passphrase);

  /* Cancelled: back to VERIFIED, nothing applied. */
  titles = call (t.ca, "PATCH", API "/account/profile", "{\"title_prefix\": \"Ir.\", \"title_suffix\": \"M.T.\"}",
                 t.siti_access, &status);
  g_assert_cmpuint (status, ==, 202);
  cancelled = call (t.ca, "DELETE", API "/account/profile/pending", NULL, t.siti_access, &status);
  g_assert_cmpuint (status, ==, 204);
  cancel_again = call (t.ca, "DELETE", API "/account/profile/pending", NULL, t.siti_access, &status);
  assert_error (cancel_again, status, 404, 8004, "not_found");
  resend_nothing = call (t.ca, "POST", API "/account/profile/pending/resend", NULL, t.siti_access, &status);
  assert_error (resend_nothing, status, 404, 8004, "not_found");
  after_cancel = call (t.ca, "GET", API "/account", NULL, t.siti_access, &status);
  g_assert_cmpstr (json_object_get_string_member (after_cancel, "verification_status"), ==, "VERIFIED");
  g_assert_cmpstr (json_object_get_string_member (after_cancel, "title_prefix"), ==, "");
  assert_signs (t.ca, siti.nik, siti.passphrase);
}

static JsonObject *
pending_requests (TekenTestCa *ca,
                  const char  *bearer,
                  const char  *query)
{
  guint status = 0;
  g_autofree char *path = g_strconcat (API "/verifier/requests", query, NULL);
  JsonObject *list = call (ca, "GET", path, NULL, bearer, &status);

  g_assert_cmpuint (status, ==, 200);
  return list;
}

/* Revocation, a name change while revoked, re-issue asked by the holder and
 * decided by the verifier (§7.8, §8). */
static void
test_revoke_and_reissue (void)
{
  guint status = 0;
  g_autofree char *revoke_json = g_strdup_printf ("{\"reason\": \"affiliationChanged\", \"confirmation\": \"CABUT\","
                                                  " \"password\": \"%s\"}", agus.password);
  g_autoptr(JsonObject) too_early = call (t.ca, "PATCH", API "/account/profile", "{\"name\": \"AGUS PRATAMA\"}",
                                          t.agus_access, &status);
  g_autoptr(JsonObject) revoked = NULL;
  g_autoptr(JsonObject) renamed = NULL;
  g_autoptr(JsonObject) confirmed = NULL;
  g_autoptr(JsonObject) no_agreement = NULL;
  g_autoptr(JsonObject) asked = NULL;
  g_autoptr(JsonObject) asked_again = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) other_agency = NULL;
  g_autoptr(JsonObject) no_note = NULL;
  g_autoptr(JsonObject) rejected = NULL;
  g_autoptr(JsonObject) decided_again = NULL;
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(JsonObject) asked_third = NULL;
  g_autoptr(JsonObject) approved = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) page1 = NULL;
  g_autoptr(JsonObject) page2 = NULL;
  g_autoptr(JsonObject) bad_cursor = NULL;
  g_autoptr(JsonObject) bad_limit = NULL;
  g_autofree char *confirm = NULL;
  g_autofree char *request_path = NULL;
  g_autofree char *reject_path = NULL;
  g_autofree char *approve_path = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *mail = NULL;
  g_autofree char *link = NULL;
  g_autofree char *query = NULL;
  g_autofree char *token = NULL;
  JsonObject *checks;

  assert_error (too_early, status, 409, 8301, "revocation_required");
  revoked = call (t.ca, "POST", API "/certificates/current/revoke", revoke_json, t.agus_access, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_mail (t.ca, agus.email, "certificate_revoked");

  /* Group A is allowed once revoked. */
  renamed = call (t.ca, "PATCH", API "/account/profile", "{\"name\": \"AGUS PRATAMA\"}", t.agus_access, &status);
  g_assert_cmpuint (status, ==, 202);
  token = mail_token (t.ca, agus.email, "confirm_update");
  confirm = g_strdup_printf ("{\"token\": \"%s\"}", token);
  confirmed = call (t.ca, "POST", API "/account/profile/confirm", confirm, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (confirmed, "name"), ==, "AGUS PRATAMA");

  /* The e-mail too: listed (8102), unused (8103); the link goes to the new address. */
  {
    g_autofree char *taken_json = g_strdup_printf ("{\"email\": \"%s\"}", budi.email);
    g_autoptr(JsonObject) unlisted = call (t.ca, "PATCH", API "/account/profile", "{\"email\": \"agus@example.com\"}",
                                           t.agus_access, &status);
    g_autoptr(JsonObject) taken = NULL;
    g_autoptr(JsonObject) moved = NULL;
    g_autoptr(JsonObject) applied = NULL;
    g_autofree char *move_token = NULL;
    g_autofree char *move_confirm = NULL;

    assert_error (unlisted, status, 422, 8102, "email_domain_not_allowed");
    g_assert_cmpstr (json_object_get_string_member (details_of (unlisted), "example_domain"), ==,
                     "asn.kotacontoh.go.id");
    taken = call (t.ca, "PATCH", API "/account/profile", taken_json, t.agus_access, &status);
    assert_error (taken, status, 409, 8103, "email_already_registered");
    moved = call (t.ca, "PATCH", API "/account/profile", "{\"email\": \"" AGUS_NEW_EMAIL "\"}", t.agus_access,
                  &status);
    g_assert_cmpuint (status, ==, 202);
    g_assert_nonnull (json_object_get_object_member (json_object_get_object_member (
                        json_object_get_object_member (moved, "pending_update"), "changes"), "email"));
    g_assert_cmpuint (teken_test_ca_count_mail (t.ca, agus.email, "confirm_update"), ==, 1);
    move_token = mail_token (t.ca, AGUS_NEW_EMAIL, "confirm_update");
    move_confirm = g_strdup_printf ("{\"token\": \"%s\"}", move_token);
    applied = call (t.ca, "POST", API "/account/profile/confirm", move_confirm, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (applied, "email"), ==, AGUS_NEW_EMAIL);
    assert_mail (t.ca, AGUS_NEW_EMAIL, "update_applied");
  }

  no_agreement = call (t.ca, "POST", API "/certificates/reissue", "{}", t.agus_access, &status);
  assert_error (no_agreement, status, 422, 8120, "agreement_required");
  asked = call (t.ca, "POST", API "/certificates/reissue", "{\"holder_agreement_version\": \"2026.1\"}",
                t.agus_access, &status);
  g_assert_cmpuint (status, ==, 202);
  g_assert_cmpstr (json_object_get_string_member (asked, "status"), ==, "WAITING_FOR_VERIFICATION");
  request_id = g_strdup (json_object_get_string_member (asked, "request_id"));
  g_assert_true (g_str_has_prefix (request_id, "req_"));
  assert_mail (t.ca, verifier.email, "verifier_request");
  g_assert_cmpuint (teken_test_ca_count_mail (t.ca, sampel_verifier.email, "verifier_request"), ==, 0);
  asked_again = call (t.ca, "POST", API "/certificates/reissue", "{\"holder_agreement_version\": \"2026.1\"}",
                      t.agus_access, &status);
  assert_error (asked_again, status, 409, 8303, "wrong_status");

  /* The verifier sees the data beside the registry's. */
  request_path = g_strconcat (API "/verifier/requests/", request_id, NULL);
  request = call (t.ca, "GET", request_path, NULL, t.verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (request, "kind"), ==, "reissue");
  g_assert_cmpstr (json_object_get_string_member (request, "state"), ==, "pending");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request, "holder"), "name"), ==,
                   "AGUS PRATAMA");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_object_get_object_member (request, "registry"), "population"), "name"), ==,
                   "AGUS PRATAMA CONTOH");
  checks = json_object_get_object_member (request, "checks");
  g_assert_false (json_object_get_boolean_member (checks, "name_match"));
  g_assert_true (json_object_get_boolean_member (checks, "agency_match"));
  g_assert_true (json_object_get_null_member (request, "decision"));
  other_agency = call (t.ca, "GET", request_path, NULL, t.sampel_access, &status);
  assert_error (other_agency, status, 403, 8003, "forbidden");
  {
    g_autofree char *selfie_path = g_strconcat (request_path, "/selfie", NULL);
    g_autoptr(JsonObject) no_selfie = call (t.ca, "GET", selfie_path, NULL, t.verifier_access, &status);
    g_autoptr(JsonObject) no_request = NULL;
    g_autoptr(JsonObject) no_holder = NULL;

    /* A re-issue after a seeded certificate has no selfie. */
    assert_error (no_selfie, status, 404, 8004, "not_found");
    no_request = call (t.ca, "GET", API "/verifier/requests/req_nothing", NULL, t.verifier_access, &status);
    assert_error (no_request, status, 404, 8004, "not_found");
    no_holder = call (t.ca, "GET", API "/verifier/holders/acc_nothing", NULL, t.verifier_access, &status);
    assert_error (no_holder, status, 404, 8004, "not_found");
  }

  reject_path = g_strconcat (request_path, "/reject", NULL);
  no_note = call (t.ca, "POST", reject_path, "{}", t.verifier_access, &status);
  assert_error (no_note, status, 400, 4014, "field_required");
  rejected = call (t.ca, "POST", reject_path, "{\"note\": \"Nama tidak sesuai KTP.\"}", t.verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (rejected, "state"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (rejected, "decision"), "note"), ==,
                   "Nama tidak sesuai KTP.");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (rejected, "decision"), "by"), ==,
                   verifier.email);
  decided_again = call (t.ca, "POST", reject_path, "{\"note\": \"Lagi.\"}", t.verifier_access, &status);
  assert_error (decided_again, status, 409, 8601, "request_already_decided");
  account = call (t.ca, "GET", API "/account", NULL, t.agus_access, &status);
  g_assert_cmpstr (json_object_get_string_member (account, "status"), ==, "REVOKE");
  mail = teken_test_ca_find_mail (t.ca, AGUS_NEW_EMAIL, "verification_rejected", NULL);
  g_assert_nonnull (mail);
  link = mail_header (mail, "X-Teken-Link");
  g_assert_cmpstr (link, ==, "teken://certificate");

  /* Asked again, approved: NEW and a set-passphrase link. */
  asked_third = call (t.ca, "POST", API "/certificates/reissue", "{\"holder_agreement_version\": \"2026.1\"}",
                      t.agus_access, &status);
  g_assert_cmpuint (status, ==, 202);
  second_id = g_strdup (json_object_get_string_member (asked_third, "request_id"));

  /* Pages of one (§2.6), oldest first. */
  page1 = pending_requests (t.ca, t.verifier_access, "?kind=reissue&limit=1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page1, "requests")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (page1, "requests"), 0), "id"), ==, request_id);
  g_assert_nonnull (json_object_get_string_member (page1, "next_cursor"));
  query = g_strdup_printf ("?kind=reissue&limit=1&cursor=%s", json_object_get_string_member (page1, "next_cursor"));
  page2 = pending_requests (t.ca, t.verifier_access, query);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (page2, "requests"), 0), "id"), ==, second_id);
  g_assert_true (json_object_get_null_member (page2, "next_cursor"));
  bad_cursor = call (t.ca, "GET", API "/verifier/requests?cursor=zzz", NULL, t.verifier_access, &status);
  assert_error (bad_cursor, status, 400, 4015, "field_invalid");
  bad_limit = call (t.ca, "GET", API "/verifier/requests?limit=0", NULL, t.verifier_access, &status);
  assert_error (bad_limit, status, 400, 4015, "field_invalid");
  {
    g_autoptr(JsonObject) sampel = pending_requests (t.ca, t.sampel_access, "");

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sampel, "requests")), ==, 0);
  }

  approve_path = g_strconcat (API "/verifier/requests/", second_id, "/approve", NULL);
  approved = call (t.ca, "POST", approve_path, "{}", t.verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (approved, "state"), ==, "approved");
  after = call (t.ca, "GET", API "/account", NULL, t.agus_access, &status);
  g_assert_cmpstr (json_object_get_string_member (after, "status"), ==, "NEW");
  g_free (token);
  token = mail_token (t.ca, AGUS_NEW_EMAIL, "set_passphrase");
  g_assert_nonnull (token);
}

static char *
run_admin_with_input (const char * const *arguments,
                      const char         *input,
                      int                 expected)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  char *output = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("TEKEN_CA_BIN"));
  g_ptr_array_add (argv, "admin");
  g_ptr_array_add (argv, t.ca->data_dir);
  for (gsize i = 0; arguments[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) arguments[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_cmpint (run_tool ((const char * const *) argv->pdata, input, &output), ==, expected);
  return output;
}

static char *
run_admin (const char * const *arguments,
           int                 expected)
{
  return run_admin_with_input (arguments, NULL, expected);
}

/* Suspension (§8, 54–55) over HTTP and from `teken-ca admin`, checked by
 * openssl: OCSP says revoked (certificateHold), then good again. */
static void
test_suspend (void)
{
  guint status = 0;
  g_autofree char *search_json = g_strdup_printf ("{\"nik\": \"%s\"}", dewi.nik);
  g_autoptr(JsonObject) found = call (t.ca, "POST", API "/verifier/holders/search", search_json, t.verifier_access,
                                      &status);
  g_autoptr(JsonObject) not_found = NULL;
  g_autoptr(JsonObject) holder = NULL;
  g_autoptr(JsonObject) suspended = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) unsuspended = NULL;
  g_autoptr(JsonObject) other_agency = NULL;
  g_autoptr(JsonObject) rudi_found = NULL;
  g_autoptr(JsonObject) bad_reason = NULL;
  g_autoptr(JsonObject) revoked = NULL;
  g_autoptr(JsonObject) reissued = NULL;
  g_autoptr(JsonObject) reissued_again = NULL;
  g_autoptr(JsonObject) rudi_action = NULL;
  g_autofree char *holder_path = NULL;
  g_autofree char *action = NULL;
  g_autofree char *output = NULL;
  g_autofree char *serial = current_serial (t.ca, t.dewi_access);
  g_autofree char *entry = g_strdup_printf ("Serial Number: %s", serial);
  g_autofree char *audit_path = g_build_filename (t.ca->data_dir, "audit.log", NULL);
  g_autofree char *audit = NULL;
  g_autofree char *rudi_search = g_strdup_printf ("{\"email\": \"%s\"}", rudi.email);
  g_autofree char *rudi_id = NULL;
  g_autofree char *rudi_path = NULL;
  JsonArray *holders;

  g_assert_cmpuint (status, ==, 200);
  holders = json_object_get_array_member (found, "holders");
  g_assert_cmpuint (json_array_get_length (holders), ==, 1);
  holder_path = g_strconcat (API "/verifier/holders/",
                             json_object_get_string_member (json_array_get_object_element (holders, 0), "id"), NULL);
  not_found = call (t.ca, "POST", API "/verifier/holders/search", search_json, t.sampel_access, &status);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (not_found, "holders")), ==, 0);
  holder = call (t.ca, "GET", holder_path, NULL, t.verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (holder, "nik"), ==, dewi.nik);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (holder, "certificates")), ==, 1);
  other_agency = call (t.ca, "GET", holder_path, NULL, t.sampel_access, &status);
  assert_error (other_agency, status, 403, 8003, "forbidden");

  save_certificates (t.ca, t.dewi_access, "dewi.pem");
  action = g_strconcat (holder_path, "/suspend", NULL);
  suspended = call (t.ca, "POST", action, "{\"note\": \"Cuti di luar tanggungan negara.\"}", t.verifier_access,
                    &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (suspended, "status"), ==, "SUSPEND");
  assert_mail (t.ca, dewi.email, "certificate_suspended");
  output = ocsp (t.ca, "dewi.pem");
  g_assert_nonnull (strstr (output, "dewi.pem: revoked"));
  g_assert_nonnull (strstr (output, "Reason: certificateHold"));
  g_clear_pointer (&output, g_free);
  output = crl_text (t.ca);
  g_assert_nonnull (strstr (output, entry));
  g_assert_nonnull (strstr (output, "Certificate Hold"));
  g_clear_pointer (&output, g_free);
  assert_sign_error (t.ca, dewi.nik, dewi.passphrase, 2021);
  again = call (t.ca, "POST", action, "{}", t.verifier_access, &status);
  assert_error (again, status, 409, 8303, "wrong_status");

  g_free (action);
  action = g_strconcat (holder_path, "/unsuspend", NULL);
  unsuspended = call (t.ca, "POST", action, "{}", t.verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (unsuspended, "status"), ==, "ISSUE");
  assert_mail (t.ca, dewi.email, "certificate_unsuspended");
  output = ocsp (t.ca, "dewi.pem");
  g_assert_nonnull (strstr (output, "dewi.pem: good"));
  g_clear_pointer (&output, g_free);
  output = crl_text (t.ca);
  g_assert_null (strstr (output, entry));
  g_clear_pointer (&output, g_free);
  assert_signs (t.ca, dewi.nik, dewi.passphrase);

  /* The same from the command line, while the server runs: its CRL follows. */
  {
    const char * const show[] = { "holder", dewi.nik, NULL };
    const char * const suspend[] = { "suspend", dewi.email, "--as", verifier.email, "--note", "Lewat admin", NULL };
    const char * const refused[] = { "suspend", dewi.nik, "--as", sampel_verifier.email, NULL };
    const char * const unsuspend[] = { "unsuspend", dewi.nik, NULL };

    output = run_admin (show, 0);
    g_assert_nonnull (strstr (output, "\"status\" : \"ISSUE\""));
    g_clear_pointer (&output, g_free);
    output = run_admin (refused, 1);
    g_clear_pointer (&output, g_free);
    output = run_admin (suspend, 0);
    g_assert_nonnull (strstr (output, "\"status\" : \"SUSPEND\""));
    g_clear_pointer (&output, g_free);
    output = ocsp (t.ca, "dewi.pem");
    g_assert_nonnull (strstr (output, "Reason: certificateHold"));
    g_clear_pointer (&output, g_free);
    output = crl_text (t.ca);
    g_assert_nonnull (strstr (output, entry));
    g_clear_pointer (&output, g_free);
    output = run_admin (unsuspend, 0);
    g_clear_pointer (&output, g_free);
    output = ocsp (t.ca, "dewi.pem");
    g_assert_nonnull (strstr (output, "dewi.pem: good"));
    g_clear_pointer (&output, g_free);
  }

  /* Revoked by the verifier (its own reason), re-issued directly (57). */
  g_free (action);
  action = g_strconcat (holder_path, "/revoke", NULL);
  bad_reason = call (t.ca, "POST", action, "{\"reason\": \"certificateHold\"}", t.verifier_access, &status);
  assert_error (bad_reason, status, 422, 8305, "revocation_reason_invalid");
  revoked = call (t.ca, "POST", action, "{\"reason\": \"privilegeWithdrawn\", \"note\": \"Mutasi.\"}",
                  t.verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (revoked, "status"), ==, "REVOKE");
  output = ocsp (t.ca, "dewi.pem");
  g_assert_nonnull (strstr (output, "dewi.pem: revoked"));
  g_clear_pointer (&output, g_free);
  /* openssl ocsp 3.0 names no reason past 8; its CRL printer does. */
  output = crl_text (t.ca);
  g_assert_nonnull (strstr (output, "Privilege Withdrawn"));
  g_clear_pointer (&output, g_free);
  g_free (action);
  action = g_strconcat (holder_path, "/reissue", NULL);
  reissued = call (t.ca, "POST", action, "{}", t.verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (reissued, "status"), ==, "NEW");
  g_free (mail_token (t.ca, dewi.email, "set_passphrase"));
  reissued_again = call (t.ca, "POST", action, "{}", t.verifier_access, &status);
  assert_error (reissued_again, status, 409, 8303, "wrong_status");

  /* Another agency's holder cannot be touched. */
  rudi_found = call (t.ca, "POST", API "/verifier/holders/search", rudi_search, t.sampel_access, &status);
  rudi_id = g_strdup (json_object_get_string_member (json_array_get_object_element (
                        json_object_get_array_member (rudi_found, "holders"), 0), "id"));
  rudi_path = g_strconcat (API "/verifier/holders/", rudi_id, "/suspend", NULL);
  rudi_action = call (t.ca, "POST", rudi_path, "{}", t.verifier_access, &status);
  assert_error (rudi_action, status, 403, 8003, "forbidden");

  g_assert_true (g_file_get_contents (audit_path, &audit, NULL, NULL));
  g_assert_nonnull (strstr (audit, "\"action\":\"suspend\""));
  g_assert_nonnull (strstr (audit, "\"action\":\"unsuspend\""));
  g_assert_nonnull (strstr (audit, "\"by\":\"teken-ca admin\""));
  g_assert_nonnull (strstr (audit, "\"action\":\"reject\""));
}

/* An ASN who moves agency (§7.10): once revoked, the new e-mail's agency
 * must be the NIP's (8111); as non-ASN the move is possible. */
static void
test_agency_move (void)
{
  guint status = 0;
  g_autofree char *access = login (t.ca, rudi.email, rudi.password, rudi.secret);
  g_autofree char *revoke_json = g_strdup_printf ("{\"reason\": \"affiliationChanged\", \"confirmation\": \"CABUT\","
                                                  " \"password\": \"%s\"}", rudi.password);
  g_autoptr(JsonObject) revoked = call (t.ca, "POST", API "/certificates/current/revoke", revoke_json, access, &status);
  g_autoptr(JsonObject) mismatch = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(JsonObject) moved = NULL;
  JsonObject *changes;

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (revoked, "status"), ==, "REVOKE");
  mismatch = call (t.ca, "PATCH", API "/account/profile", "{\"email\": \"rudi.hartono@pns.kotacontoh.go.id\"}",
                   access, &status);
  assert_error (mismatch, status, 422, 8111, "nip_agency_mismatch");
  g_assert_cmpstr (json_object_get_string_member (details_of (mismatch), "agency"), ==, "Pemerintah Kabupaten Sampel");
  missing = call (t.ca, "PATCH", API "/account/profile",
                  "{\"email\": \"rudi.hartono@pns.kotacontoh.go.id\", \"employment\": {\"kind\": \"non_asn\"}}",
                  access, &status);
  g_assert_cmpuint (status, ==, 202);
  changes = json_object_get_object_member (json_object_get_object_member (missing, "pending_update"), "changes");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (changes, "agency"), "to"), ==,
                   "Pemerintah Kota Contoh");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (changes, "employment.nip"), "to"), ==,
                   rudi.nik);
  moved = call (t.ca, "DELETE", API "/account/profile/pending", NULL, access, &status);
  g_assert_cmpuint (status, ==, 204);
  remember (access);
}

/* `teken-ca admin`: a new verifier (password on standard input), who
 * signs in with a TOTP set-up, and the request list. */
static void
test_admin (void)
{
  const char * const add[] = { "verifier", "add", "citra.verifikator@asn.kotacontoh.go.id", "--name",
                               "CITRA VERIFIKATOR CONTOH", "--agency", "Pemerintah Kota Contoh", NULL };
  const char * const add_elsewhere[] = { "verifier", "add", "dani@asn.kotacontoh.go.id", "--name", "DANI",
                                         "--agency", "Pemerintah Kabupaten Sampel", NULL };
  const char * const requests[] = { "requests", "--state", "approved", NULL };
  const char * const unknown[] = { "request", "req_nothing", NULL };
  const char * const usage[] = { "frobnicate", NULL };
  g_autofree char *output = run_admin_with_input (add, "Verif-Citra6!\n", 0);
  g_autofree char *weak = NULL;
  g_autofree char *elsewhere = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *wrong = NULL;
  g_autoptr(JsonObject) step1 = NULL;
  guint status = 0;

  remember ("Verif-Citra6!");
  g_assert_nonnull (strstr (output, "\"role\" : \"verifier\""));
  step1 = call (t.ca, "POST", API "/auth/login",
                "{\"username\": \"citra.verifikator@asn.kotacontoh.go.id\", \"password\": \"Verif-Citra6!\"}",
                NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (step1, "next"), ==, "totp_setup");
  remember (json_object_get_string_member (step1, "login_token"));
  remember (json_object_get_string_member (json_object_get_object_member (step1, "totp_setup"), "secret"));

  weak = run_admin_with_input (add, "lemah\n", 1);
  elsewhere = run_admin_with_input (add_elsewhere, "Verif-Dani7!\n", 1);
  listed = run_admin (requests, 0);
  g_assert_nonnull (strstr (listed, "\"kind\" : \"reissue\""));
  g_assert_nonnull (strstr (listed, "\"state\" : \"approved\""));
  g_assert_null (strstr (listed, "\"state\" : \"pending\""));
  missing = run_admin (unknown, 1);
  wrong = run_admin (usage, 2);
}

/* §6.3 after a lock-out: the mail, a new password, devices cleared, TOTP
 * set up again, the lock-out lifted. */
static void
test_password_reset (void)
{
  guint status = 0;
  g_autoptr(JsonObject) unknown = call (t.ca, "POST", API "/auth/password/forgot",
                                        "{\"username\": \"nobody@pns.kotacontoh.go.id\"}", NULL, &status);
  g_autoptr(JsonObject) forgot = NULL;
  g_autoptr(JsonObject) forgot_again = NULL;
  g_autoptr(JsonObject) bad_token = NULL;
  g_autoptr(JsonObject) policy = NULL;
  g_autoptr(JsonObject) mismatch = NULL;
  g_autoptr(JsonObject) reset = NULL;
  g_autoptr(JsonObject) reused = NULL;
  g_autoptr(JsonObject) old_session = NULL;
  g_autoptr(JsonObject) old_password = NULL;
  g_autoptr(JsonObject) step1 = NULL;
  g_autoptr(JsonObject) pair = NULL;
  g_autofree char *nina_access = login (t.ca, nina.email, nina.password, nina.secret);
  g_autofree char *forgot_json = g_strdup_printf ("{\"username\": \"%s\"}", nina.nik);
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (status, ==, 202);
  g_assert_cmpuint (json_object_get_size (unknown), ==, 0);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *wrong = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"Salah-Sandi%d!\"}",
                                                nina.email, i);
      g_autoptr(JsonObject) refused = call (t.ca, "POST", API "/auth/login", wrong, NULL, &status);

      g_assert_cmpint (json_object_get_int_member (refused, "status_code"), ==, i < 4 ? 8201 : 8202);
    }
  assert_mail (t.ca, nina.email, "account_locked");

  forgot = call (t.ca, "POST", API "/auth/password/forgot", forgot_json, NULL, &status);
  g_assert_cmpuint (status, ==, 202);
  token = mail_token (t.ca, nina.email, "reset_password");
  forgot_again = call (t.ca, "POST", API "/auth/password/forgot", forgot_json, NULL, &status);
  g_assert_cmpuint (status, ==, 202);
  g_assert_cmpuint (teken_test_ca_count_mail (t.ca, nina.email, "reset_password"), ==, 1);

  bad_token = call (t.ca, "POST", API "/auth/password/reset",
                    "{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"password\": \"Sandi-Baru7!\","
                    " \"password_confirmation\": \"Sandi-Baru7!\"}", NULL, &status);
  assert_error (bad_token, status, 404, 8104, "link_invalid");
  json = g_strdup_printf ("{\"token\": \"%s\", \"password\": \"sandibaru\", \"password_confirmation\": \"sandibaru\"}",
                          token);
  policy = call (t.ca, "POST", API "/auth/password/reset", json, NULL, &status);
  assert_error (policy, status, 422, 8124, "password_policy");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (details_of (policy), "problems")), ==, 3);
  g_free (json);
  json = g_strdup_printf ("{\"token\": \"%s\", \"password\": \"%s\", \"password_confirmation\": \"Sandi-Lain8!\"}",
                          token, NINA_NEW_PASSWORD);
  mismatch = call (t.ca, "POST", API "/auth/password/reset", json, NULL, &status);
  assert_error (mismatch, status, 422, 8123, "confirmation_mismatch");
  g_free (json);
  json = g_strdup_printf ("{\"token\": \"%s\", \"password\": \"%s\", \"password_confirmation\": \"%s\"}",
                          token, NINA_NEW_PASSWORD, NINA_NEW_PASSWORD);
  reset = call (t.ca, "POST", API "/auth/password/reset", json, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  assert_mail (t.ca, nina.email, "password_changed");
  reused = call (t.ca, "POST", API "/auth/password/reset", json, NULL, &status);
  assert_error (reused, status, 410, 8106, "link_used");

  /* Every session ended; the old password is gone. */
  old_session = call (t.ca, "GET", API "/account", NULL, nina_access, &status);
  assert_error (old_session, status, 401, 8002, "session_invalid");
  g_free (json);
  json = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", nina.email, nina.password);
  old_password = call (t.ca, "POST", API "/auth/login", json, NULL, &status);
  assert_error (old_password, status, 401, 8201, "login_failed");

  /* Not locked any more, and TOTP is set up again. */
  g_free (json);
  json = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", nina.email, NINA_NEW_PASSWORD);
  step1 = call (t.ca, "POST", API "/auth/login", json, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (step1, "next"), ==, "totp_setup");
  t.nina_secret = g_strdup (json_object_get_string_member (json_object_get_object_member (step1, "totp_setup"),
                                                           "secret"));
  remember (t.nina_secret);
  remember (json_object_get_string_member (step1, "login_token"));
  code = totp_code (t.nina_secret);
  g_free (json);
  json = g_strdup_printf ("{\"login_token\": \"%s\", \"code\": \"%s\", \"device_name\": \"Ponsel baru\"}",
                          json_object_get_string_member (step1, "login_token"), code);
  pair = call (t.ca, "POST", API "/auth/login/totp", json, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  remember (json_object_get_string_member (pair, "access_token"));
  remember (json_object_get_string_member (pair, "refresh_token"));
  assert_mail (t.ca, nina.email, "device_added");
}

/* §2.9: the fifth wrong passphrase locks the key and mails; the reset
 * (§7.5) makes a new key and certificate and revokes the old one. */
static void
test_key_lock_and_reset (void)
{
  guint status = 0;
  g_autofree char *old_serial = current_serial (t.ca, t.budi_access);
  g_autoptr(JsonObject) change = NULL;
  g_autoptr(JsonObject) requested = NULL;
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) reset_with_password = NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;
  g_autofree char *output = NULL;
  JsonObject *certificate;
  JsonArray *certificates;

  save_certificates (t.ca, t.budi_access, "budi-old.pem");
  for (int i = 1; i <= 5; i++)
    {
      g_autofree char *wrong = g_strdup_printf ("Salah-Frasa%d!", i);

      assert_sign_error (t.ca, budi.nik, wrong, i < 5 ? 2031 : 8402);
    }
  assert_sign_error (t.ca, budi.nik, BUDI_NEW_PASSPHRASE, 8402);
  assert_mail (t.ca, budi.email, "key_locked");
  change = call (t.ca, "POST", API "/certificates/current/passphrase/change-request", NULL, t.budi_access, &status);
  assert_error (change, status, 423, 8402, "key_locked");

  requested = call (t.ca, "POST", API "/certificates/current/passphrase/reset-request", NULL, t.budi_access, &status);
  g_assert_cmpuint (status, ==, 202);
  token = mail_token (t.ca, budi.email, "reset_passphrase");
  json = g_strdup_printf ("{\"token\": \"%s\", \"new_passphrase\": \"%s\", \"new_passphrase_confirmation\": \"%s\","
                          " \"holder_agreement_version\": \"2026.1\"}", token, budi.password, budi.password);
  reset_with_password = call (t.ca, "POST", API "/certificates/passphrase/reset", json, NULL, &status);
  assert_error (reset_with_password, status, 422, 8125, "passphrase_same_as_password");
  g_free (json);
  json = g_strdup_printf ("{\"token\": \"%s\", \"new_passphrase\": \"%s\", \"new_passphrase_confirmation\": \"%s\","
                          " \"holder_agreement_version\": \"2026.1\"}", token, BUDI_RESET_PASSPHRASE,
                          BUDI_RESET_PASSPHRASE);
  issued = call (t.ca, "POST", API "/certificates/passphrase/reset", json, NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (issued, "status"), ==, "ISSUE");
  certificate = json_object_get_object_member (issued, "certificate");
  g_assert_cmpstr (json_object_get_string_member (certificate, "serial"), !=, old_serial);
  g_assert_true (json_object_get_boolean_member (certificate, "current"));
  assert_mail (t.ca, budi.email, "certificate_issued");

  list = call (t.ca, "GET", API "/certificates", NULL, t.budi_access, &status);
  certificates = json_object_get_array_member (list, "certificates");
  g_assert_cmpuint (json_array_get_length (certificates), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (certificates, 1), "status"), ==,
                   "REVOKE");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (certificates, 1),
                                                  "revocation_reason"), ==, "superseded");
  current = call (t.ca, "GET", API "/certificates/current", NULL, t.budi_access, &status);
  g_assert_false (json_object_get_boolean_member (current, "key_locked"));

  output = ocsp (t.ca, "budi-old.pem");
  g_assert_nonnull (strstr (output, "budi-old.pem: revoked"));
  g_assert_nonnull (strstr (output, "Reason: superseded"));
  assert_sign_error (t.ca, budi.nik, BUDI_NEW_PASSPHRASE, 2031);
  assert_signs (t.ca, budi.nik, BUDI_RESET_PASSPHRASE);
}

/* Nothing secret in what the server printed, its audit log or database (§14). */
static void
test_no_secrets_logged (void)
{
  g_autofree char *last = teken_test_ca_stop (t.ca);
  g_autofree char *audit_path = g_build_filename (t.ca->data_dir, "audit.log", NULL);
  g_autofree char *db_path = g_build_filename (t.ca->data_dir, "teken-ca.db", NULL);
  g_autofree char *audit = NULL;
  g_autofree char *db = NULL;
  gsize db_length = 0;
  const char * const fixed[] = {
    budi.password, budi.passphrase, siti.password, siti.passphrase, agus.password, dewi.password, nina.password,
    verifier.password, sampel_verifier.password, BUDI_NEW_PASSPHRASE, BUDI_RESET_PASSPHRASE, NINA_NEW_PASSWORD,
    budi.secret, verifier.secret, "Salah-Frasa1!", "Frasa-Salah9!",
  };

  g_string_append (t.log, last);
  g_assert_true (g_file_get_contents (audit_path, &audit, NULL, NULL));
  g_assert_true (g_file_get_contents (db_path, &db, &db_length, NULL));
  /* It logged, from worker threads too... */
  g_assert_nonnull (strstr (t.log->str, "POST /api/teken/v1/certificates/passphrase/change 204"));
  g_assert_nonnull (strstr (t.log->str, "POST /api/v2/verify/pdf 200"));
  /* ...without a critical warning... */
  g_assert_null (strstr (t.log->str, "CRITICAL"));
  /* ...and no secret. */
  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    {
      g_assert_null (strstr (t.log->str, fixed[i]));
      g_assert_null (strstr (audit, fixed[i]));
      g_assert_null (memmem (db, db_length, fixed[i], strlen (fixed[i])));
    }
  for (guint i = 0; i < t.secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (t.secrets, i);

      g_assert_null (strstr (t.log->str, secret));
      g_assert_null (strstr (audit, secret));
      if (strlen (secret) > 6)
        g_assert_null (memmem (db, db_length, secret, strlen (secret)));
    }
}

/* Links that expire (§12) on the fast server. */
static void
test_expired_link (void)
{
  guint status = 0;
  g_autofree char *access = login (t.fast, siti.email, siti.password, siti.secret);
  g_autoptr(JsonObject) requested = call (t.fast, "POST", API "/certificates/current/passphrase/change-request",
                                          NULL, access, &status);
  g_autoptr(JsonObject) expired = NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;

  g_assert_cmpuint (status, ==, 202);
  g_assert_nonnull (json_object_get_string_member (requested, "expires_at"));
  token = mail_token (t.fast, siti.email, "change_passphrase");
  g_usleep (5 * G_USEC_PER_SEC);
  json = g_strdup_printf ("{\"token\": \"%s\", \"old_passphrase\": \"%s\", \"new_passphrase\": \"Frasa-Baru5!\","
                          " \"new_passphrase_confirmation\": \"Frasa-Baru5!\", \"holder_agreement_version\": \"2026.1\"}",
                          token, siti.passphrase);
  expired = call (t.fast, "POST", API "/certificates/passphrase/change", json, NULL, &status);
  assert_error (expired, status, 410, 8105, "link_expired");
  g_assert_cmpstr (json_object_get_string_member (details_of (expired), "purpose"), ==, "change_passphrase");
  g_assert_nonnull (json_object_get_string_member (details_of (expired), "expired_at"));
  assert_signs (t.fast, siti.nik, siti.passphrase);
}

/* A signing OTP expires with --signing-otp-lifetime. */
static void
test_expired_signing_otp (void)
{
  guint status = 0;
  g_autofree char *access = login (t.fast, agus.email, agus.password, agus.secret);
  g_autofree char *json = g_strdup_printf ("{\"enabled\": true, \"passphrase\": \"%s\"}", agus.passphrase);
  g_autofree char *get_json = g_strdup_printf ("{\"email\": \"%s\", \"data\": 1}", agus.email);
  g_autoptr(JsonObject) enabled = call (t.fast, "PUT", API "/certificates/current/signing-otp", json, access, &status);
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(JsonObject) expired = NULL;
  g_autofree char *mail = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_get_boolean_member (enabled, "signing_otp_enabled"));
  sent = teken_test_ca_client_post (t.fast, "/api/v2/sign/get/totp", get_json, &status);
  g_assert_cmpuint (status, ==, 200);
  mail = teken_test_ca_find_mail (t.fast, agus.email, "signing_otp", NULL);
  code = mail_header (mail, "X-Teken-Code");
  remember (code);
  g_usleep (4 * G_USEC_PER_SEC);
  expired = sign_hash (t.fast, agus.nik, NULL, code, 1, &status);
  assert_error (expired, status, 400, 8403, "signing_otp_invalid");
}

static JsonObject *
renew (TekenTestCa *ca,
       const char  *bearer,
       const char  *method,
       const char  *passphrase,
       guint       *status)
{
  g_autofree char *json = passphrase != NULL
                          ? g_strdup_printf ("{\"method\": \"%s\", \"passphrase\": \"%s\","
                                             " \"holder_agreement_version\": \"2026.1\"}", method, passphrase)
                          : g_strdup_printf ("{\"method\": \"%s\", \"holder_agreement_version\": \"2026.1\"}", method);

  return call (ca, "POST", API "/certificates/current/renew", json, bearer, status);
}

/* §7.7 and the expiry sweep on the fast server: a certificate valid for
 * twelve seconds, renewable in its last six. */
static void
test_expiry_and_renewal (void)
{
  guint status = 0;
  g_autofree char *access = login (t.fast, budi.email, budi.password, budi.secret);
  g_autofree char *verifier_access = login (t.fast, verifier.email, verifier.password, verifier.secret);
  g_autoptr(JsonObject) requested = call (t.fast, "POST", API "/certificates/current/passphrase/reset-request", NULL,
                                          access, &status);
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(JsonObject) early = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(JsonObject) rekeyed = NULL;
  g_autoptr(JsonObject) expired_account = NULL;
  g_autoptr(JsonObject) check = NULL;
  g_autoptr(JsonObject) rekey_expired = NULL;
  g_autoptr(JsonObject) asked = NULL;
  g_autoptr(JsonObject) rejected = NULL;
  g_autoptr(JsonObject) after_reject = NULL;
  g_autoptr(JsonObject) asked_again = NULL;
  g_autoptr(JsonObject) approved = NULL;
  g_autoptr(JsonObject) after_approve = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autofree char *token = mail_token (t.fast, budi.email, "reset_passphrase");
  g_autofree char *json = g_strdup_printf ("{\"token\": \"%s\", \"new_passphrase\": \"%s\","
                                           " \"new_passphrase_confirmation\": \"%s\","
                                           " \"holder_agreement_version\": \"2026.1\"}",
                                           token, BUDI_RESET_PASSPHRASE, BUDI_RESET_PASSPHRASE);
  g_autofree char *path = NULL;
  g_autofree char *request_id = NULL;
  gint64 issued_at;

  g_assert_cmpuint (status, ==, 202);
  g_assert_nonnull (json_object_get_string_member (requested, "expires_at"));
  issued = call (t.fast, "POST", API "/certificates/passphrase/reset", json, NULL, &status);
  g_assert_cmpuint (status, ==, 201);
  issued_at = g_get_real_time () / G_USEC_PER_SEC;

  early = renew (t.fast, access, "rekey", BUDI_RESET_PASSPHRASE, &status);
  assert_error (early, status, 409, 8306, "renewal_too_early");
  g_assert_nonnull (json_object_get_string_member (details_of (early), "renewable_from"));

  /* Inside the window: the sweep mails once, and rekey is offered. */
  g_usleep (MAX (0, issued_at + 8 - g_get_real_time () / G_USEC_PER_SEC) * G_USEC_PER_SEC);
  g_assert_cmpuint (teken_test_ca_count_mail (t.fast, budi.email, "certificate_expiring"), ==, 1);
  details = call (t.fast, "GET", API "/certificates/current", NULL, access, &status);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                     json_object_get_object_member (details, "renewal"), "methods"), 0), ==, "rekey");
  rekeyed = renew (t.fast, access, "rekey", BUDI_RESET_PASSPHRASE, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (rekeyed, "status"), ==, "ISSUE");
  assert_signs (t.fast, budi.nik, BUDI_RESET_PASSPHRASE);

  /* Past not_after: EXPIRED, the mail, no signing, renewal through the verifier. */
  g_usleep (14 * G_USEC_PER_SEC);
  expired_account = call (t.fast, "GET", API "/account", NULL, access, &status);
  g_assert_cmpstr (json_object_get_string_member (expired_account, "status"), ==, "EXPIRED");
  check = teken_test_ca_client_post (t.fast, "/api/v2/user/check/status", "{\"nik\": \"9971010101900001\"}", &status);
  g_assert_cmpstr (json_object_get_string_member (check, "status"), ==, "EXPIRED");
  assert_mail (t.fast, budi.email, "certificate_expired");
  assert_sign_error (t.fast, budi.nik, BUDI_RESET_PASSPHRASE, 2021);
  rekey_expired = renew (t.fast, access, "rekey", BUDI_RESET_PASSPHRASE, &status);
  assert_error (rekey_expired, status, 409, 8303, "wrong_status");

  asked = renew (t.fast, access, "verifier", NULL, &status);
  g_assert_cmpuint (status, ==, 202);
  g_assert_cmpstr (json_object_get_string_member (asked, "status"), ==, "RENEW");
  request_id = g_strdup (json_object_get_string_member (asked, "request_id"));
  path = g_strconcat (API "/verifier/requests/", request_id, NULL);
  request = call (t.fast, "GET", path, NULL, verifier_access, &status);
  g_assert_cmpstr (json_object_get_string_member (request, "kind"), ==, "renewal");
  g_free (path);
  path = g_strconcat (API "/verifier/requests/", request_id, "/reject", NULL);
  rejected = call (t.fast, "POST", path, "{\"note\": \"Lengkapi SK terbaru.\"}", verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  after_reject = call (t.fast, "GET", API "/account", NULL, access, &status);
  g_assert_cmpstr (json_object_get_string_member (after_reject, "status"), ==, "EXPIRED");

  asked_again = renew (t.fast, access, "verifier", NULL, &status);
  g_assert_cmpuint (status, ==, 202);
  g_free (request_id);
  request_id = g_strdup (json_object_get_string_member (asked_again, "request_id"));
  g_free (path);
  path = g_strconcat (API "/verifier/requests/", request_id, "/approve", NULL);
  approved = call (t.fast, "POST", path, "{\"note\": \"Sesuai.\"}", verifier_access, &status);
  g_assert_cmpuint (status, ==, 200);
  after_approve = call (t.fast, "GET", API "/account", NULL, access, &status);
  g_assert_cmpstr (json_object_get_string_member (after_approve, "status"), ==, "NEW");
  g_free (mail_token (t.fast, budi.email, "set_passphrase"));
}

int
main (int    argc,
      char **argv)
{
  const char * const fast_args[] = { "--link-lifetime", "3", "--cert-validity", "12", "--renewal-window", "6",
                                     "--sweep-interval", "1", "--signing-otp-lifetime", "2",
                                     "--resend-interval", "1", NULL };
  const char * const default_args[] = { "--resend-interval", "2", NULL };
  int result;

  g_test_init (&argc, &argv, NULL);
  t.secrets = g_ptr_array_new_with_free_func (g_free);
  t.log = g_string_new (NULL);
  t.last_steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t.seed = write_seed (NULL);
  t.ca = teken_test_ca_new (t.seed, default_args);
  t.fast = teken_test_ca_new (t.seed, fast_args);

  g_test_add_func ("/ca-lifecycle/seeded-people", test_seeded_people);
  g_test_add_func ("/ca-lifecycle/scopes", test_scopes);
  g_test_add_func ("/ca-lifecycle/certificates", test_certificates);
  g_test_add_func ("/ca-lifecycle/devices", test_devices);
  g_test_add_func ("/ca-lifecycle/passphrase-change", test_passphrase_change);
  g_test_add_func ("/ca-lifecycle/signing-otp", test_signing_otp);
  g_test_add_func ("/ca-lifecycle/verify-pdf", test_verify_pdf);
  g_test_add_func ("/ca-lifecycle/profile-update", test_profile_update);
  g_test_add_func ("/ca-lifecycle/revoke-and-reissue", test_revoke_and_reissue);
  g_test_add_func ("/ca-lifecycle/suspend", test_suspend);
  g_test_add_func ("/ca-lifecycle/agency-move", test_agency_move);
  g_test_add_func ("/ca-lifecycle/admin", test_admin);
  g_test_add_func ("/ca-lifecycle/password-reset", test_password_reset);
  g_test_add_func ("/ca-lifecycle/key-lock-and-reset", test_key_lock_and_reset);
  g_test_add_func ("/ca-lifecycle/no-secrets-logged", test_no_secrets_logged);
  g_test_add_func ("/ca-lifecycle/expired-link", test_expired_link);
  g_test_add_func ("/ca-lifecycle/expired-signing-otp", test_expired_signing_otp);
  g_test_add_func ("/ca-lifecycle/expiry-and-renewal", test_expiry_and_renewal);

  result = g_test_run ();

  g_clear_pointer (&t.ca, teken_test_ca_free);
  g_clear_pointer (&t.fast, teken_test_ca_free);
  {
    g_autofree char *dir = g_path_get_dirname (t.seed);
    g_autofree char *holders = g_build_filename (dir, "holders.csv", NULL);
    g_autofree char *verifiers = g_build_filename (dir, "verifiers.csv", NULL);

    g_unlink (holders);
    g_unlink (verifiers);
    g_unlink (t.seed);
    g_rmdir (dir);
  }
  g_free (t.seed);
  g_free (t.budi_access);
  g_free (t.siti_access);
  g_free (t.agus_access);
  g_free (t.dewi_access);
  g_free (t.verifier_access);
  g_free (t.sampel_access);
  g_free (t.nina_secret);
  g_clear_pointer (&t.secrets, g_ptr_array_unref);
  g_clear_pointer (&t.last_steps, g_hash_table_unref);
  g_string_free (t.log, TRUE);
  return result;
}
