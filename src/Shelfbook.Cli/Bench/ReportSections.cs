using System.Text.RegularExpressions;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// The sections of docs/benchmarks.md that other commands write between markers (<c>&lt;!-- crash Sqlite --&gt;</c> …
/// <c>&lt;!-- /crash Sqlite --&gt;</c>, likewise <c>double11</c>): a later run of the same kind on the same database
/// replaces its own section, and <c>bench --report</c>, which rewrites the rest of the file, carries them over.
/// </summary>
public static partial class ReportSections
{
    /// <summary>Writes <paramref name="section"/> (its markers included) into the report, replacing the earlier one of its kind and database.</summary>
    public static async Task WriteAsync(string path, string kind, string database, string section, CancellationToken ct)
    {
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : "# Benchmarks\n";
        var found = Block().Matches(existing).FirstOrDefault(m => m.Groups["kind"].Value == kind && m.Groups["db"].Value == database);
        var text = found is not null
            ? existing[..found.Index] + section + existing[(found.Index + found.Length)..]
            : existing.TrimEnd() + "\n\n" + section + "\n";
        await File.WriteAllTextAsync(path, text, ct);
    }

    /// <summary>The marked sections of a report, to be carried over when the rest is written again.</summary>
    public static string Kept(string? report) =>
        report is null ? "" : string.Join("\n\n", Block().Matches(report).Select(m => m.Value));

    [GeneratedRegex(@"<!-- (?<kind>crash|double11) (?<db>\w+) -->.*?<!-- /\k<kind> \k<db> -->", RegexOptions.Singleline)]
    private static partial Regex Block();
}
