using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace StripeIntercom.Connection;

/// <summary>
/// Reads a .env file the way the common dotenv tools do (python-dotenv, dotenv for Node, Docker Compose):
/// <list type="bullet">
/// <item>blank lines and lines starting with # are skipped; an optional "export " prefix is dropped;</item>
/// <item>NAME=VALUE, spaces around the = allowed; names are letters, digits, _ . and -, not starting with a
/// digit;</item>
/// <item>unquoted values are trimmed, and " #" (whitespace then #) starts a comment; a # inside a word is kept;</item>
/// <item>'single quoted' values are literal; "double quoted" values expand \n \r \t \" and \\; both may hold #
/// and span lines; only whitespace or a # comment may follow the closing quote;</item>
/// <item>no ${VARIABLE} expansion; a later line overrides an earlier one.</item>
/// </list>
/// A line that is none of these is rejected by number; the error never repeats any of its text, which may
/// be a secret.
/// </summary>
public static class DotEnvFile
{
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        return Parse(File.ReadAllText(path), path);
    }

    /// <param name="source">How errors name the file.</param>
    public static IReadOnlyDictionary<string, string> Parse(string text, string source)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            var line = lines[index].Trim();
            if (index == 0 && line.Length > 0 && line[0] == '\uFEFF')
            {
                line = line.Substring(1).TrimStart();
            }

            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal)
                || line.StartsWith("export\t", StringComparison.Ordinal))
            {
                line = line.Substring("export".Length).TrimStart();
            }

            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                throw Rejected(source, lineNumber, "is not of the form NAME=VALUE");
            }

            var name = line.Substring(0, equals).TrimEnd();
            if (!IsValidName(name))
            {
                throw Rejected(source, lineNumber,
                    "does not start with a valid variable name (letters, digits, _ . -)");
            }

            var raw = line.Substring(equals + 1);
            var rest = raw.TrimStart();
            string value;
            if (rest.Length > 0 && (rest[0] == '"' || rest[0] == '\''))
            {
                value = ReadQuoted(rest, lines, ref index, source, lineNumber);
            }
            else
            {
                // Untrimmed, so "NAME= # note" is an empty value with a comment, while "NAME=#x" is the value "#x".
                value = StripInlineComment(raw).Trim();
            }

            values[name] = value;
        }

        return values;
    }

    private static string ReadQuoted(string rest, string[] lines, ref int index, string source, int startLine)
    {
        var quote = rest[0];
        var builder = new StringBuilder();
        var current = rest;
        var position = 1;
        while (true)
        {
            while (position < current.Length)
            {
                var c = current[position];
                if (quote == '"' && c == '\\' && position + 1 < current.Length)
                {
                    var next = current[position + 1];
                    switch (next)
                    {
                        case 'n': builder.Append('\n'); break;
                        case 'r': builder.Append('\r'); break;
                        case 't': builder.Append('\t'); break;
                        case '"': builder.Append('"'); break;
                        case '\\': builder.Append('\\'); break;
                        default: builder.Append('\\').Append(next); break;
                    }

                    position += 2;
                    continue;
                }

                if (c == quote)
                {
                    var after = current.Substring(position + 1).Trim();
                    if (after.Length > 0 && after[0] != '#')
                    {
                        throw Rejected(source, index + 1, "has text after its closing quote");
                    }

                    return builder.ToString();
                }

                builder.Append(c);
                position++;
            }

            // The value goes on on the next line (dotenv's multi-line quoted values).
            index++;
            if (index >= lines.Length)
            {
                throw Rejected(source, startLine, "opens a quote that is never closed");
            }

            builder.Append('\n');
            current = lines[index];
            position = 0;
        }
    }

    private static string StripInlineComment(string value)
    {
        for (var i = 1; i < value.Length; i++)
        {
            if (value[i] == '#' && char.IsWhiteSpace(value[i - 1]))
            {
                return value.Substring(0, i);
            }
        }

        return value;
    }

    private static bool IsValidName(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            var ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                || c == '-';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // Never echo the line: it may hold a secret.
    private static FormatException Rejected(string source, int lineNumber, string problem) =>
        new FormatException(
            $"Line {lineNumber} of the .env file '{source}' {problem}; its content is not shown because it may hold " +
            "a secret.");
}
