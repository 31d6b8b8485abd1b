using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// <c>shelfbook bench double11 [--orders N] [--shops N] [--skus N] [--fault-rate R] [--seed N] [--json FILE] [--report FILE]</c>:
/// the peak-day replay (<see cref="Double11Bench"/>) on the named database (a temporary SQLite folder by default). With
/// <c>--report</c> the run's figures become its database's double-11 section of docs/benchmarks.md.
/// </summary>
public static class Double11Command
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Build(Option<string?> provider, Option<string?> connection)
    {
        var orders = new Option<int>("--orders") { Description = "Orders in all (default 1,000,000)", DefaultValueFactory = _ => 1_000_000 };
        var shops = new Option<int>("--shops") { Description = "Shops, on Taobao, Tmall, Pinduoduo and Douyin in turn (default 20)", DefaultValueFactory = _ => 20 };
        var skus = new Option<int>("--skus") { Description = "SKUs (default 50,000)", DefaultValueFactory = _ => 50_000 };
        var faults = new Option<double>("--fault-rate") { Description = "Share of platform calls answered with a server error, 0 to 0.5 (default 0)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the orders (default 11)", DefaultValueFactory = _ => 11 };
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file" };
        var report = new Option<string?>("--report") { Description = "Write this run's section of the report (docs/benchmarks.md), replacing the database's earlier one" };
        var command = new Command("double11", "Replay a peak day (双十一) through the whole pipeline, sync to write-back, and print each stage's figures")
        {
            orders, shops, skus, faults, seed, json, report,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new Double11Options(parse.GetValue(orders), parse.GetValue(shops), parse.GetValue(skus), parse.GetValue(faults), parse.GetValue(seed));
            var problems = new List<string>();
            if (options.Orders is < 1 or > 10_000_000) problems.Add("--orders must be between 1 and 10,000,000.");
            if (options.Shops is < 1 or > 200) problems.Add("--shops must be between 1 and 200.");
            if (options.Shops > options.Orders) problems.Add("--shops must not exceed --orders.");
            if (options.Skus is < 100 or > 1_000_000) problems.Add("--skus must be between 100 and 1,000,000.");
            if (options.FaultRate is < 0 or > 0.5) problems.Add("--fault-rate must be between 0 and 0.5.");
            if (problems.Count > 0)
            {
                foreach (var p in problems) await Console.Error.WriteLineAsync(p);
                return 1;
            }
#if DEBUG
            Console.WriteLine("note: a Debug build; measure with -c Release");
#endif
            var figures = new List<BenchFigure>();
            void Report(string name, double value, string unit)
            {
                var figure = new BenchFigure(name, value, unit);
                Console.WriteLine($"{name}: {BenchReport.Value(figure)} {unit}");
                figures.Add(figure);
            }
            var database = parse.GetValue(provider) ?? "Sqlite";
            await Double11Bench.RunAsync(parse.GetValue(provider), parse.GetValue(connection), options, Report, Console.Out, ct);
            if (parse.GetValue(json) is { } file) await File.WriteAllTextAsync(file, JsonSerializer.Serialize(figures, Indented), ct);
            if (parse.GetValue(report) is { } path)
            {
                var db = database.Equals("Postgres", StringComparison.OrdinalIgnoreCase) ? "Postgres" : "Sqlite";
                await ReportSections.WriteAsync(path, "double11", db, Section(db, figures, CommandLine()), ct);
                Console.WriteLine($"report: {path}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The command as run, less the connection string (it may hold a password).</summary>
    private static string CommandLine()
    {
        var args = Environment.GetCommandLineArgs().Skip(1).ToArray();
        return "shelfbook " + string.Join(' ', args.Select((a, i) =>
            i > 0 && args[i - 1] == "--connection" ? "\"Host=…\"" : a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
    }

    /// <summary>The database's double-11 section of the report: when, the command, and every figure.</summary>
    public static string Section(string database, IReadOnlyList<BenchFigure> figures, string command)
    {
        var c = CultureInfo.InvariantCulture;
        var name = database == "Postgres" ? "PostgreSQL" : "SQLite";
        var text = new StringBuilder();
        text.AppendLine(c, $"<!-- double11 {database} -->");
        text.AppendLine(c, $"## Double-11 replay on {name}");
        text.AppendLine();
        text.AppendLine(c, $"Written by `shelfbook bench double11 --report` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC:");
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(command);
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("Every order paid at the start (the payment-to-audited times count from there), then each stage flat out in turn:");
        text.AppendLine("sync over HTTP from the sandbox (its own process), intake, audit rules with auto-audit (allocation, carrier,");
        text.AppendLine("reservation), waves, 电子面单 from the sandbox carriers, 简易发货 with those numbers and the third-party warehouse's");
        text.AppendLine("shipment report, write-back until the sandbox accepted one confirmation per order. Statements per order count");
        text.AppendLine("every SQL statement the stage sent; the ceiling writes the rows intake + audit wrote, with no logic, on a sample.");
        text.AppendLine();
        text.AppendLine("| Figure | Value | Unit |");
        text.AppendLine("|---|---:|---|");
        foreach (var f in figures) text.AppendLine(c, $"| `{f.Name}` | {BenchReport.Value(f)} | {f.Unit} |");
        text.Append(c, $"<!-- /double11 {database} -->");
        return text.ToString();
    }
}
