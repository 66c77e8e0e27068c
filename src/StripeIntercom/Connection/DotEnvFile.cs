using System;
using System.Collections.Generic;
using System.IO;

namespace StripeIntercom.Connection
{
    /// <summary>Reads KEY=VALUE lines of a .env file: blank lines and # comments skipped, optional quotes and "export " removed.</summary>
    public static class DotEnvFile
    {
        public static IReadOnlyDictionary<string, string> Read(string path)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var lineNumber = 0;
            foreach (var rawLine in File.ReadAllLines(path))
            {
                lineNumber++;
                var line = rawLine.Trim();
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
                {
                    continue;
                }

                if (line.StartsWith("export ", StringComparison.Ordinal))
                {
                    line = line.Substring("export ".Length).TrimStart();
                }

                var equals = line.IndexOf('=');
                if (equals <= 0)
                {
                    // Never echo the line: it may hold a secret.
                    throw new FormatException($"Line {lineNumber} of the .env file '{path}' is not of the form NAME=VALUE.");
                }

                var name = line.Substring(0, equals).Trim();
                var value = line.Substring(equals + 1).Trim();
                if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[value.Length - 1] == value[0])
                {
                    value = value.Substring(1, value.Length - 2);
                }

                values[name] = value;
            }

            return values;
        }
    }
}
