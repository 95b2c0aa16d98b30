/* teken-ca-server-pki.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The certificate chain by NIK (docs/api.md §7.2) and the PKI services of
 * §10: CA certificates, CRLs, OCSP and the RFC 3161 timestamp authority. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "teken-holder-rules.h"
#include "teken-ca-auth.h"
#include "teken-ca-server-private.h"
#include "teken-cms.h"
#include "teken-key-wrap.h"
#include "teken-totp.h"
#include "teken-x509-private.h"

static void
add_base64_certificate (JsonBuilder *builder,
                        X509        *cert)
{
  g_autofree guint8 *der = NULL;
  g_autofree char *encoded = NULL;
  int length = i2d_X509 (cert, &der);

  encoded = g_base64_encode (der, MAX (length, 0));
  json_builder_add_string_value (builder, encoded);
}

/* docs/api.md §7.2: the current certificate and its chain, base64 DER. */
void
teken_ca_handle_chain (Request    *request,
                       JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));
  const char *nik = path + strlen (CHAIN_PREFIX);
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(X509) x509 = NULL;
  STACK_OF (X509) *chain = teken_ca_authority_get_chain (self->authority);
  const guint8 *p;

  if (!teken_nik_is_valid (nik))
    {
      teken_ca_respond_field_error (request, 4015, "nik", "16 digits");
      return;
    }
  account = teken_ca_store_find_account_by_nik (self->store, nik);
  if (!teken_ca_acts_for (request, account))
    return;
  if (account == NULL)
    {
      teken_ca_respond_error (request, 2011, NULL);
      return;
    }
  cert = teken_ca_store_get_certificate (self->store, account->current_certificate);
  if (cert == NULL)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "status", teken_ca_derive_status (self, account, NULL));
      teken_ca_respond_error (request, 2021, details);
      return;
    }

  p = g_bytes_get_data (cert->der, NULL);
  x509 = d2i_X509 (NULL, &p, (long) g_bytes_get_size (cert->der));
  if (x509 == NULL)
    {
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  add_base64_certificate (b, x509);
  for (int i = 0; i < sk_X509_num (chain); i++)
    add_base64_certificate (b, sk_X509_value (chain, i));
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

void
teken_ca_handle_pki_ca (Request    *request,
                        JsonObject *body)
{
  STACK_OF (X509) *chain = teken_ca_authority_get_chain (request->server->authority);
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  g_autoptr(GBytes) bytes = NULL;
  char *data = NULL;
  long length;

  for (int i = 0; i < sk_X509_num (chain); i++)
    PEM_write_bio_X509 (bio, sk_X509_value (chain, i));
  length = BIO_get_mem_data (bio, &data);
  bytes = g_bytes_new (data, length);
  teken_ca_respond_bytes (request, "application/pem-certificate-chain", bytes);
}

void
teken_ca_handle_pki_root (Request    *request,
                          JsonObject *body)
{
  teken_ca_respond_certificate (request, teken_ca_authority_get_root (request->server->authority));
}

void
teken_ca_handle_pki_issuing (Request    *request,
                             JsonObject *body)
{
  teken_ca_respond_certificate (request, teken_ca_authority_get_issuing (request->server->authority));
}

static void
respond_crl (Request  *request,
             gboolean  root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) crl = teken_ca_authority_get_crl (request->server->authority, root, &error);

  if (crl == NULL)
    {
      g_warning ("%s", error->message);
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  teken_ca_respond_bytes (request, "application/pkix-crl", crl);
}

void
teken_ca_handle_pki_crl (Request    *request,
                         JsonObject *body)
{
  respond_crl (request, FALSE);
}

void
teken_ca_handle_pki_root_crl (Request    *request,
                              JsonObject *body)
{
  respond_crl (request, TRUE);
}

GBytes *
teken_ca_request_body (Request *request)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);

  return soup_message_body_flatten (body);
}

void
teken_ca_handle_pki_ocsp (Request    *request,
                          JsonObject *body)
{
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) response = NULL;

  if (g_str_equal (soup_server_message_get_method (request->msg), "GET"))
    {
      /* RFC 6960 A.1: the URL-encoded base64 of the DER request. */
      const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));
      g_autofree char *unescaped = g_uri_unescape_string (path + strlen ("/pki/ocsp/"), NULL);
      guint8 *decoded = NULL;
      gsize length = 0;

      if (unescaped != NULL)
        decoded = g_base64_decode (unescaped, &length);
      der = g_bytes_new_take (decoded, length);
    }
  else
    der = teken_ca_request_body (request);

  response = teken_ca_authority_answer_ocsp (request->server->authority, der);
  if (response == NULL)
    {
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  teken_ca_respond_bytes (request, "application/ocsp-response", response);
}

void
teken_ca_handle_pki_tsa (Request    *request,
                         JsonObject *body)
{
  g_autoptr(GBytes) query = teken_ca_request_body (request);
  g_autoptr(GBytes) reply = teken_ca_authority_answer_timestamp (request->server->authority, query);

  if (reply == NULL)
    {
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  teken_ca_respond_bytes (request, "application/timestamp-reply", reply);
}
