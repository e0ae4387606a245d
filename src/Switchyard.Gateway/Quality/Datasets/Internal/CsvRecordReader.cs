using System.Text;

namespace Switchyard.Gateway.Quality.Datasets.Internal;

/// <summary>
/// Reads CSV as RFC 4180 describes it: fields separated by commas, records by CRLF or LF; a field in double quotes may hold
/// commas, line breaks and doubled quotes (<c>""</c>). A UTF-8 byte order mark is dropped by the <see cref="TextReader"/>
/// that <see cref="File.OpenText"/> gives. Records are numbered by the line they start on, so errors point at the row a
/// spreadsheet shows.
/// </summary>
internal static class CsvRecordReader
{
    public static IEnumerable<CsvRecord> Read(TextReader reader)
    {
        var line = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        var start = 1;
        var quoted = false;
        var afterQuote = false;
        string? error = null;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    afterQuote = false;
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\r' or '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    if (!(fields.Count == 1 && fields[0].Length == 0 && !afterQuote))
                    {
                        yield return new CsvRecord(start, fields, error);
                        fields = [];
                    }
                    else
                    {
                        fields.Clear();
                    }

                    line++;
                    start = line;
                    afterQuote = false;
                    error = null;
                    break;
                case '"' when field.Length == 0 && !afterQuote:
                    quoted = true;
                    break;
                default:
                    if (afterQuote)
                    {
                        error ??= $"text after a closing quote ('{ch}'); a field in double quotes must end at a comma or the line's end, and a quote inside it is written twice (\"\")";
                    }
                    else if (ch == '"')
                    {
                        error ??= "a quote inside a field that does not start with one; put the whole field in double quotes and write the quote twice (\"\")";
                    }

                    field.Append(ch);
                    break;
            }
        }

        if (quoted)
        {
            fields.Add(field.ToString());
            yield return new CsvRecord(start, fields, "a quoted field is not closed before the end of the file; close it with a double quote (and write a quote inside it twice, \"\")");
        }
        else if (field.Length > 0 || fields.Count > 0 || afterQuote)
        {
            fields.Add(field.ToString());
            yield return new CsvRecord(start, fields, error);
        }
    }
}
