using System.Globalization;
using System.Text;

namespace Shelfbook.Cli.Crash;

/// <summary>
/// The crash runs' part of docs/benchmarks.md: one section per database, written by <c>shelfbook crash --report FILE</c>
/// between markers, so a later run on the same database replaces its own section and <c>bench --report</c>, which
/// rewrites the rest of the file, keeps them (<see cref="Bench.ReportSections"/>).
/// </summary>
public static class CrashReport
{
    /// <summary>What every batch is checked for, in the words of the report.</summary>
    public static readonly string[] Checks =
    [
        "`shelfbook verify`: every balance and reservation total equals the ledger",
        "every platform order stored once and made into exactly one order",
        "no order audited twice, none shipped twice (the order log has each move once)",
        "one parcel per shipped order, no tracking number on two parcels or two live waybills, none issued twice by the carrier for one parcel",
        "every shipped unit left the ledger as an outbound movement of its order; no reservation left behind",
        "the sandbox platform accepted exactly one confirmation per platform order, with the parcel's number, and all of them in the end",
    ];

    /// <summary>The stages a kill can fall in, in the pipeline's order.</summary>
    private static readonly string[] Stages = ["sync", "intake and audit", "waybills and shipping", "write-back", "unknown"];

    public static Task WriteAsync(string path, CrashResult result, CrashOptions options, string command, CancellationToken ct) =>
        Bench.ReportSections.WriteAsync(path, "crash", result.Database, Section(result, options, command), ct);

    private static string Section(CrashResult result, CrashOptions options, string command)
    {
        var c = CultureInfo.InvariantCulture;
        var name = result.Database == "Postgres" ? "PostgreSQL" : "SQLite";
        var text = new StringBuilder();
        text.AppendLine(c, $"<!-- crash {result.Database} -->");
        text.AppendLine(c, $"## Crash consistency on {name}");
        text.AppendLine();
        text.AppendLine(c, $"Written by `shelfbook crash --report` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, in {result.Took.TotalMinutes:0} minutes:");
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(command);
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine(c, $"Shelfbook ran as its own process and was killed with SIGKILL **{result.Kills} times**{(result.PostgresRestarts > 0 ? $" ({result.PostgresRestarts} of them with PostgreSQL restarted too)" : "")},");
        text.AppendLine(c, $"at random moments up to {options.KillWithinSeconds:0.#} s after each start, over {result.Batches} batches of {options.Orders:N0} orders ({result.Orders:N0} in all):");
        text.AppendLine("each batch synced from a sandbox Taobao shop over HTTP, taken in, audited by rule, reserved, numbered by the sandbox");
        text.AppendLine("carrier, shipped in ship jobs through the API and written back to the sandbox. Where the kills fell:");
        text.AppendLine();
        text.AppendLine("| Stage | Kills |");
        text.AppendLine("|---|---:|");
        foreach (var stage in Stages.Where(result.KillStages.ContainsKey))
            text.AppendLine(c, $"| {stage} | {result.KillStages[stage]} |");
        text.AppendLine();
        text.AppendLine(c, $"Checked after every batch — **{result.Violations.Count} violations**:");
        text.AppendLine();
        foreach (var check in Checks) text.AppendLine("- " + check);
        foreach (var v in result.Violations.Take(20)) text.AppendLine(c, $"- VIOLATION in batch {v.Batch}, {v.Check}: {v.Detail}");
        text.Append(c, $"<!-- /crash {result.Database} -->");
        return text.ToString();
    }
}
