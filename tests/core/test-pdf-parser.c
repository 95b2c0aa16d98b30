/* test-pdf-parser.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "teken-pdf-parser.h"

static TekenPdfObject *
parse (const char  *text,
       GError     **error)
{
  TekenPdfParser parser;

  teken_pdf_parser_init (&parser, (const guint8 *) text, strlen (text), 0);

  return teken_pdf_parser_read_object (&parser, error);
}

/* Parses @text followed by a keyword, as objects are in a file: a number
 * at the very end of the bytes could still turn out to be a reference. */
static TekenPdfObject *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *in_context = g_strconcat (text, "\nendobj", NULL);
  TekenPdfObject *object = parse (in_context, &error);

  g_assert_no_error (error);
  g_assert_nonnull (object);

  return object;
}

static void
test_numbers (void)
{
  g_autoptr(TekenPdfObject) a = parse_ok ("42 ");
  g_autoptr(TekenPdfObject) b = parse_ok ("-17 ");
  g_autoptr(TekenPdfObject) c = parse_ok ("3.25 ");
  g_autoptr(TekenPdfObject) d = parse_ok ("-.5 ");
  g_autoptr(TekenPdfObject) e = parse_ok ("99999999999999999999 ");
  double value;

  g_assert_cmpint (teken_pdf_object_get_integer (a), ==, 42);
  g_assert_cmpint (teken_pdf_object_get_integer (b), ==, -17);
  g_assert_true (teken_pdf_object_is (c, TEKEN_PDF_REAL));
  g_assert_true (teken_pdf_object_get_number (c, &value));
  g_assert_cmpfloat (value, ==, 3.25);
  g_assert_true (teken_pdf_object_get_number (d, &value));
  g_assert_cmpfloat (value, ==, -0.5);
  /* Too large for an integer: read as a real, not wrapped around. */
  g_assert_true (teken_pdf_object_is (e, TEKEN_PDF_REAL));
  g_assert_true (teken_pdf_object_get_number (e, &value));
  g_assert_cmpfloat (value, >, 9e19);
}

static void
test_strings (void)
{
  g_autoptr(TekenPdfObject) nested = parse_ok ("(a(b)c)");
  g_autoptr(TekenPdfObject) escapes = parse_ok ("(\\n\\101\\(\\\\\\\nx\\q)");
  g_autoptr(TekenPdfObject) hex = parse_ok ("<48 65 6C6c6F>");
  g_autoptr(TekenPdfObject) odd = parse_ok ("<414>");
  gsize length;
  const guint8 *data;

  g_assert_cmpstr ((const char *) teken_pdf_object_get_string (nested, NULL), ==, "a(b)c");
  g_assert_cmpstr ((const char *) teken_pdf_object_get_string (escapes, NULL), ==, "\nA(\\xq");
  g_assert_cmpstr ((const char *) teken_pdf_object_get_string (hex, NULL), ==, "Hello");
  g_assert_true (teken_pdf_object_is_hex_string (hex));
  data = teken_pdf_object_get_string (odd, &length);
  g_assert_cmpuint (length, ==, 2);
  g_assert_cmpint (data[0], ==, 0x41);
  g_assert_cmpint (data[1], ==, 0x40);
}

static void
test_names_and_containers (void)
{
  g_autoptr(TekenPdfObject) name = parse_ok ("/A#20B ");
  g_autoptr(TekenPdfObject) array = parse_ok ("[1 0 R 2 3 /N true null]");
  g_autoptr(TekenPdfObject) dict = parse_ok ("<</Type/Page/Gone null/Kids[4 0 R]>>");
  guint32 number;
  guint16 generation;

  g_assert_cmpstr (teken_pdf_object_get_name (name), ==, "A B");

  g_assert_cmpuint (teken_pdf_array_get_length (array), ==, 6);
  g_assert_true (teken_pdf_object_is (teken_pdf_array_get (array, 0), TEKEN_PDF_REFERENCE));
  teken_pdf_reference_get (teken_pdf_array_get (array, 0), &number, &generation);
  g_assert_cmpuint (number, ==, 1);
  g_assert_cmpuint (generation, ==, 0);
  g_assert_cmpint (teken_pdf_object_get_integer (teken_pdf_array_get (array, 1)), ==, 2);
  g_assert_cmpint (teken_pdf_object_get_integer (teken_pdf_array_get (array, 2)), ==, 3);
  g_assert_true (teken_pdf_object_get_boolean (teken_pdf_array_get (array, 4)));

  g_assert_true (teken_pdf_object_has_name (teken_pdf_dict_get (dict, "Type"), "Page"));
  /* A null value is an absent entry. */
  g_assert_null (teken_pdf_dict_get (dict, "Gone"));
  g_assert_cmpuint (teken_pdf_dict_get_size (dict), ==, 2);
}

static void
test_spans (void)
{
  const char *text = "<</Contents <00FF> /ByteRange [0 1 2 3]>>";
  g_autoptr(TekenPdfObject) dict = parse_ok (text);
  TekenPdfObject *contents = teken_pdf_dict_get (dict, "Contents");

  /* The verifier relies on knowing exactly where /Contents is. */
  g_assert_cmpint (teken_pdf_object_get_start (contents), ==, strstr (text, "<00FF>") - text);
  g_assert_cmpint (teken_pdf_object_get_end (contents), ==, strstr (text, "<00FF>") - text + 6);
}

static void
test_truncated_and_damaged (void)
{
  const char *truncated[] = { "<< /A (abc", "[1 2", "(abc", "<4142", "<</A 1" };
  const char *damaged[] = { "<< 1 2 >>", "<4G>", "]", "endobj " };
  g_autoptr(GString) deep = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (truncated); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (parse (truncated[i], &error));
      g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TRUNCATED);
    }

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (parse (damaged[i], &error));
      g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED);
    }

  /* Nesting is bounded, even when the input is complete. */
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, ']');
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (parse (deep->str, &error));
    g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED);
  }
}

static void
test_indirect_stream (void)
{
  const char *text = "12 0 obj\n<</Length 5>>\nstream\r\nhello\nendstream\nendobj\n";
  TekenPdfParser parser;
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenPdfObject) stream = NULL;
  guint32 number;
  guint16 generation;

  teken_pdf_parser_init (&parser, (const guint8 *) text, strlen (text), 1000);
  stream = teken_pdf_parser_read_indirect (&parser, &number, &generation, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, 12);
  g_assert_true (teken_pdf_object_is (stream, TEKEN_PDF_STREAM));
  g_assert_cmpuint (teken_pdf_stream_get_length (stream), ==, 5);
  g_assert_cmpint (teken_pdf_stream_get_data_offset (stream), ==, 1000 + strstr (text, "hello") - text);
}

static void
test_write_round_trip (void)
{
  const char *text = "<</Type /Sig /Name (a\\(b\\)\\\\c) /Bin <00FF10> /N /A#20B /Arr [1 -2.5 3 0 R true null] /D <</X 0.125>>>>";
  g_autoptr(TekenPdfObject) first = parse_ok (text);
  g_autofree char *written = teken_pdf_object_to_string (first);
  g_autoptr(TekenPdfObject) second = parse_ok (written);
  g_autofree char *rewritten = teken_pdf_object_to_string (second);

  g_assert_cmpstr (written, ==, rewritten);
  g_assert_nonnull (strstr (written, "/N /A#20B"));
  g_assert_nonnull (strstr (written, "<00FF10>"));
  g_assert_nonnull (strstr (written, "-2.5"));
  g_assert_nonnull (strstr (written, "0.125"));
}

static void
test_text_strings (void)
{
  g_autoptr(TekenPdfObject) ascii = teken_pdf_string_new_text ("Jakarta");
  g_autoptr(TekenPdfObject) unicode = teken_pdf_string_new_text ("Bénédicte");
  gsize length;
  const guint8 *data = teken_pdf_object_get_string (unicode, &length);

  g_assert_cmpstr ((const char *) teken_pdf_object_get_string (ascii, NULL), ==, "Jakarta");
  /* UTF-16BE with a byte order mark (7.9.2.2). */
  g_assert_cmpuint (length, ==, 2 + 2 * 9);
  g_assert_cmpint (data[0], ==, 0xfe);
  g_assert_cmpint (data[1], ==, 0xff);
  g_assert_cmpint (data[4], ==, 0x00);
  g_assert_cmpint (data[5], ==, 0xe9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/pdf-parser/numbers", test_numbers);
  g_test_add_func ("/pdf-parser/strings", test_strings);
  g_test_add_func ("/pdf-parser/names-and-containers", test_names_and_containers);
  g_test_add_func ("/pdf-parser/spans", test_spans);
  g_test_add_func ("/pdf-parser/truncated-and-damaged", test_truncated_and_damaged);
  g_test_add_func ("/pdf-parser/indirect-stream", test_indirect_stream);
  g_test_add_func ("/pdf-parser/write-round-trip", test_write_round_trip);
  g_test_add_func ("/pdf-parser/text-strings", test_text_strings);

  return g_test_run ();
}
